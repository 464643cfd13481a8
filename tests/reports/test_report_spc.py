"""XmR charts and the three special-cause rules against hand-worked examples."""

import pytest

from complaint_insight.reports.spc import describe, xmr


def _signals(chart):
    return [(s.rule, s.direction, s.start, s.end) for s in chart.signals]


def test_limits_by_hand_and_no_signal():
    # mean 58/5 = 11.6; moving ranges 2,1,2,1 -> 1.5; limits 11.6 ± 2.66*1.5 = 11.6 ± 3.99
    chart = xmr([10, 12, 11, 13, 12])
    assert chart.mean == pytest.approx(11.6)
    assert chart.moving_ranges == [None, 2, 1, 2, 1]
    assert chart.mean_moving_range == pytest.approx(1.5)
    assert chart.upper_limit == pytest.approx(15.59)
    assert chart.lower_limit == pytest.approx(7.61)
    assert chart.signals == []
    assert chart.provisional  # 5 < 15 points


def test_spike_beyond_limit_and_the_shift_it_leaves_below_the_mean():
    # mean 69/10 = 6.9; ranges 1,1,1,1,1,1,15,14,1 = 36/9 = 4; UPL 6.9 + 10.64 = 17.54
    chart = xmr([5, 6, 5, 6, 5, 6, 5, 20, 6, 5], [f"m{i}" for i in range(10)])
    assert chart.upper_limit == pytest.approx(17.54)
    assert _signals(chart) == [("beyond_limits", "up", 7, 7), ("shift", "down", 0, 6)]
    assert chart.signals[1].start_label == "m0" and chart.signals[1].end_label == "m6"


def test_seven_rising_points_is_a_trend():
    # mean 4, ranges all 1: limits 4 ± 2.66 -> 1 and 7 fall outside; 4 sits on the mean (no shift)
    chart = xmr([1, 2, 3, 4, 5, 6, 7])
    assert _signals(chart) == [
        ("beyond_limits", "down", 0, 0),
        ("beyond_limits", "up", 6, 6),
        ("trend", "up", 0, 6),
    ]


def test_six_rising_points_or_a_repeat_is_not_a_trend():
    assert all(s.rule != "trend" for s in xmr([9, 1, 2, 3, 4, 5, 6]).signals)
    assert all(s.rule != "trend" for s in xmr([1, 2, 3, 3, 4, 5, 6, 7]).signals)
    falling = xmr([9, 8, 7, 6, 5, 4, 3, 2])
    assert ("trend", "down", 0, 7) in _signals(falling)


def test_run_of_seven_above_the_mean():
    # mean 66/13 = 5.077; ranges 2,2,2,2,2,1,0x6 = 11/12; UPL 5.077 + 2.438 = 7.515: nothing beyond
    chart = xmr([3, 5, 3, 5, 3, 5, 6, 6, 6, 6, 6, 6, 6])
    assert chart.upper_limit == pytest.approx(66 / 13 + 2.66 * 11 / 12)
    assert _signals(chart) == [("shift", "up", 6, 12)]


def test_a_point_on_the_mean_breaks_a_run():
    # sum 56 over 14 points: mean exactly 4; runs are 3 above, on, 3 above, 6 below, on -> no shift
    values = [5, 5, 5, 4, 5, 5, 5, 3, 3, 3, 3, 3, 3, 4]
    chart = xmr(values)
    assert chart.mean == 4.0
    assert all(s.rule != "shift" for s in chart.signals)
    # the same with a 5 instead of the 4: mean 57/14, seven 5s in a row above it
    assert ("shift", "up", 0, 6) in _signals(xmr(values[:3] + [5] + values[4:]))


def test_too_few_points_and_bad_values():
    assert xmr([]).mean is None and xmr([]).signals == []
    one = xmr([4])
    assert one.mean == 4 and one.upper_limit is None and one.signals == []
    with pytest.raises(ValueError):
        xmr([1, float("nan")])
    with pytest.raises(ValueError):
        xmr([1, 2], ["a"])


def test_plain_language_says_what_and_which_way():
    chart = xmr([5, 6, 5, 6, 5, 6, 5, 20, 6, 5], [f"2024-{m:02d}" for m in range(1, 11)])
    lines = describe(chart, what="All complaints")
    assert lines[0].startswith(
        "All complaints: 2024-08 was unusually high (20, above the upper process limit of 17.5)"
    )
    assert lines[0].endswith("a concern.")
    assert "7 periods in a row below the average" in lines[1] and lines[1].endswith("an improvement.")
    improving = xmr([5, 6, 5, 6, 5, 6, 5, 20, 6, 5], higher_is="improvement")
    assert describe(improving, what="x")[0].endswith("an improvement.")
