import datetime as dt
import json

import pandas as pd
import pytest

from complaint_insight.cli import main
from complaint_insight.io import write_table


def run(capsys, *argv):
    code = main(["actions", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_suggest_text_theme_category_and_json(capsys):
    code, out, _ = run(capsys, "suggest", "--text", "There is black mould in the children's bedroom")
    assert (
        code == 0 and out.startswith("1. [") and "why: Fits theme 'Damp and mould'" in out and "owner:" in out
    )
    code, out, _ = run(capsys, "suggest", "--theme", "discharge", "-k", "2", "--format", "json")
    data = json.loads(out)
    assert code == 0 and len(data) == 2 and data[0]["strength"] in ("stronger", "intermediate")
    code, out, _ = run(capsys, "suggest", "--category", "uk_public_services:housing_repairs", "-k", "1")
    assert code == 0 and "Housing repairs" in out


def test_suggest_with_a_themes_file(capsys, tmp_path):
    themes = tmp_path / "themes.json"
    themes.write_text(
        json.dumps(
            {
                "themes": [
                    {"id": "T004", "label": "bins not emptied", "key_phrases": ["missed bin"], "size": 9}
                ]
            }
        )
    )
    code, out, _ = run(capsys, "suggest", "--theme", "T004", "--themes", str(themes))
    assert code == 0 and "Bin and recycling collections" in out
    code, _, err = run(capsys, "suggest", "--theme", "T999", "--themes", str(themes))
    assert code == 2 and err.strip() == f"complaint-insight: error: theme 'T999' not found in {themes}"


def test_log_add_list_update_impact_and_publish(capsys, tmp_path):
    db = str(tmp_path / "log.sqlite")
    code, out, _ = run(
        capsys,
        "log",
        "add",
        "--db",
        db,
        "--theme-id",
        "waiting_times",
        "--action-id",
        "wait.live-wait-display",
        "--agreed",
        "2024-01-01",
        "--due",
        "2024-03-01",
    )
    assert code == 0 and out.startswith(
        "#1 [planned] Waiting times and delays (waiting_times): Show the current"
    )
    code, out, _ = run(
        capsys,
        "log",
        "add",
        "--db",
        db,
        "--theme-id",
        "T7",
        "--theme-label",
        "Cold food",
        "--action-text",
        "Hot trolleys",
        "--owner",
        "catering manager",
        "--status",
        "in progress",
    )
    assert code == 0 and "#2 [in_progress] Cold food (T7): Hot trolleys" in out
    code, out, _ = run(
        capsys, "log", "update", "--db", db, "1", "--status", "done", "--evidence", "screens live"
    )
    assert code == 0 and "#1 [done]" in out
    code, out, _ = run(capsys, "log", "list", "--db", db, "--status", "done", "--format", "json")
    assert [e["id"] for e in json.loads(out)] == [1] and json.loads(out)[0]["evidence"] == "screens live"
    code, out, _ = run(capsys, "log", "list", "--db", db, "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("id,theme_id,theme_label")

    days = [dt.date(2023, 1, 1) + dt.timedelta(days=d) for d in range(730)]
    rows = [
        (d.isoformat(), "waiting_times")
        for i, d in enumerate(days)
        for _ in range(1 if d.year == 2023 or i % 3 == 0 else 0)
    ]
    table = tmp_path / "complaints.csv"
    write_table(pd.DataFrame(rows, columns=["received", "theme"]), table)
    code, out, _ = run(
        capsys,
        "impact",
        str(table),
        "--db",
        db,
        "--entry",
        "1",
        "--date-column",
        "received",
        "--theme-column",
        "theme",
        "--record",
    )
    assert (
        code == 0
        and "a fall unlikely to be chance alone" in out
        and "not why" in out
        and "recorded on entry #1" in out
    )
    code, out, _ = run(capsys, "log", "list", "--db", db, "--theme-id", "waiting_times")
    assert "effect: fell:" in out

    code, out, _ = run(capsys, "suggest", "--theme", "waiting_times", "--log", db)
    assert (
        out.startswith("1. [intermediate] Show the current estimated wait")
        and "from your learning log" in out
    )

    target = tmp_path / "ysdw.md"
    code, _, err = run(capsys, "you-said-we-did", "--db", db, "-o", str(target))
    text = target.read_text()
    assert code == 0 and "## You told us about: Waiting times and delays." in text and "gone down" in text
    assert "screens live" not in text and "catering manager" not in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["suggest", "--category", "hcat:nope"], "unknown hcat category 'nope'"),
        (["suggest", "--text", ""], "text is empty"),
        (["log", "list", "--db", "missing.sqlite"], "missing.sqlite: learning log not found"),
        (
            [
                "log",
                "add",
                "--db",
                "{tmp}/l.sqlite",
                "--theme-id",
                "x",
                "--theme-label",
                "y",
                "--owner",
                "o r",
            ],
            "give --action-text or --action-id",
        ),
        (
            [
                "log",
                "add",
                "--db",
                "{tmp}/l.sqlite",
                "--theme-id",
                "x",
                "--action-text",
                "t t t",
                "--owner",
                "o r",
            ],
            "give --theme-label",
        ),
        (
            ["log", "add", "--db", "{tmp}/l.sqlite", "--theme-id", "waiting_times", "--action-id", "no.such"],
            "unknown action id 'no.such'",
        ),
        (
            [
                "log",
                "add",
                "--db",
                "{tmp}/l.sqlite",
                "--theme-id",
                "waiting_times",
                "--action-id",
                "wait.live-wait-display",
                "--agreed",
                "1/2/24",
            ],
            "--agreed must be a date",
        ),
        (
            ["impact", "{tmp}/none.csv", "--theme", "t", "--action-date", "2024-01-01"],
            "none.csv: file not found",
        ),
        (["impact", "{tmp}/none.csv"], "give --entry (with --db), or --theme and --action-date"),
    ],
)
def test_user_mistakes_are_one_line_errors(capsys, tmp_path, argv, message):
    code, _, err = run(capsys, *[a.replace("{tmp}", str(tmp_path)) for a in argv])
    assert code == 2 and message in err and err.count("\n") == 1


def test_library_validate_and_list(capsys, tmp_path, org_file, write_file):
    code, out, _ = run(capsys, "library", "validate", str(org_file))
    assert code == 0 and out.startswith("ok: ") and "st_elsewhere 2024.1" in out
    bad = write_file(tmp_path / "bad.yaml", "library: bad\nversion: '1'\nactions:\n  - id: x\n    txt: y\n")
    code, _, err = run(capsys, "library", "validate", str(bad))
    assert code == 2 and f"{bad}:5: actions[0] (x): unknown key 'txt'" in err
    code, out, _ = run(capsys, "library", "list", "--theme", "damp_mould")
    assert code == 0 and "damp.fix-the-cause [stronger]" in out
