"""Shared fixtures. Tests that need the real corpora skip when ../shared/datasets is absent."""
from __future__ import annotations

import re

import pytest

from complaint_insight.datasets import have_shared_datasets, load_authored
from complaint_insight.triage import Triager
from complaint_insight.triage.result import Cue, RedFlag, Span


def pytest_collection_modifyitems(config, items):
    if have_shared_datasets():
        return
    skip = pytest.mark.skip(reason="shared datasets not present (../shared/datasets)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def authored_complaints():
    df = load_authored("complaints")
    return df[~df["kind"].isin(["non_english", "junk"])].reset_index(drop=True)


@pytest.fixture(scope="session")
def small_classifier(authored_complaints):
    """A classifier fitted in seconds on the authored train split (for API tests)."""
    from complaint_insight.triage.classifier import ComplaintClassifier

    train = authored_complaints[authored_complaints.split == "train"]
    return ComplaintClassifier(cv=3).fit(train["text"].tolist(), train["label"].astype(int))


class AnnotatingTriager(Triager):
    """Test double: the shipped classifier's verdict, plus cues and a red flag found by fixed patterns.

    Cues and red flags come from the risk-triage stage, which is built separately; this lets the
    service, page and spaCy tests check how such fields travel and render, with known offsets.
    """

    CUE = re.compile(r"\b(rude|nobody called)\b", re.I)
    FLAG = re.compile(r"\bhasn't had (?:her|his) tablets\b", re.I)

    def assess_many(self, texts, ids=None):
        texts = list(texts)
        results = super().assess_many(texts, ids=ids)
        annotated = []
        for text, result in zip(texts, results):
            text = text or ""
            cues = [Cue(start=m.start(), end=m.end(), text=m.group(), weight=1.0) for m in self.CUE.finditer(text)]
            flags = [
                RedFlag(type="medication", label="Missed medication", route="Tell the nurse in charge now",
                        span=Span(start=m.start(), end=m.end(), text=m.group()))
                for m in self.FLAG.finditer(text)
            ]
            annotated.append(result.model_copy(update={
                "cues": cues, "red_flags": flags, "severity": 2 if flags else 1,
                "severity_label": "medium" if flags else "low", "prompt": "Say sorry and find out what happened.",
            }))
        return annotated


@pytest.fixture(scope="session")
def annotating_triager():
    return AnnotatingTriager()
