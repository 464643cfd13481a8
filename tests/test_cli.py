import json
import subprocess
import sys

import pandas as pd
import pytest

from complaint_insight.cli import main
from complaint_insight.io import read_table, write_table


@pytest.fixture
def feedback(tmp_path):
    frame = pd.DataFrame(
        {
            "id": ["r1", "r2", "r3", "r4"],
            "text": ["Waited five hours and nobody told us why", "Lovely nurses, thank you", "", "=cmd|' /C calc'!A0"],
            "ward": ["A", "B", "C", "D"],
        }
    )
    path = tmp_path / "in.csv"
    write_table(frame, path, csv_formula_guard=False)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_triage_keeps_rows_and_adds_columns(tmp_path, feedback, suffix):
    out = tmp_path / f"out{suffix}"
    assert main(["triage", str(feedback), "-o", str(out), "--id-column", "id", "--quiet"]) == 0
    frame = read_table(out)
    assert list(frame["id"]) == ["r1", "r2", "r3", "r4"] and list(frame["ward"]) == ["A", "B", "C", "D"]
    assert frame["is_complaint"].astype(int).tolist()[:3] == [1, 0, 0]
    probabilities = pd.to_numeric(frame["complaint_probability"])
    assert probabilities.between(0, 1).all()


def test_csv_output_neutralises_formulas(tmp_path, feedback):
    out = tmp_path / "out.csv"
    main(["triage", str(feedback), "-o", str(out), "--quiet"])
    assert read_table(out)["text"].iloc[3].startswith("'=")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--text-column", "body"], "text column 'body' not found"),
        (["--id-column", "ref"], "id column 'ref' not found"),
        (["--threshold", "2"], "between 0 and 1"),
    ],
)
def test_user_errors_are_one_line(tmp_path, feedback, capsys, args, message):
    code = main(["triage", str(feedback), "-o", str(tmp_path / "o.csv"), "--quiet", *args])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err and err.count("\n") == 1


def test_unreadable_input_and_unknown_format(tmp_path, capsys):
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"\x00garbage")
    assert main(["triage", str(bad), "-o", str(tmp_path / "o.csv"), "--quiet"]) == 2
    assert main(["triage", str(tmp_path / "x.xlsx"), "-o", str(tmp_path / "o.csv")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_console_script_runs_as_a_process(tmp_path, feedback):
    out = tmp_path / "o.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "complaint_insight.cli", "triage", str(feedback), "-o", str(out), "--id-column", "id"],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["r1", "r2", "r3", "r4"]
    missing = subprocess.run(
        [sys.executable, "-m", "complaint_insight.cli", "triage", str(tmp_path / "nope.csv"), "-o", str(out)],
        capture_output=True, text=True, check=False,
    )
    assert missing.returncode == 2 and "file not found" in missing.stderr and "Traceback" not in missing.stderr
