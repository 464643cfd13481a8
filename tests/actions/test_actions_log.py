import datetime as dt
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pydantic import ValidationError

import complaint_insight
from complaint_insight.actions import EntryNotFound, LearningLog, LogEntry, SQLiteLearningLog, open_log
from complaint_insight.actions.sqlite_log import MIGRATIONS, SCHEMA_VERSION
from complaint_insight.errors import InputError


def entry(**changes):
    base = dict(
        theme_id="waiting_times",
        theme_label="Waiting times and delays",
        action_text="Stream patients at the front door",
        owner="ED operations manager",
        date_agreed=dt.date(2024, 2, 1),
        due_date=dt.date(2024, 5, 1),
    )
    return LogEntry(**{**base, **changes})


def test_crud_round_trip(log_path):
    log = SQLiteLearningLog(log_path)
    assert isinstance(log, LearningLog) and log.schema_version() == SCHEMA_VERSION
    first = log.add(entry())
    second = log.add(entry(theme_id="damp_mould", theme_label="Damp and mould", status="in progress"))
    assert (first.id, second.id) == (1, 2) and first.created_at is not None
    assert log.get(2).status == "in_progress"  # "in progress" accepted and normalised
    assert [e.id for e in log.entries(theme_id="damp_mould")] == [2]
    assert [e.id for e in log.entries(status=["planned"])] == [1]

    updated = log.update(1, status="done", evidence="streaming live since March")
    assert updated.status == "done" and log.get(1).evidence == "streaming live since March"
    assert log.get(1).updated_at >= log.get(1).created_at
    log.delete(2)
    assert [e.id for e in log.entries()] == [1]
    with pytest.raises(EntryNotFound):
        log.get(2)
    with pytest.raises(EntryNotFound):
        log.update(2, status="done")
    with pytest.raises(EntryNotFound):
        log.delete(2)


def test_validation(log_path):
    with pytest.raises(ValidationError, match="before the date agreed"):
        entry(due_date=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError):
        entry(status="finished")
    log = SQLiteLearningLog(log_path)
    log.add(entry())
    with pytest.raises(InputError, match="cannot change id"):
        log.update(1, id=7)
    with pytest.raises(InputError, match="^entry 1: due date 2023-01-01 is before the date agreed"):
        log.update(1, due_date=dt.date(2023, 1, 1))
    with pytest.raises(InputError, match="unknown status 'finished'"):
        log.entries(status="finished")
    assert log.get(1).due_date == dt.date(2024, 5, 1)  # a refused update changes nothing


def test_open_log_accepts_a_path_or_a_store(log_path):
    store = open_log(log_path)
    assert isinstance(store, SQLiteLearningLog) and open_log(store) is store
    with pytest.raises(TypeError):
        open_log(42)
    with pytest.raises(InputError, match="learning log not found"):
        open_log(log_path.with_name("typo.sqlite"), create=False)
    assert not log_path.with_name("typo.sqlite").exists()


def test_migrates_a_version_1_file_without_losing_rows(tmp_path):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    for statement in MIGRATIONS[0][2]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO action_log (theme_id, theme_label, action_id, action_text, owner, date_agreed, due_date, "
        "status, evidence, created_at, updated_at) VALUES ('T1', 'Cold food', NULL, 'Hot trolleys', "
        "'catering manager', '2023-06-01', NULL, 'done', 'delivered', '2023-06-01T10:00:00+00:00', "
        "'2023-07-01T10:00:00+00:00')"
    )
    conn.commit()
    conn.close()

    log = SQLiteLearningLog(path)
    assert log.schema_version() == SCHEMA_VERSION == 2
    old = log.get(1)
    assert (old.theme_label, old.evidence, old.effect, old.public_summary) == (
        "Cold food",
        "delivered",
        None,
        None,
    )
    assert log.update(1, effect="fell: ...", effect_ratio=0.5, effect_p=0.01).effect_fell
    assert SQLiteLearningLog(path).get(1).effect_ratio == 0.5  # reopening does not migrate again


def test_refuses_files_it_does_not_own(tmp_path):
    newer = tmp_path / "newer.sqlite"
    SQLiteLearningLog(newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(InputError, match="newer than this complaint-insight"):
        SQLiteLearningLog(newer)

    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(InputError, match="other tables, not a learning log"):
        SQLiteLearningLog(other)

    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database at all, just text" * 100)
    with pytest.raises(InputError, match="not a SQLite learning log"):
        SQLiteLearningLog(junk)
    with pytest.raises(InputError, match="does not exist"):
        SQLiteLearningLog(tmp_path / "no" / "such" / "log.sqlite")


WRITER = textwrap.dedent(
    """
    import datetime as dt, os, sys, time
    from complaint_insight.actions import LogEntry, SQLiteLearningLog

    path, name, n, go, shared = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    while not os.path.exists(go):
        time.sleep(0.005)
    log = SQLiteLearningLog(path)
    for i in range(n):
        e = log.add(LogEntry(theme_id=name, theme_label=name, action_text=f"{name} action {i}", owner="manager",
                             date_agreed=dt.date(2024, 1, 1)))
        log.update(e.id, status="in_progress")
        # both writers keep changing different fields of one shared entry: neither change may be lost
        if name == "A":
            log.update(shared, evidence=f"A{i}")
        else:
            log.update(shared, owner=f"B{i}")
    """
)


def test_two_processes_writing_at_once_lose_nothing(tmp_path, log_path):
    shared = SQLiteLearningLog(log_path).add(entry()).id
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    go = tmp_path / "go"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(Path(complaint_insight.__file__).parents[1]), os.environ.get("PYTHONPATH", "")]
        ),
    }
    n = 80
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(log_path), name, str(n), str(go), str(shared)],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("A", "B")
    ]
    go.touch()  # start both together
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err

    log = SQLiteLearningLog(log_path)
    rows = log.entries()
    assert len(rows) == 1 + 2 * n and len({r.id for r in rows}) == len(rows)
    for name in ("A", "B"):
        mine = log.entries(theme_id=name)
        assert sorted(r.action_text for r in mine) == sorted(f"{name} action {i}" for i in range(n))
        assert {r.status for r in mine} == {"in_progress"}
    final = log.get(shared)
    assert (final.evidence, final.owner) == (f"A{n - 1}", f"B{n - 1}")
    with sqlite3.connect(log_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
