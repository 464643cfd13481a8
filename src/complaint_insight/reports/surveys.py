"""Complainant and staff experience surveys: proportions answering positively, with Wilson 95% intervals.

CSV layout (one row per response; see docs/reports.md):

- ``respondent_type``: ``complainant`` or ``staff``;
- ``period``: the period the response belongs to (``2025-Q1``, ``2025-01`` or a date);
- one column per "My expectations" theme, any of which may be absent:
  ``knew_how_to_complain``, ``kept_informed``, ``made_a_difference``, ``confident_to_complain_again``.

Answers: yes/no, a 1-5 Likert score (5 = strongly agree) or its words ("strongly agree" ...
"strongly disagree"). Positive = yes, 4-5, agree, strongly agree. "Neither" (3) counts in the
denominator as not positive; blank, "don't know" and "n/a" are left out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd
from pydantic import BaseModel, Field

from complaint_insight.errors import InputError
from complaint_insight.reports.periods import PeriodName, label_of

Z95 = 1.959963984540054
QUESTIONS = {
    "knew_how_to_complain": "Knowing how to complain (or, for staff, how to handle one)",
    "kept_informed": "Being kept informed",
    "made_a_difference": "Feeling it made a difference",
    "confident_to_complain_again": "Confidence to complain again (staff: to raise concerns)",
}
RESPONDENT_TYPES = ("complainant", "staff")
_POSITIVE = {"yes", "y", "true", "agree", "strongly agree", "4", "5"}
_NOT_POSITIVE = {
    "no",
    "n",
    "false",
    "disagree",
    "strongly disagree",
    "neither",
    "neither agree nor disagree",
    "neutral",
    "1",
    "2",
    "3",
}
_LEFT_OUT = {"", "don't know", "dont know", "do not know", "n/a", "na", "not applicable", "prefer not to say"}


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion; (0, 1) when n is 0."""
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got {successes} of {n}")
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


class SurveyResult(BaseModel):
    respondent_type: str
    question: str = Field(description="column name, one of the four 'My expectations' themes")
    theme: str
    period: str | None = Field(description="None for all periods together")
    positive: int
    answered: int
    proportion: float | None
    ci_low: float | None
    ci_high: float | None


def score_answer(value) -> bool | None:
    """True (positive), False (not positive) or None (left out)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip().lower().replace("’", "'")
    if text.endswith(".0"):
        text = text[:-2]
    if text in _LEFT_OUT:
        return None
    if text in _POSITIVE:
        return True
    if text in _NOT_POSITIVE:
        return False
    raise InputError(f"survey answer {str(value)[:40]!r} is not yes/no, 1-5 or an agree/disagree phrase")


def read_surveys(frame: pd.DataFrame, *, period: PeriodName, source: str = "surveys") -> pd.DataFrame:
    """Check the layout; return respondent_type, period label and one True/False/None column per question."""
    missing = [c for c in ("respondent_type", "period") if c not in frame.columns]
    if missing:
        raise InputError(
            f"{source}: column(s) {', '.join(missing)} missing; see docs/reports.md for the layout"
        )
    questions = [q for q in QUESTIONS if q in frame.columns]
    if not questions:
        raise InputError(f"{source}: no question columns; expected some of {', '.join(QUESTIONS)}")
    kinds = frame["respondent_type"].astype(str).str.strip().str.lower()
    bad = sorted(set(kinds) - set(RESPONDENT_TYPES))
    if bad:
        raise InputError(f"{source}: respondent_type must be complainant or staff, found {bad[0][:40]!r}")
    labels = frame["period"].map(lambda v: label_of(v, period))
    if labels.isna().any():
        row = int(labels.isna().to_numpy().nonzero()[0][0])
        raise InputError(
            f"{source}: row {row + 1}: period {str(frame['period'].iloc[row])[:40]!r} is not a period or date"
        )
    out = pd.DataFrame({"respondent_type": kinds.to_numpy(), "period": labels.to_numpy()})
    for q in questions:
        try:
            out[q] = frame[q].map(score_answer).to_numpy()
        except InputError as exc:
            raise InputError(f"{source}: column {q}: {exc}") from None
    return out


def summarise(scored: pd.DataFrame, periods: Iterable[str] | None = None) -> list[SurveyResult]:
    """Proportion positive per respondent type and question, over all periods and per period."""
    out: list[SurveyResult] = []
    questions = [q for q in QUESTIONS if q in scored.columns]
    wanted = list(periods) if periods is not None else sorted(scored["period"].unique())
    for kind in RESPONDENT_TYPES:
        mine = scored[scored["respondent_type"] == kind]
        if mine.empty:
            continue
        for q in questions:
            out.append(_result(kind, q, None, mine[q]))
            for p in wanted:
                answers = mine.loc[mine["period"] == p, q]
                if answers.notna().any():
                    out.append(_result(kind, q, p, answers))
    return out


def _result(kind: str, question: str, period: str | None, answers: pd.Series) -> SurveyResult:
    given = answers.dropna()
    n, k = len(given), int(sum(bool(a) for a in given))
    low, high = wilson_interval(k, n) if n else (None, None)
    return SurveyResult(
        respondent_type=kind,
        question=question,
        theme=QUESTIONS[question],
        period=period,
        positive=k,
        answered=n,
        proportion=k / n if n else None,
        ci_low=low,
        ci_high=high,
    )
