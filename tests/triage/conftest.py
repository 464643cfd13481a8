import pytest

from complaint_insight.datasets import load_authored


@pytest.fixture(scope="session")
def rules():
    from complaint_insight.triage.risk import load_rules

    return load_rules()


@pytest.fixture(scope="session")
def triager():
    from complaint_insight.triage import Triager

    return Triager()


@pytest.fixture(scope="session")
def risk_test_rows():
    return load_authored("risk", split="test")
