"""Theme counts and rates over time and per group.

Periods are calendar weeks, months or quarters. A period only partly covered by the data (the
first starts after the period began, or the last ends before the period ends) is flagged
``partial`` and carries ``coverage`` (share of its days inside the data), so that a low count in
a half-finished month is not read as a drop. Rates are shares of all rows with a theme (or
unassigned) in the same period or group, so they can be compared across partial periods.
"""
from __future__ import annotations

import pandas as pd

from complaint_insight.errors import InputError

_FREQ = {"week": "W-SUN", "month": "M", "quarter": "Q"}


def _dates(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        raise InputError(f"date column {column!r} not found; columns are: " + ", ".join(map(str, frame.columns)))
    raw = frame[column]
    dates = raw if pd.api.types.is_datetime64_any_dtype(raw) else pd.to_datetime(raw, errors="coerce", format="mixed",
                                                                                   dayfirst=False)
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_convert(None)
    return dates


def themes_over_time(frame: pd.DataFrame, date_column: str, *, period: str = "month",
                     theme_column: str = "theme_id", label_column: str | None = "theme_label") -> pd.DataFrame:
    """One row per (period, theme): count, rate within the period, ``partial`` flag and ``coverage``.

    Rows with a missing or unparseable date are left out and counted in ``frame.attrs['undated_rows']``.
    """
    if period not in _FREQ:
        raise InputError(f"period must be one of {', '.join(_FREQ)}, got {period!r}")
    dates = _dates(frame, date_column)
    dated = dates.notna() & (frame[theme_column].astype(str) != "")
    if not dated.any():
        raise InputError(f"no parseable dates in column {date_column!r}")
    periods = dates[dated].dt.to_period(_FREQ[period])
    keys = [periods.rename("period"), frame.loc[dated, theme_column].rename("theme_id")]
    counts = frame.loc[dated].groupby(keys, sort=True).size().rename("count").reset_index()
    totals = counts.groupby("period")["count"].transform("sum")
    counts["period_total"] = totals
    counts["rate"] = (counts["count"] / totals).round(4)
    first_day, last_day = dates[dated].min().normalize(), dates[dated].max().normalize()
    start = counts["period"].map(lambda p: p.start_time.normalize())
    end = counts["period"].map(lambda p: p.end_time.normalize())
    covered_from = start.where(start >= first_day, first_day)
    covered_to = end.where(end <= last_day, last_day)
    days = (end - start).dt.days + 1
    counts["coverage"] = (((covered_to - covered_from).dt.days + 1) / days).round(3)
    counts["partial"] = counts["coverage"] < 1.0
    counts["period"] = counts["period"].astype(str)
    if label_column and label_column in frame.columns:
        labels = frame.drop_duplicates(theme_column).set_index(theme_column)[label_column]
        counts.insert(2, "theme_label", counts["theme_id"].map(labels))
    counts.attrs["undated_rows"] = int((~dates.notna()).sum())
    return counts


def themes_by_group(frame: pd.DataFrame, group_column: str, *, theme_column: str = "theme_id",
                    label_column: str | None = "theme_label") -> pd.DataFrame:
    """One row per (group, theme): count and rate within the group (missing groups become "(none)")."""
    if group_column not in frame.columns:
        raise InputError(f"group column {group_column!r} not found; columns are: " + ", ".join(map(str, frame.columns)))
    groups = frame[group_column].astype(str).where(frame[group_column].notna(), "(none)").replace("", "(none)")
    keep = frame[theme_column].astype(str) != ""
    counts = frame.loc[keep].groupby([groups[keep].rename("group"), frame.loc[keep, theme_column].rename("theme_id")],
                                     sort=True).size().rename("count").reset_index()
    counts["group_total"] = counts.groupby("group")["count"].transform("sum")
    counts["rate"] = (counts["count"] / counts["group_total"]).round(4)
    if label_column and label_column in frame.columns:
        labels = frame.drop_duplicates(theme_column).set_index(theme_column)[label_column]
        counts.insert(2, "theme_label", counts["theme_id"].map(labels))
    return counts
