"""``complaint-insight report``: files written, JSON matches the model, one-line errors."""

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from complaint_insight.cli import main
from complaint_insight.reports import Report


EXAMPLE_SURVEYS = Path(__file__).resolve().parents[2] / "examples" / "surveys.csv"


@pytest.fixture
def table(tmp_path, make_frame):
    path = tmp_path / "feedback.csv"
    make_frame({"waiting": [2, 3, 2, 4, 3, 2], "parking": [1, 1, 2, 1, 0, 1]}, start="2025-01").to_csv(
        path, index=False
    )
    return path


@pytest.fixture
def log(tmp_path):
    from complaint_insight.actions import LogEntry, SQLiteLearningLog

    path = tmp_path / "learning.db"
    store = SQLiteLearningLog(path)
    store.add(
        LogEntry(
            theme_id="waiting",
            theme_label="Waiting",
            action_text="Hourly updates in the waiting room",
            owner="ED matron",
            date_agreed=dt.date(2025, 2, 1),
            due_date=dt.date(2025, 3, 1),
            status="in_progress",
        )
    )
    store.add(
        LogEntry(
            theme_id="parking",
            theme_label="Parking",
            action_text="Fix the pay machines",
            owner="estates",
            date_agreed=dt.date(2025, 1, 10),
            status="done",
            effect="fell: 1.0 a month before, 0.2 after",
            effect_ratio=0.2,
            effect_p=0.01,
        )
    )
    return path


def test_report_with_everything(tmp_path, table, log):
    denominators = tmp_path / "denominators.csv"
    pd.DataFrame({"group": ["A", "B"], "period": ["2025-Q1", "2025-Q1"], "count": [2000, 1000]}).to_csv(
        denominators, index=False
    )
    out, js = tmp_path / "report.html", tmp_path / "report.json"
    rc = main(
        [
            "report",
            str(table),
            "-o",
            str(out),
            "--json",
            str(js),
            "--period",
            "quarter",
            "--group-column",
            "service",
            "--log",
            str(log),
            "--surveys",
            str(EXAMPLE_SURVEYS),
            "--denominators",
            str(denominators),
            "--no-quotes",
        ]
    )
    assert rc == 0
    report = Report.model_validate(json.loads(js.read_text()))
    assert report.rows == 6 * 4 + 16 + 6 and report.complaints == 16 + 6
    assert report.actions.by_status["done"] == 1 and report.actions.fell == 1
    assert report.actions.overdue == 1  # due 2025-03-01, still in progress
    assert {g.group for g in report.comparison.groups} == {"A", "B"}
    assert report.surveys and report.comparison.with_denominator
    html = out.read_text()
    assert "Hourly updates in the waiting room" in html and "overdue" in html


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--group-column", "trust"], "group column 'trust' not found"),
        (["--log", "missing.db"], "learning log not found"),
        (["--surveys", "nope.csv"], "--surveys nope.csv: file not found"),
        (["--start", "last year"], "--start must be a date"),
    ],
)
def test_one_line_errors(tmp_path, table, capsys, extra, message):
    rc = main(["report", str(table), "-o", str(tmp_path / "r.html"), "--no-quotes", *extra])
    err = capsys.readouterr().err
    assert rc == 2
    assert message in err and err.count("\n") == 1


def test_output_must_be_html(tmp_path, table, capsys):
    assert main(["report", str(table), "-o", str(tmp_path / "r.pdf")]) == 2
    assert "give a .html file" in capsys.readouterr().err
