"""Property-based fuzzing in CI: a few dozen generated cases per target (the 10,000-case run is
``python benchmarks/fuzz_run.py``). A case passes with a defined result whose invariants hold or
a clear TypeError/ValueError; any other exception or a broken invariant fails the test."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from fuzzlib import TARGETS, ClearError, run_cli

CI_EXAMPLES = {"cli_triage": 20}  # others: DEFAULT_EXAMPLES
DEFAULT_EXAMPLES = 30


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_fuzz_target(name):
    target = TARGETS[name]

    @settings(max_examples=CI_EXAMPLES.get(name, DEFAULT_EXAMPLES), deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(target.strategy)
    def run(case):
        try:
            target.check(case)
        except ClearError:
            pass

    run()


HOSTILE_FILES = [
    (b"\x00\xff\xfe garbage \x89PNG", ".csv"),
    (b'{"text": "a"}\n{"text": ', ".jsonl"),
    (b'{"text": "a"}\n-5', ".jsonl"),  # a line that is JSON but not an object
    (b"id,other\n1,2\n", ".csv"),
    (b'{"text": [1, 2]}\n{"text": {"a": 1}}\n', ".jsonl"),
    (b"\x0b\x00", ".csv"),  # a column name with a line break: the error must stay one line
    (b"text\n=cmd|' /C calc'!A0\n-5\n", ".csv"),
]


@pytest.mark.parametrize("content, suffix", HOSTILE_FILES)
def test_cli_on_hostile_files_exits_with_one_line_or_a_result(tmp_path, content, suffix):
    src = tmp_path / f"in{suffix}"
    src.write_bytes(content)
    out = tmp_path / "out.csv"
    code, err = run_cli(["triage", str(src), "-o", str(out), "--quiet"])
    assert code in (0, 2) and "Traceback" not in err
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and err.startswith("complaint-insight: error:")
    elif b"=cmd" in content:
        import csv

        with open(out, newline="", encoding="utf-8") as fh:
            cells = [row[0] for row in csv.reader(fh)][1:]
        assert cells == ["'=cmd|' /C calc'!A0", "-5"]  # formula neutralised; a plain negative number left as it is
    else:  # a list/dict where text belongs: kept as an error row, not a failed run
        from complaint_insight.io import read_table

        result = read_table(out)
        assert len(result) == len(read_table(src)) and (result["triage_status"] == "error").all()


@pytest.mark.parametrize("content, suffix", [HOSTILE_FILES[4]])
def test_cli_on_hostile_files_exits_cleanly_in_a_real_process(tmp_path, content, suffix):
    # In a real process, so that nothing (logging setup, warnings, atexit) prints a traceback.
    # One case only: each process loads the models (~20-40 s under load); the rest run in-process above.
    src = tmp_path / f"in{suffix}"
    src.write_bytes(content)
    proc = subprocess.run(
        [sys.executable, "-m", "complaint_insight.cli", "triage", str(src), "-o", str(tmp_path / "out.csv"), "--quiet"],
        capture_output=True, text=True, timeout=300, cwd=Path(__file__).parents[2],
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    # Row-level type errors are error rows (exit 0, counted in the summary line); a refusal is one line.
    assert proc.returncode in (0, 2) and len(proc.stderr.strip().splitlines()) <= 1, proc.stderr
    if proc.returncode == 0:
        assert (pd.read_csv(tmp_path / "out.csv")["triage_status"] == "error").sum() == 2
