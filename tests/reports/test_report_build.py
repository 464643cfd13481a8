"""The report's figures from small authored tables with known answers."""

import datetime as dt

import pandas as pd
import pytest

from complaint_insight.errors import InputError
from complaint_insight.reports import Report, build_report
from complaint_insight.reports.periods import period_range



def test_partial_periods():
    periods = period_range(dt.date(2024, 1, 5), dt.date(2024, 7, 31), "quarter")
    assert [(p.label, p.partial) for p in periods] == [
        ("2024-Q1", True),
        ("2024-Q2", False),
        ("2024-Q3", True),
    ]
    stated = period_range(
        dt.date(2024, 1, 5),
        dt.date(2024, 7, 31),
        "quarter",
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 9, 30),
    )
    assert not any(p.partial for p in stated)


def test_volumes_rates_and_partial_last_month_left_out_of_spc(make_frame):
    frame = make_frame({"waiting": [2] * 6, "parking": [1] * 6})
    frame.loc[len(frame)] = dict(
        date="2024-07-03",
        text="x",
        is_complaint=1,
        severity=3,
        red_flags="self_harm",
        theme_id="waiting",
        theme_label="Waiting",
        categories="",
        service="A",
    )
    report = build_report(frame, period="month", start=dt.date(2024, 1, 1), quotes=False)
    assert [p.label for p in report.periods] == [f"2024-{m:02d}" for m in range(1, 8)]
    assert [p.partial for p in report.periods] == [False] * 6 + [True]
    assert report.periods[0].complaints == 3 and report.periods[0].rows == 7
    assert report.periods[0].complaint_rate == pytest.approx(3 / 7)
    overall = report.spc[0].chart
    assert overall.labels == [f"2024-{m:02d}" for m in range(1, 7)]  # the partial July is not a "drop"
    assert overall.values == [3.0] * 6
    assert report.complaints == 19
    assert [(s.level, s.complaints) for s in report.severity][:2] == [(3, 1), (2, 18)]
    assert [(f.type, f.rows) for f in report.red_flags] == [("self_harm", 1)]
    waiting = report.themes[0]
    assert (waiting.id, waiting.label, waiting.complaints, waiting.red_flag_rows) == (
        "waiting",
        "Waiting",
        13,
        1,
    )
    assert waiting.share == pytest.approx(13 / 19)
    assert any("Partial period(s) 2024-07" in n for n in report.notes)


def test_special_cause_in_a_theme_is_listed_in_plain_language(make_frame):
    frame = make_frame({"waiting": [2, 2, 3, 2, 2, 3, 2, 2, 3, 2, 2, 14], "parking": [1] * 12})
    report = build_report(frame, period="month", quotes=False)
    assert any(c.startswith("Theme 'Waiting': 2024-12 was unusually high") for c in report.changes)
    assert not any("Parking" in c for c in report.changes)


def test_new_and_growing_topics(make_frame):
    frame = make_frame({"waiting": [3, 3, 2, 3, 3, 15], "parking": [0, 0, 0, 0, 0, 4]})
    report = build_report(frame, period="month", quotes=False)
    found = {(e.kind, e.id, e.status) for e in report.emerging}
    assert ("theme", "parking", "new") in found
    assert ("theme", "waiting", "growing") in found
    growing = [e for e in report.emerging if e.id == "waiting" and e.kind == "theme"][0]
    assert (growing.count, growing.earlier_count, growing.earlier_periods) == (15, 11, 4)
    assert growing.p_value < 0.001
    steady = build_report(make_frame({"waiting": [3, 3, 2, 3, 3, 4]}), period="month", quotes=False)
    assert steady.emerging == []


def test_comparison_uses_rates_and_denominators(make_frame):
    frame = make_frame({"waiting": [2, 2, 2], "parking": [1, 1, 1]})
    denominators = pd.DataFrame(
        {
            "group": ["A", "A", "B"],
            "period": ["2024-01", "2024-02", "2024-01"],
            "count": ["1000", "500", "250"],
        }
    )
    report = build_report(
        frame, period="month", group_column="service", denominators=denominators, quotes=False
    )
    groups = {g.group: g for g in report.comparison.groups}
    # group A: 9 complaints, 6 of them in Jan-Feb (which have a denominator of 1,500)
    assert groups["A"].complaints == 9 and groups["A"].complaint_rate == 1.0
    assert groups["A"].complaints_in_denominator_periods == 6
    assert groups["A"].rate_per_1000 == pytest.approx(4.0)
    assert groups["A"].category_rates_per_1000["qdc_waiting"] == pytest.approx(1000 * 4 / 1500)
    assert groups["B"].complaints == 0 and groups["B"].rate_per_1000 == 0
    no_denominator = build_report(frame, period="month", group_column="service", quotes=False)
    assert no_denominator.comparison.groups[0].category_shares["qdc_waiting"] == pytest.approx(6 / 9)
    assert no_denominator.comparison.groups[0].rate_per_1000 is None


def test_quotes_only_through_redaction(fake_privacy, make_frame):
    frame = make_frame({"waiting": [1, 1, 1]})
    frame.loc[0, "text"] = "Mrs Smith waited all night for a bed and nobody came to tell her why."
    report = build_report(frame, period="month", embed=None)
    quotes = report.themes[0].quotes
    assert quotes and all("Smith" not in q for q in quotes)
    assert any("[NAME]" in q for q in quotes)


def test_quotes_pass_through_the_real_redactor(make_frame):
    frame = make_frame({"waiting": [1, 1, 1]})
    frame.loc[0, "text"] = "Nurse Kerry Jones said my NHS number 943 476 5919 was wrong and nobody rang back."
    report = build_report(frame, period="month", embed=None)
    quotes = [q for t in report.themes for q in t.quotes]
    assert quotes and not any("Kerry" in q or "943 476 5919" in q for q in quotes)
    assert any("[NHS_NUMBER]" in q for q in quotes)


def test_no_quotes_when_asked(make_frame):
    report = build_report(make_frame({"waiting": [1, 1]}), period="month", quotes=False)
    assert all(t.quotes == [] for t in report.themes + report.categories)


def test_any_input_gives_a_valid_report():
    empty = build_report(pd.DataFrame({"text": [], "is_complaint": [], "severity": [], "red_flags": []}))
    assert empty.rows == 0 and empty.periods == [] and empty.spc == []
    undated = build_report(
        pd.DataFrame(
            {"is_complaint": ["1", "0", "true"], "severity": ["3", "x", ""], "red_flags": ["", None, ""]}
        )
    )
    assert undated.complaints == 2 and any("No date column" in n for n in undated.notes)
    for report in (empty, undated):
        assert Report.model_validate_json(report.model_dump_json()) == report


def test_bad_inputs_are_clear_errors(make_frame):
    with pytest.raises(InputError, match="no text column"):
        build_report(pd.DataFrame({"date": ["2024-01-01"]}))
    with pytest.raises(InputError, match="is_complaint"):
        build_report(pd.DataFrame({"is_complaint": ["maybe"], "severity": [1], "red_flags": [""]}))
    with pytest.raises(InputError, match="group column"):
        build_report(make_frame({"waiting": [1]}), group_column="trust")
    with pytest.raises(InputError, match="date column"):
        build_report(make_frame({"waiting": [1]}), date_column="when")
    with pytest.raises(InputError, match="group column"):
        build_report(
            make_frame({"waiting": [1]}), denominators=pd.DataFrame({"group": [], "period": [], "count": []})
        )


def test_documented_json_schema_is_current():
    import json
    from pathlib import Path

    documented = Path(__file__).resolve().parents[2] / "docs" / "report.schema.json"
    assert json.loads(documented.read_text()) == Report.model_json_schema(), (
        "regenerate docs/report.schema.json (see docs/reports.md) and bump SCHEMA_VERSION if a field changed meaning"
    )


class _FakeTriager:
    """Marks texts containing 'waited' as complaints; counts how many rows it saw."""

    seen = 0

    def assess_frame(self, frame, text_column="text"):
        _FakeTriager.seen += len(frame)
        out = frame.copy()
        out["is_complaint"] = frame[text_column].str.contains("waited", case=False).astype(int)
        out["severity"] = 1
        out["red_flags"] = ""
        return out


def test_triage_runs_only_when_columns_are_missing_and_keeps_given_ones():
    frame = pd.DataFrame(
        {"text": ["I waited hours", "Lovely staff", "We waited all day"], "severity": [3, 0, 0]}
    )
    report = build_report(frame, triager=_FakeTriager(), quotes=False)
    assert report.triage_run and report.complaints == 2 and _FakeTriager.seen == 3
    assert [(s.level, s.complaints) for s in report.severity if s.complaints] == [(3, 1), (0, 1)]
    given = frame.assign(is_complaint=[1, 1, 1], red_flags="")
    assert not build_report(given, triager=_FakeTriager(), quotes=False).triage_run and _FakeTriager.seen == 3


@pytest.mark.parametrize("period", ["month", "quarter"])
def test_vectorised_labels_match_period_labels(period):
    from complaint_insight.reports.periods import labels_of_dates, period_label

    dates = pd.Series(pd.to_datetime(["2024-01-01", "2024-03-31", "2024-10-15", "2025-12-31"]))
    freq = "M" if period == "month" else "Q"
    assert labels_of_dates(dates, period).tolist() == [period_label(d.to_period(freq)) for d in dates]


def test_quotes_nearest_the_centroid():
    import numpy as np

    from complaint_insight.reports.topics import pick_quotes

    texts = ["a long complaint about waiting times", "a long complaint about waiting again", "parking fine was unfair today"]
    vectors = {texts[0]: [1.0, 0.1], texts[1]: [1.0, 0.0], texts[2]: [0.0, 1.0]}
    picked = pick_quotes(texts, 2, lambda batch: np.array([vectors[t] for t in batch], dtype=np.float32))
    assert picked == texts[:2]  # the two waiting texts are nearest the mean direction
    assert pick_quotes(["ok", "", "  "], 2, None) == ["ok"]  # too-short texts only when nothing else
