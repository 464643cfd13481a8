"""Did complaints on a theme fall after an action? A before/after comparison with an honest test.

Rates (the default): complaints on the theme per day of calendar time before and after the
action date, compared with the exact conditional binomial test for two Poisson rates (given the
total count, the share falling after the action is binomial with p = after-days / all days under
"no change"). Shares (``share=True``): the theme's share of all complaints, compared with
Fisher's exact test. Either way a before/after difference is not proof that the action caused
it; the result always says so, and says when the counts are too small to tell.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from complaint_insight.errors import InputError

Period = Literal["week", "month", "quarter"]
_PERIOD_DAYS = {"week": 7.0, "month": 365.25 / 12, "quarter": 365.25 / 4}
_PERIOD_FREQ = {"week": "W-SUN", "month": "M", "quarter": "Q"}  # weeks run Monday to Sunday
Verdict = Literal["fell", "rose", "no_clear_change", "too_few"]
# Above this Pearson dispersion of whole-period counts the rate test is widened (quasi-Poisson).
DISPERSION_LIMIT = 1.0

NOT_CAUSAL = (
    "Before/after shows whether complaints changed, not why. Regression to the mean (actions are "
    "usually agreed after a bad spell, which tends to be followed by a better one anyway), "
    "seasonality, changes in activity or in how complaints are recorded, and other changes made "
    "at the same time can all create or hide a change."
)


class Window(BaseModel):
    start: dt.date
    end: dt.date = Field(description="last day included")
    days: int
    count: int = Field(description="complaints on the theme")
    total: int = Field(description="all complaints (any theme)")
    rate_per_period: float
    share: float | None = Field(description="count / total; None when there were no complaints at all")


class ImpactResult(BaseModel):
    theme: str
    action_date: dt.date
    lag_days: int
    period: Period
    measure: Literal["rate", "share"]
    before: Window
    after: Window
    ratio: float | None = Field(description="after / before (rate or share); None when the before value is 0")
    ci_low: float | None = None
    ci_high: float | None = None
    change_percent: float | None = None
    test: str
    p_value: float = Field(description="the p-value behind the verdict")
    p_exact: float | None = Field(default=None, description="exact Poisson-rate test before any widening")
    dispersion: float | None = Field(
        default=None,
        description="variance/mean of whole-period counts (1 = Poisson); None with < 3 periods a side",
    )
    alpha: float
    verdict: Verdict
    summary: str
    caveats: list[str]
    periods: list[dict[str, Any]]
    undated_rows: int = 0

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def effect_text(self) -> str:
        """One line for the learning log's ``effect`` field."""
        unit = "a " + self.period if self.measure == "rate" else "of all complaints"
        fmt = (
            (lambda w: f"{w.rate_per_period:.1f} {unit}")
            if self.measure == "rate"
            else (lambda w: f"{100 * (w.share or 0):.0f}% {unit}")
        )
        ratio = "" if self.ratio is None else f", ratio {self.ratio:.2f}"
        ci = (
            ""
            if self.ci_low is None or self.ci_high is None
            else f" (95% CI {self.ci_low:.2f}-{self.ci_high:.2f})"
        )
        return (
            f"{self.verdict.replace('_', ' ')}: {fmt(self.before)} before, {fmt(self.after)} after{ratio}{ci}, "
            f"{format_p(self.p_value)}, {self.before.count + self.after.count} complaints"
        )


def measure_impact(
    complaints: pd.DataFrame,
    *,
    theme: str,
    action_date: dt.date | str,
    date_column: str = "date",
    theme_column: str = "theme_id",
    period: Period = "month",
    share: bool = False,
    lag_days: int = 0,
    window_days: int | None = None,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    min_count: int = 10,
    alpha: float = 0.05,
    dayfirst: bool = False,
) -> ImpactResult:
    """Compare complaints on ``theme`` before and after ``action_date``.

    ``complaints`` has one row per complaint with a date and a theme id (several themes can be
    joined with ';'). Data are taken to cover ``start``..``end`` (default: first to last date in
    the table). ``lag_days`` after the action are left out (time for it to take effect);
    ``window_days`` limits each side to that many days. Fewer than ``min_count`` complaints on the
    theme in both windows together gives the verdict ``too_few``. ``dayfirst`` reads 03/04/2024 as
    3 April (ISO dates, 2024-04-03, are never ambiguous).
    """
    if period not in _PERIOD_DAYS:
        raise InputError(f"period must be one of {', '.join(_PERIOD_DAYS)}, got {period!r}")
    for name, column in (("date column", date_column), ("theme column", theme_column)):
        if column not in complaints.columns:
            raise InputError(
                f"{name} {column!r} not found; columns are: {', '.join(map(str, complaints.columns))}"
            )
    if lag_days < 0 or (window_days is not None and window_days < 1) or min_count < 1 or not 0 < alpha < 1:
        raise InputError("lag_days must be >= 0, window_days >= 1, min_count >= 1 and 0 < alpha < 1")
    action = _as_date(action_date, "action date")
    dates = pd.to_datetime(complaints[date_column], errors="coerce", format="mixed", dayfirst=dayfirst)
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    days = dates.dt.normalize()
    undated = int(days.isna().sum())
    if undated == len(days):
        raise InputError(f"no readable dates in column {date_column!r}")
    on_theme = complaints[theme_column].map(lambda v: _has_theme(v, theme)).to_numpy(dtype=bool)
    first = _as_date(start, "start") if start is not None else days.min().date()
    last = _as_date(end, "end") if end is not None else days.max().date()
    after_start = action + dt.timedelta(days=lag_days)
    before_start = first if window_days is None else max(first, action - dt.timedelta(days=window_days))
    after_end = last if window_days is None else min(last, after_start + dt.timedelta(days=window_days - 1))
    if before_start >= action:
        raise InputError(f"no data before the action date {action} (data start {first})")
    if after_start > after_end:
        raise InputError(f"no data after {after_start} (action date + {lag_days} days lag; data end {last})")

    in_before = ((days >= pd.Timestamp(before_start)) & (days < pd.Timestamp(action))).to_numpy()
    in_after = ((days >= pd.Timestamp(after_start)) & (days <= pd.Timestamp(after_end))).to_numpy()
    before = _window(before_start, action - dt.timedelta(days=1), on_theme & in_before, in_before, period)
    after = _window(after_start, after_end, on_theme & in_after, in_after, period)
    n = before.count + after.count

    from scipy import stats

    periods = _periods(days, on_theme, before_start, action, after_start, after_end, period)
    dispersion = _dispersion(periods)
    p_exact = None
    if share:
        test_name = "Fisher's exact test on the theme's share of all complaints (two proportions)"
        if before.total == 0 or after.total == 0:
            raise InputError("no complaints at all on one side of the action date: cannot compare shares")
        table = [[after.count, after.total - after.count], [before.count, before.total - before.count]]
        p_value = float(stats.fisher_exact(table).pvalue)
        ratio, low, high = _share_ratio(before, after)
    else:
        test_name = "exact conditional binomial test of two Poisson rates (complaints per day of exposure)"
        p0 = after.days / (before.days + after.days)
        if n == 0:
            p_value, ratio, low, high = 1.0, None, None, None
        else:
            test = stats.binomtest(after.count, n, p0)
            p_value = p_exact = float(test.pvalue)
            ci = test.proportion_ci(0.95, method="exact")
            scale = before.days / after.days
            ratio = None if before.count == 0 else (after.count / after.days) / (before.count / before.days)
            low = _odds(ci.low) * scale
            high = None if ci.high >= 1 else _odds(ci.high) * scale
            if dispersion is not None and dispersion > DISPERSION_LIMIT and before.count and after.count:
                # Counts vary more than Poisson: widen the test and interval by the dispersion
                # (quasi-Poisson Wald test on the log rate ratio) and keep whichever is wider.
                se = math.sqrt(dispersion * (1 / before.count + 1 / after.count))
                p_value = max(p_exact, float(2 * stats.norm.sf(abs(math.log(ratio)) / se)))
                low = min(low, ratio * math.exp(-1.96 * se))
                high = None if high is None else max(high, ratio * math.exp(1.96 * se))
                test_name += f", widened for overdispersion (quasi-Poisson, dispersion {dispersion:.2f})"

    if n < min_count:
        verdict: Verdict = "too_few"
    elif p_value < alpha and ratio is not None and ratio < 1:
        verdict = "fell"
    elif p_value < alpha and (ratio is None or ratio > 1):
        verdict = "rose"
    else:
        verdict = "no_clear_change"
    caveats = _caveats(
        verdict, n, min_count, before, after, periods, period, share, low, high, undated, dispersion
    )
    result = ImpactResult(
        theme=str(theme),
        action_date=action,
        lag_days=lag_days,
        period=period,
        measure="share" if share else "rate",
        before=before,
        after=after,
        ratio=_round(ratio),
        ci_low=_round(low),
        ci_high=_round(high),
        change_percent=None if ratio is None else round(100 * (ratio - 1), 1),
        test=test_name,
        p_value=p_value,
        p_exact=p_exact,
        dispersion=None if dispersion is None else round(dispersion, 3),
        alpha=alpha,
        verdict=verdict,
        summary="",
        caveats=caveats,
        periods=periods,
        undated_rows=undated,
    )
    result.summary = _summary(result)
    return result


def record_impact(log, entry_id: int, result: ImpactResult):
    """Store the measured effect on a learning-log entry (used by "what worked here before")."""
    return log.update(
        entry_id,
        effect=result.effect_text(),
        effect_ratio=result.ratio,
        effect_p=result.p_value,
        effect_measured=dt.date.today(),
    )


# -- pieces ------------------------------------------------------------------------------------------
def _as_date(value: Any, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return pd.Timestamp(str(value)).date()
    except (ValueError, TypeError):
        raise InputError(f"{what} {value!r} is not a date (use YYYY-MM-DD)") from None


def _has_theme(value: Any, theme: str) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    if isinstance(value, (list, tuple, set, np.ndarray)):
        return theme in {str(v) for v in value}
    text = str(value)
    return text == theme or (";" in text and theme in {p.strip() for p in text.split(";")})


def _window(
    first: dt.date, last: dt.date, theme_mask: np.ndarray, all_mask: np.ndarray, period: Period
) -> Window:
    days = (last - first).days + 1
    count, total = int(theme_mask.sum()), int(all_mask.sum())
    return Window(
        start=first,
        end=last,
        days=days,
        count=count,
        total=total,
        rate_per_period=round(count / days * _PERIOD_DAYS[period], 4),
        share=None if total == 0 else round(count / total, 6),
    )


def _odds(p: float) -> float:
    return p / (1 - p) if p < 1 else math.inf


def _share_ratio(before: Window, after: Window) -> tuple[float | None, float | None, float | None]:
    if before.count == 0 or after.count == 0:
        ratio = None if before.count == 0 else 0.0
        return ratio, None, None
    ratio = (after.count / after.total) / (before.count / before.total)
    # Katz log interval for a ratio of two proportions (approximate)
    se = math.sqrt(1 / after.count - 1 / after.total + 1 / before.count - 1 / before.total)
    return ratio, ratio * math.exp(-1.96 * se), ratio * math.exp(1.96 * se)


def _periods(
    days: pd.Series, on_theme: np.ndarray, before_start, action, after_start, after_end, period
) -> list[dict]:
    """Counts per calendar period with the side each falls on; partial periods are marked."""
    known = ~days.isna().to_numpy()
    frame = pd.DataFrame({"day": days[known], "theme": on_theme[known]})
    frame = frame[(frame["day"] >= pd.Timestamp(before_start)) & (frame["day"] <= pd.Timestamp(after_end))]
    span = pd.period_range(pd.Timestamp(before_start), pd.Timestamp(after_end), freq=_PERIOD_FREQ[period])
    grouped = frame.groupby(frame["day"].dt.to_period(_PERIOD_FREQ[period]))
    counts, totals = grouped["theme"].sum(), grouped.size()
    rows = []
    for p in span:
        p_start, p_end = p.start_time.date(), p.end_time.date()
        if p_end < action:
            side, whole = "before", p_start >= before_start
        elif p_start >= after_start:
            side, whole = "after", p_end <= after_end
        else:
            side, whole = "mixed", False  # straddles the action date, or falls in the lag
        rows.append(
            {
                "period": str(p),
                "side": side,
                "count": int(counts.get(p, 0)),
                "total": int(totals.get(p, 0)),
                "partial": not whole,
            }
        )
    return rows


def _dispersion(periods: list[dict]) -> float | None:
    """Pearson dispersion of whole-period counts around each side's mean (1 = Poisson-like)."""
    chi2, df = 0.0, 0
    for side in ("before", "after"):
        counts = np.array(
            [r["count"] for r in periods if r["side"] == side and not r["partial"]], dtype=float
        )
        if len(counts) < 3 or counts.mean() == 0:
            return None
        chi2 += float(((counts - counts.mean()) ** 2).sum() / counts.mean())
        df += len(counts) - 1
    return chi2 / df if df else None


def _caveats(verdict, n, min_count, before, after, periods, period, share, low, high, undated, dispersion):
    out = []
    if verdict == "too_few":
        out.append(
            f"Only {n} complaints on this theme in both windows together (fewer than {min_count}): too few to "
            "tell a real change from chance. A result here, either way, is not evidence that the action did or "
            "did not work; keep collecting and measure again."
        )
    elif verdict == "no_clear_change" and low is not None:
        upper = (
            "an unknown rise"
            if high is None
            else f"a {abs(100 * (high - 1)):.0f}% {'rise' if high > 1 else 'fall'}"
        )
        lower = f"a {abs(100 * (1 - low)):.0f}% {'fall' if low < 1 else 'rise'}"
        out.append(
            f"No clear change, but the data are consistent with anything from {lower} to {upper}: "
            "'no clear change' is not the same as 'no effect'."
        )
    if dispersion is not None and dispersion > 1.5:
        widened = (
            "the rate test has been widened for it" if not share else "the share test does not allow for it"
        )
        out.append(
            f"{period.capitalize()}ly counts vary about {dispersion:.1f} times more than chance alone would give "
            f"(overdispersion); {widened}, but treat a borderline result with caution."
        )
    whole = {
        side: sum(1 for r in periods if r["side"] == side and not r["partial"])
        for side in ("before", "after")
    }
    if min(whole.values()) < 3:
        out.append(
            f"Short comparison: {whole['before']} whole {period}s before and {whole['after']} after. "
            "A few unusual weeks can dominate."
        )
    if before.days < 330 or after.days < 330:
        out.append(
            "Before and after cover different times of year; seasonal patterns (such as winter pressures) can "
            "look like an effect. Compare with the same months a year earlier if you can."
        )
    if not share:
        out.append(
            "Rates are complaints per calendar period, not per patient or resident served; if activity changed, "
            "compare the theme's share of all complaints instead (share=True / --share)."
        )
    if undated:
        out.append(f"{undated} rows had no readable date and were left out.")
    out.append(NOT_CAUSAL)
    return out


def _summary(r: ImpactResult) -> str:
    if r.measure == "rate":
        b, a = f"{r.before.rate_per_period:.1f}", f"{r.after.rate_per_period:.1f}"
        what = f"complaints on theme {r.theme!r} went from {b} to {a} a {r.period}"
    else:
        b, a = f"{100 * (r.before.share or 0):.1f}%", f"{100 * (r.after.share or 0):.1f}%"
        what = f"the share of complaints on theme {r.theme!r} went from {b} to {a}"
    counts = f"({r.before.count} complaints in {r.before.days} days before, {r.after.count} in {r.after.days} days after)"
    verdicts = {
        "fell": f"a fall unlikely to be chance alone ({format_p(r.p_value)})",
        "rose": f"a rise unlikely to be chance alone ({format_p(r.p_value)})",
        "no_clear_change": f"not clearly different from chance ({format_p(r.p_value)})",
        "too_few": "too few complaints to tell",
    }
    return f"Since {r.action_date}, {what} {counts}: {verdicts[r.verdict]}."


def format_p(p: float) -> str:
    return "p<0.001" if p < 0.001 else f"p={p:.3f}" if p < 0.1 else f"p={p:.2f}"


def _round(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), 4)
