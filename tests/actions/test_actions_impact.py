import datetime as dt

import numpy as np
import pandas as pd
import pytest

from complaint_insight.actions import SQLiteLearningLog, measure_impact, record_impact
from complaint_insight.actions.impact import NOT_CAUSAL
from complaint_insight.errors import InputError

ACTION = dt.date(2024, 1, 1)


def complaints(
    before_per_day: float, after_per_day: float, *, days: int = 365, other_per_day: float = 2.0, seed=0
):
    """One row per complaint: theme 'T1' at the given daily rates before/after ACTION, 'T2' steady."""
    rng = np.random.default_rng(seed)
    rows = []
    for offset in range(-days, days):
        day = ACTION + dt.timedelta(days=offset)
        rate = before_per_day if offset < 0 else after_per_day
        rows += [(day.isoformat(), "T1")] * int(rng.poisson(rate))
        rows += [(day.isoformat(), "T2")] * int(rng.poisson(other_per_day))
    return pd.DataFrame(rows, columns=["date", "theme_id"])


def test_a_real_fall_is_found():
    result = measure_impact(complaints(0.6, 0.3), theme="T1", action_date=ACTION)
    assert result.verdict == "fell" and result.p_value < 0.001
    assert 0.3 < result.ratio < 0.7 and result.ci_low < result.ratio < result.ci_high < 1
    assert result.before.days == result.after.days == 365
    assert "fall unlikely to be chance" in result.summary
    assert result.caveats[-1] == NOT_CAUSAL


def test_no_change_is_not_called_a_fall():
    # exactly the same counts every day: nothing to find, whatever the seed
    frame = pd.DataFrame(
        [(str(ACTION + dt.timedelta(days=d)), "T1") for d in range(-200, 200) for _ in range(d % 2)],
        columns=["date", "theme_id"],
    )
    result = measure_impact(frame, theme="T1", action_date=ACTION)
    assert result.verdict == "no_clear_change" and result.p_value > 0.5
    assert any("not the same as 'no effect'" in c for c in result.caveats)


def test_a_rise_is_reported_as_a_rise():
    result = measure_impact(complaints(0.2, 0.5), theme="T1", action_date=ACTION)
    assert result.verdict == "rose" and result.ratio > 1


def test_too_few_complaints_gives_the_caveat_not_a_verdict():
    frame = pd.DataFrame(
        {
            "date": [
                "2023-10-01",
                "2023-11-15",
                "2023-12-20",
                "2024-02-02",
                "2024-03-01",
                "2023-09-01",
                "2024-04-01",
            ],
            "theme_id": ["T1", "T1", "T1", "T1", "T2", "T2", "T2"],
        }
    )
    result = measure_impact(frame, theme="T1", action_date=ACTION)
    assert result.verdict == "too_few" and "too few complaints to tell" in result.summary
    assert "Only 4 complaints" in result.caveats[0] and "not evidence" in result.caveats[0]


def test_share_of_all_complaints_uses_fishers_test():
    # T1 stays at the same rate but every other complaint doubles: its share falls
    base = complaints(0.5, 0.5, other_per_day=1.0, seed=1)
    extra = complaints(0.0, 0.0, other_per_day=0.0)
    after_other = pd.DataFrame(
        [(str(ACTION + dt.timedelta(days=d)), "T2") for d in range(365) for _ in range(1)],
        columns=["date", "theme_id"],
    )
    frame = pd.concat([base, extra, after_other], ignore_index=True)
    rate = measure_impact(frame, theme="T1", action_date=ACTION)
    share = measure_impact(frame, theme="T1", action_date=ACTION, share=True)
    assert rate.verdict == "no_clear_change"
    assert share.verdict == "fell" and "Fisher" in share.test and share.after.share < share.before.share


def test_lag_window_and_multi_theme_cells():
    frame = complaints(0.6, 0.3, seed=2)
    frame.loc[frame.index[::5], "theme_id"] = "T1;T9"  # several themes in one cell
    result = measure_impact(frame, theme="T9", action_date=ACTION, lag_days=30, window_days=90, period="week")
    assert result.after.start == ACTION + dt.timedelta(days=30)
    assert result.before.days == 90 and result.after.days == 90
    assert result.before.count + result.after.count > 0
    assert {p["side"] for p in result.periods} == {"before", "mixed", "after"}
    assert any("different times of year" in c for c in result.caveats)


def test_overdispersed_counts_get_a_warning():
    rng = np.random.default_rng(3)
    rows = []
    for month in range(24):
        start = dt.date(2023, 1, 1) + pd.DateOffset(months=month)
        burst = int(rng.choice([2, 60]))  # very uneven months
        rows += [(str(start.date()), "T1")] * burst
    frame = pd.DataFrame(rows, columns=["date", "theme_id"])
    result = measure_impact(frame, theme="T1", action_date=ACTION, end="2024-12-31")
    assert any("overdispersion" in c for c in result.caveats)
    assert result.dispersion > 5 and result.p_value >= result.p_exact and "quasi-Poisson" in result.test


def test_bad_input_is_a_clear_error():
    frame = complaints(0.5, 0.5, days=30)
    with pytest.raises(InputError, match="date column 'when' not found"):
        measure_impact(frame, theme="T1", action_date=ACTION, date_column="when")
    with pytest.raises(InputError, match="no data before the action date"):
        measure_impact(frame, theme="T1", action_date="2020-01-01")
    with pytest.raises(InputError, match="not a date"):
        measure_impact(frame, theme="T1", action_date="next tuesday")
    with pytest.raises(InputError, match="no readable dates"):
        measure_impact(frame.assign(date="soon"), theme="T1", action_date=ACTION)


def test_undated_rows_are_counted_and_reported():
    frame = complaints(0.5, 0.5, days=60)
    frame.loc[frame.index[:3], "date"] = "not a date"
    result = measure_impact(frame, theme="T1", action_date=ACTION)
    assert result.undated_rows == 3 and any("3 rows had no readable date" in c for c in result.caveats)


def test_record_impact_feeds_the_learning_log(log_path):
    from complaint_insight.actions import LogEntry

    log = SQLiteLearningLog(log_path)
    entry = log.add(
        LogEntry(
            theme_id="T1",
            theme_label="Cold food",
            action_text="Hot trolleys",
            owner="catering manager",
            date_agreed=ACTION,
        )
    )
    result = measure_impact(complaints(0.6, 0.3), theme="T1", action_date=ACTION)
    stored = record_impact(log, entry.id, result)
    assert stored.effect.startswith("fell:") and stored.effect_fell
    assert log.get(entry.id).effect_ratio == pytest.approx(result.ratio)
