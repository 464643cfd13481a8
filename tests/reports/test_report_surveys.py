"""Survey layout, answer scoring and Wilson intervals."""

from pathlib import Path

import pandas as pd
import pytest

from complaint_insight.errors import InputError
from complaint_insight.io import read_table
from complaint_insight.reports.surveys import read_surveys, score_answer, summarise, wilson_interval

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "surveys.csv"


def test_wilson_interval_by_hand():
    # 8 of 10, z = 1.96: centre (0.8 + 0.19208) / 1.38416 = 0.71680; half 1.41602 * sqrt(0.016 + 0.0009604) = 0.18440
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4)
    assert high == pytest.approx(0.9433, abs=1e-4)
    low, high = wilson_interval(0, 10)
    assert low == 0 and high == pytest.approx(0.2775, abs=1e-4)
    assert wilson_interval(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError):
        wilson_interval(3, 2)


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("Yes", True),
        ("no", False),
        ("5", True),
        (4, True),
        ("3", False),
        (2.0, False),
        ("Strongly agree", True),
        ("Neither agree nor disagree", False),
        ("", None),
        ("Don’t know", None),
        ("N/A", None),
        (None, None),
    ],
)
def test_scoring(answer, expected):
    assert score_answer(answer) is expected


def test_unknown_answer_is_a_clear_error():
    with pytest.raises(InputError, match="not yes/no"):
        score_answer("maybe")


def test_summary_counts_and_periods():
    table = pd.DataFrame(
        {
            "respondent_type": ["complainant"] * 4 + ["Staff"],
            "period": ["2025-01-15", "2025-02-01", "2025-Q2", "2025-05", "2025-Q1"],
            "kept_informed": ["yes", "no", "agree", "", "5"],
        }
    )
    scored = read_surveys(table, period="quarter")
    results = summarise(scored, ["2025-Q1", "2025-Q2"])
    overall = [r for r in results if r.respondent_type == "complainant" and r.period is None][0]
    assert (overall.positive, overall.answered) == (2, 3)  # blank left out
    q1 = [r for r in results if r.respondent_type == "complainant" and r.period == "2025-Q1"][0]
    assert (q1.positive, q1.answered) == (1, 2)
    staff = [r for r in results if r.respondent_type == "staff" and r.period is None][0]
    assert staff.proportion == 1.0 and staff.ci_low < 1.0


@pytest.mark.parametrize(
    "table, message",
    [
        (pd.DataFrame({"period": ["2025-Q1"], "kept_informed": ["yes"]}), "respondent_type"),
        (
            pd.DataFrame({"respondent_type": ["patient"], "period": ["2025-Q1"], "kept_informed": ["yes"]}),
            "complainant or staff",
        ),
        (
            pd.DataFrame({"respondent_type": ["staff"], "period": ["soon"], "kept_informed": ["yes"]}),
            "not a period",
        ),
        (
            pd.DataFrame({"respondent_type": ["staff"], "period": ["2025-Q1"], "q1": ["yes"]}),
            "no question columns",
        ),
    ],
)
def test_layout_errors(table, message):
    with pytest.raises(InputError, match=message):
        read_surveys(table, period="quarter")


def test_example_file_reads():
    scored = read_surveys(read_table(EXAMPLE), period="quarter")
    results = summarise(scored)
    kinds = {r.respondent_type for r in results}
    assert kinds == {"complainant", "staff"}
    assert {r.question for r in results} == {
        "knew_how_to_complain",
        "kept_informed",
        "made_a_difference",
        "confident_to_complain_again",
    }
    assert all(r.ci_low <= r.proportion <= r.ci_high for r in results if r.proportion is not None)
