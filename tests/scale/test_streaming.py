"""Streaming from disk: every row once and in order, counts checked, and resume after an interruption."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _scale_specs import CALLS, LengthFunction

from complaint_insight.cli import main
from complaint_insight.errors import InputError
from complaint_insight.io import read_table, write_table
from complaint_insight.scale import stream_table
from complaint_insight.scale.checkpoint import partial_folder

TEXTS = ["The ward was clean.", "", "Nobody answered the phone for two days.", "=cmd|' /C calc'!A0", "ok\nthen",
         "Thank you all.", "   ", "The nurse was rude to my father."]


class Interrupt(Exception):
    pass


def _input(tmp_path, suffix=".csv", n=23):
    frame = pd.DataFrame({"id": [f"r{i}" for i in range(n)], "text": [TEXTS[i % len(TEXTS)] for i in range(n)]})
    path = tmp_path / f"in{suffix}"
    write_table(frame, path, csv_formula_guard=False)
    return path


def _stop_after(k):
    def hook(index, result):
        if index == k:
            raise Interrupt(f"stopped after chunk {k}")
    return hook


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet", ".tsv"])
def test_resume_redoes_only_unfinished_chunks_and_matches_an_uninterrupted_run(tmp_path, suffix):
    src = _input(tmp_path, suffix if suffix != ".tsv" else ".csv")
    whole, resumed = tmp_path / f"whole{suffix}", tmp_path / f"resumed{suffix}"
    stream_table(LengthFunction(), src, whole, chunk_size=5, progress=False)

    with pytest.raises(Interrupt):
        stream_table(LengthFunction(), src, resumed, chunk_size=5, resume=True, progress=False, on_chunk=_stop_after(1))
    manifest = json.loads((partial_folder(resumed) / "manifest.json").read_text())
    assert [c["index"] for c in manifest["chunks"]] == [0, 1] and not resumed.exists()

    CALLS.clear()
    summary = stream_table(LengthFunction(), src, resumed, chunk_size=5, resume=True, progress=False)
    assert CALLS == [5, 5, 3]  # chunks 2, 3, 4 only
    assert summary.chunks == 5 and summary.chunks_resumed == 2 and summary.rows_in == summary.rows_out == 23
    assert not partial_folder(resumed).exists()
    if suffix == ".parquet":
        pd.testing.assert_frame_equal(pd.read_parquet(resumed).drop(columns="worker_pid"),
                                      pd.read_parquet(whole).drop(columns="worker_pid"))
    else:
        assert resumed.read_bytes() == whole.read_bytes()


def test_resume_refuses_a_changed_input_or_chunk_size(tmp_path):
    src, out = _input(tmp_path), tmp_path / "out.csv"
    with pytest.raises(Interrupt):
        stream_table(LengthFunction(), src, out, chunk_size=5, resume=True, progress=False, on_chunk=_stop_after(0))
    with pytest.raises(InputError, match="--chunk-size"):
        stream_table(LengthFunction(), src, out, chunk_size=6, resume=True, progress=False)
    with pytest.raises(InputError, match="options"):
        stream_table(LengthFunction(text_column="id"), src, out, chunk_size=5, resume=True, progress=False)
    src.write_text(src.read_text().replace("clean", "dirty"))
    with pytest.raises(InputError, match="changed"):
        stream_table(LengthFunction(), src, out, chunk_size=5, resume=True, progress=False)


def test_bad_rows_are_kept_in_order_and_counted(tmp_path):
    src = tmp_path / "in.jsonl"
    cells = ["fine", None, ["a", "list"], "", {"nested": 1}, 12, "last one"]
    src.write_text("\n".join(json.dumps({"n": i, "text": c}) for i, c in enumerate(cells)) + "\n")
    summary = stream_table(LengthFunction(), src, tmp_path / "out.jsonl", chunk_size=3, progress=False)
    out = read_table(tmp_path / "out.jsonl")
    assert out["n"].tolist() == list(range(len(cells)))
    assert out["status"].tolist() == ["ok", "error", "error", "empty", "error", "error", "ok"]
    assert summary.by_status == {"ok": 2, "empty": 1, "error": 4} and summary.rows_out == len(cells)
    assert "7 rows in, 7 rows out (error 4, ok 2, empty 1)" in summary.line()


def test_a_dropped_row_stops_the_run(tmp_path):
    with pytest.raises(RuntimeError, match="rows"):
        stream_table(LengthFunction(drop_a_row=True), _input(tmp_path), tmp_path / "o.csv", chunk_size=5, progress=False)


def test_cli_resume_and_summary_line(tmp_path, capsys, monkeypatch):
    """Real triage through the CLI: interrupted, resumed, identical to one uninterrupted run."""
    from complaint_insight.scale import streaming

    src = _input(tmp_path, n=12)
    whole, resumed = tmp_path / "whole.csv", tmp_path / "resumed.csv"
    assert main(["triage", str(src), "-o", str(whole), "--id-column", "id", "--chunk-size", "4"]) == 0
    err = capsys.readouterr().err
    assert "triage: 12 rows in, 12 rows out (" in err and "empty 3" in err
    assert "rows/s" in err  # the progress bar (stderr, so stdout stays clean for pipes)

    real = streaming.stream_table
    monkeypatch.setattr(streaming, "stream_table", lambda *a, **k: real(*a, **k, on_chunk=_stop_after(1)))
    with pytest.raises(Interrupt):
        main(["triage", str(src), "-o", str(resumed), "--id-column", "id", "--chunk-size", "4", "--resume", "--quiet"])
    monkeypatch.setattr(streaming, "stream_table", real)
    assert main(["triage", str(src), "-o", str(resumed), "--id-column", "id", "--chunk-size", "4", "--resume"]) == 0
    assert "; 2 of 3 chunks from the checkpoint" in capsys.readouterr().err
    assert resumed.read_bytes() == whole.read_bytes()
    assert read_table(resumed)["id"].tolist() == [f"r{i}" for i in range(12)]


def test_engine_options_are_checked(tmp_path, capsys):
    src = _input(tmp_path, n=3)
    assert main(["triage", str(src), "-o", str(tmp_path / "o.csv"), "--workers", "2"]) == 2
    assert "--engine dask" in capsys.readouterr().err


def test_a_killed_process_resumes_from_its_last_finished_chunk(tmp_path):
    """SIGKILL mid-run (no clean-up code runs), then resume: same output as an uninterrupted run."""
    import os
    import signal
    import subprocess
    import time

    src, killed, whole = _input(tmp_path, n=40), tmp_path / "killed.csv", tmp_path / "whole.csv"
    stream_table(LengthFunction(), src, whole, chunk_size=4, progress=False)
    child = (
        f"import sys, time; sys.path.insert(0, {str(Path(__file__).parent)!r});"
        "from _scale_specs import LengthFunction; from complaint_insight.scale import stream_table;"
        f"stream_table(LengthFunction(), {str(src)!r}, {str(killed)!r}, chunk_size=4, resume=True, progress=False,"
        " on_chunk=lambda i, r: time.sleep(0.3))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-c", child], env=env)
    manifest = partial_folder(killed) / "manifest.json"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if manifest.is_file() and len(json.loads(manifest.read_text())["chunks"]) >= 3:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = len(json.loads(manifest.read_text())["chunks"])
    assert 3 <= done < 10 and not killed.exists()
    CALLS.clear()
    summary = stream_table(LengthFunction(), src, killed, chunk_size=4, resume=True, progress=False)
    assert summary.chunks_resumed == done and len(CALLS) == 10 - done
    process_columns = ["worker_pid", "loads_here"]  # differ by process, by design
    pd.testing.assert_frame_equal(read_table(killed).drop(columns=process_columns),
                                  read_table(whole).drop(columns=process_columns))
