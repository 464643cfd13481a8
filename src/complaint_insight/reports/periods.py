"""Calendar periods (month or quarter) for the report, and which of them the data cover only in part.

Coverage is the data's first to last date unless the caller states ``start``/``end``. A period the
coverage does not reach from its first to its last day is *partial*: its count would look like a
drop, so charts mark it and the SPC charts leave it out.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import pandas as pd
from pydantic import BaseModel

from complaint_insight.errors import InputError

PeriodName = Literal["month", "quarter"]
_FREQ = {"month": "M", "quarter": "Q"}


class PeriodInfo(BaseModel):
    label: str
    start: dt.date
    end: dt.date
    partial: bool


def parse_dates(values: pd.Series, *, dayfirst: bool = False) -> pd.Series:
    """Dates as midnight timestamps (time zones dropped); unreadable values become NaT."""
    dates = pd.to_datetime(values, errors="coerce", format="mixed", dayfirst=dayfirst)
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    return dates.dt.normalize()


def period_label(period: pd.Period) -> str:
    return (
        f"{period.year}-Q{period.quarter}"
        if period.freqstr.startswith("Q")
        else f"{period.year}-{period.month:02d}"
    )


def labels_of_dates(dates: pd.Series, period: PeriodName) -> pd.Series:
    """Period labels of (non-missing) dates, vectorised: the same text as ``period_label``."""
    if period not in _FREQ:
        raise InputError(f"period must be month or quarter, got {period!r}")
    year = dates.dt.year.astype(str)
    if period == "quarter":
        return year + "-Q" + dates.dt.quarter.astype(str)
    return year + "-" + dates.dt.month.astype(str).str.zfill(2)


def period_range(
    first: dt.date,
    last: dt.date,
    period: PeriodName,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[PeriodInfo]:
    """Every period from ``first`` to ``last`` (no gaps), each flagged partial or not."""
    cover_start = start or first
    cover_end = end or last
    out = []
    for p in pd.period_range(pd.Timestamp(first), pd.Timestamp(last), freq=_FREQ[period]):
        p_start, p_end = p.start_time.date(), p.end_time.date()
        out.append(
            PeriodInfo(
                label=period_label(p),
                start=p_start,
                end=p_end,
                partial=cover_start > p_start or cover_end < p_end,
            )
        )
    return out


def label_of(value: str, period: PeriodName) -> str | None:
    """A period label from text that names a period ("2025-Q1", "2025-01") or a date; None if unreadable."""
    text = str(value).strip()
    if not text:
        return None
    try:
        p = pd.Period(text, freq=_FREQ[period])
    except (ValueError, TypeError):
        try:
            p = pd.Timestamp(text).to_period(_FREQ[period])
        except (ValueError, TypeError):
            return None
    return period_label(p)
