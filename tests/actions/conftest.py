"""Small hand-made library files for the actions tests."""

from __future__ import annotations

import textwrap

import pytest


def write(path, text: str):
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


@pytest.fixture
def write_file():
    return write


@pytest.fixture
def org_file(tmp_path):
    """An organisation's own file: one new theme, two actions, and one built-in action retired."""
    return write(
        tmp_path / "our_actions.yaml",
        """
        library: st_elsewhere
        version: "2024.1"
        themes:
          - id: visiting
            label: Visiting times
            description: Visiting hours that are too short or enforced inconsistently.
            key_phrases: [visiting, visiting hours, visitors]
        actions:
          - id: org.open-visiting
            text: Open visiting from 9am to 9pm on all adult wards, with protected mealtimes kept.
            owner: director of nursing
            action_type: standardise_equipment_process
            applies_to: {themes: [visiting]}
            measure: Complaints about visiting per month.
          - id: org.visiting-poster
            text: Put the visiting hours on a poster at every ward entrance.
            owner: ward manager
            action_type: warning
            strength: weaker
            applies_to: {themes: [visiting]}
            measure: Complaints about visiting per month.
        retire: [wait.apology-briefing]
        """,
    )


class ConstantEmbedder:
    """Every text gets the same vector: similarity plays no part, so ranking rules can be tested exactly."""

    name = "constant"
    dim = 4

    def encode(self, texts):
        import numpy as np

        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        vectors[:, 0] = 1.0
        return vectors


@pytest.fixture
def constant_embedder():
    return ConstantEmbedder()


@pytest.fixture
def log_path(tmp_path):
    return tmp_path / "learning_log.sqlite"
