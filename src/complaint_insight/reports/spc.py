"""Statistical process control in the NHS "Making Data Count" style: the XmR chart.

An XmR (individuals and moving range) chart puts each period's value against the mean of all
periods, with process limits at ``mean ± 2.66 × mean moving range`` (2.66 = 3 / d2, d2 = 1.128 for
ranges of two points). Three special-cause rules are checked, as Making Data Count uses them:

- ``beyond_limits``: a single point above the upper or below the lower process limit;
- ``shift``: a run of 7 or more consecutive points all above, or all below, the mean
  (a point exactly on the mean ends the run);
- ``trend``: 7 or more consecutive points each higher than the one before (or each lower);
  a repeated value ends the trend.

Making Data Count's fourth rule (two of three points near a limit) is not used. With fewer than
15 points the limits are marked provisional (Making Data Count advises 15-20 points).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

SIGMA_FACTOR = 2.66
RUN_LENGTH = 7
TREND_LENGTH = 7
MIN_POINTS_FOR_LIMITS = 15

Rule = Literal["beyond_limits", "shift", "trend"]
Direction = Literal["up", "down"]


class Signal(BaseModel):
    """One special cause: which rule, which way, and the points (0-based positions) involved."""

    rule: Rule
    direction: Direction
    start: int = Field(description="position of the first point involved")
    end: int = Field(description="position of the last point involved (inclusive)")
    start_label: str
    end_label: str


class XmrChart(BaseModel):
    """Values in time order with their XmR statistics. Limits are None with fewer than 2 points."""

    title: str
    labels: list[str] = Field(description="period labels, one per value")
    values: list[float]
    moving_ranges: list[float | None] = Field(description="|x_i - x_(i-1)|; None for the first point")
    mean: float | None
    mean_moving_range: float | None
    upper_limit: float | None
    lower_limit: float | None
    provisional: bool = Field(
        description=f"fewer than {MIN_POINTS_FOR_LIMITS} points: limits are provisional"
    )
    higher_is: Literal["concern", "improvement", "neutral"] = "concern"
    signals: list[Signal]


def xmr(
    values: Sequence[float],
    labels: Sequence[str] | None = None,
    *,
    title: str = "",
    higher_is: Literal["concern", "improvement", "neutral"] = "concern",
) -> XmrChart:
    """Build an XmR chart and find its special-cause signals. ``values`` are in time order."""
    xs = [float(v) for v in values]
    if any(not math.isfinite(v) for v in xs):
        raise ValueError("XmR values must be finite numbers")
    labels = [str(lab) for lab in labels] if labels is not None else [str(i + 1) for i in range(len(xs))]
    if len(labels) != len(xs):
        raise ValueError(f"{len(labels)} labels for {len(xs)} values")
    ranges: list[float | None] = [None] + [abs(b - a) for a, b in zip(xs, xs[1:])]
    mean = sum(xs) / len(xs) if xs else None
    if len(xs) >= 2:
        mr_bar = sum(r for r in ranges if r is not None) / (len(xs) - 1)
        upper, lower = mean + SIGMA_FACTOR * mr_bar, mean - SIGMA_FACTOR * mr_bar
    else:
        mr_bar = upper = lower = None
    signals = find_signals(xs, mean, upper, lower, labels) if upper is not None else []
    return XmrChart(
        title=title,
        labels=labels,
        values=xs,
        moving_ranges=ranges,
        mean=mean,
        mean_moving_range=mr_bar,
        upper_limit=upper,
        lower_limit=lower,
        provisional=len(xs) < MIN_POINTS_FOR_LIMITS,
        higher_is=higher_is,
        signals=signals,
    )


def find_signals(
    xs: Sequence[float], mean: float, upper: float, lower: float, labels: Sequence[str]
) -> list[Signal]:
    """All signals of the three rules, in rule order then time order."""

    def signal(rule: Rule, direction: Direction, start: int, end: int) -> Signal:
        return Signal(
            rule=rule,
            direction=direction,
            start=start,
            end=end,
            start_label=labels[start],
            end_label=labels[end],
        )

    out: list[Signal] = []
    for i, x in enumerate(xs):
        if x > upper:
            out.append(signal("beyond_limits", "up", i, i))
        elif x < lower:
            out.append(signal("beyond_limits", "down", i, i))
    # Shifts: maximal runs on one side of the mean.
    sides = [1 if x > mean else -1 if x < mean else 0 for x in xs]
    for start, end, side in _runs(sides):
        if side != 0 and end - start + 1 >= RUN_LENGTH:
            out.append(signal("shift", "up" if side > 0 else "down", start, end))
    # Trends: maximal runs of strict increases (or decreases); n points make n-1 steps.
    steps = [1 if b > a else -1 if b < a else 0 for a, b in zip(xs, xs[1:])]
    for start, end, step in _runs(steps):
        if step != 0 and end - start + 2 >= TREND_LENGTH:
            out.append(signal("trend", "up" if step > 0 else "down", start, end + 1))
    return out


def _runs(items: Sequence[int]):
    """(start, end inclusive, value) for each maximal block of equal values."""
    start = 0
    for i in range(1, len(items) + 1):
        if i == len(items) or items[i] != items[start]:
            if items:
                yield start, i - 1, items[start]
            start = i


def describe(chart: XmrChart, *, what: str, fmt: str = "{:.0f}", stat_fmt: str = "{:.1f}") -> list[str]:
    """Plain-language sentences, one per signal, e.g. for a board paper. ``fmt`` formats values,
    ``stat_fmt`` the mean and limits."""
    out = []
    for s in chart.signals:
        n = s.end - s.start + 1
        way = "high" if s.direction == "up" else "low"
        verdict = _verdict(chart.higher_is, s.direction)
        if s.rule == "beyond_limits":
            limit = chart.upper_limit if s.direction == "up" else chart.lower_limit
            text = (
                f"{what}: {s.start_label} was unusually {way} ({fmt.format(chart.values[s.start])}, "
                f"{'above the upper' if s.direction == 'up' else 'below the lower'} process limit "
                f"of {stat_fmt.format(limit)})"
            )
        elif s.rule == "shift":
            text = (
                f"{what}: {n} periods in a row {'above' if s.direction == 'up' else 'below'} the average of "
                f"{stat_fmt.format(chart.mean)}, {s.start_label} to {s.end_label} (a shift)"
            )
        else:
            text = (
                f"{what}: {'rising' if s.direction == 'up' else 'falling'} {n} periods in a row, "
                f"{s.start_label} to {s.end_label} (a trend)"
            )
        out.append(text + (f" - {verdict}." if verdict else "."))
    return out


def _verdict(higher_is: str, direction: str) -> str:
    if higher_is == "neutral":
        return ""
    good = (higher_is == "improvement") == (direction == "up")
    return "an improvement" if good else "a concern"
