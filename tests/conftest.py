"""Shared fixtures. Tests that need the real corpora skip when ../shared/datasets is absent."""
from __future__ import annotations

import pytest

from complaint_insight.datasets import have_shared_datasets, load_authored


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
