"""Small authored data for theme tests (training_data/themes), fitted once per session."""
from __future__ import annotations

import pytest

from complaint_insight.datasets import load_authored


@pytest.fixture(scope="session")
def authored():
    return load_authored("themes")


@pytest.fixture(scope="session")
def fitted(authored):
    from complaint_insight.themes import ThemeModel

    return ThemeModel(5).fit(authored)
