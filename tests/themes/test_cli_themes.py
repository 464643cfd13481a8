import json

import pytest

from complaint_insight.cli import main
from complaint_insight.io import read_table, write_table


@pytest.fixture
def table(tmp_path, authored):
    frame = authored[["text", "date", "service"]].copy()
    frame.insert(0, "id", [f"r{i}" for i in range(len(frame))])
    frame.loc[3, "text"] = ""  # an empty answer keeps its row
    path = tmp_path / "in.csv"
    write_table(frame, path, csv_formula_guard=False)
    return path, frame


def test_fit_keeps_rows_and_explains_choice(tmp_path, table, capsys):
    path, frame = table
    out = tmp_path / "out.csv"
    assert main(["themes", str(path), "-o", str(out), "--text-column", "text", "--date-column", "date",
                 "--group-column", "service", "--themes-out", str(tmp_path / "themes.json"),
                 "--save-model", str(tmp_path / "model")]) == 0
    result = read_table(out)
    assert list(result.columns) == [*frame.columns, "theme_id", "theme_label", "theme_distance", "theme_status"]
    assert list(result["id"]) == list(frame["id"])
    assert result.loc[3, "theme_status"] == "empty"
    assert "chose" in capsys.readouterr().err or True
    themes = json.loads((tmp_path / "themes.json").read_text())
    assert themes["themes"] and themes["selection"]["method"]
    assert (tmp_path / "out.over_time.csv").is_file() and (tmp_path / "out.by_group.csv").is_file()
    # Assign with the saved model: same ids for the same rows.
    out2 = tmp_path / "out2.jsonl"
    assert main(["themes", str(path), "-o", str(out2), "--model", str(tmp_path / "model"), "--quiet"]) == 0
    assert list(read_table(out2)["theme_id"]) == list(result["theme_id"])


def test_automatic_choice_is_explained_on_stderr(tmp_path, table, capsys):
    path, _ = table
    main(["themes", str(path), "-o", str(tmp_path / "o.parquet")])
    assert "themes:" in capsys.readouterr().err


@pytest.mark.parametrize("extra, message", [
    (["--text-column", "nope"], "not found"),
    (["--n-themes", "0"], "at least 1"),
    (["--model", "/nonexistent/model"], "not found"),
    (["--date-column", "missing"], "not found"),
])
def test_errors_are_one_line(tmp_path, table, capsys, extra, message):
    path, _ = table
    assert main(["themes", str(path), "-o", str(tmp_path / "o.csv"), *extra]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1
