"""The default learning-log store: one SQLite file, safe for several processes at once.

Concurrency: the database runs in WAL mode (readers never block the writer), every connection
waits up to ``timeout`` seconds for a lock instead of failing, and every write is one
``BEGIN IMMEDIATE`` transaction (an update reads and writes under the same lock, so two
processes cannot overwrite each other's change). WAL needs a local disk: do not put the file on
a network share.

Schema changes are ordered migration steps; ``PRAGMA user_version`` records the last one
applied, and opening an older file upgrades it in one transaction.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from complaint_insight.actions.log import EDITABLE, STATUSES, EntryNotFound, LogEntry, normalise_status
from complaint_insight.errors import InputError

# Written into the file header so that another application's SQLite file is never altered.
APPLICATION_ID = 0x43494C47  # "CILG"

# (version, what changed, statements). Append new steps; never edit a released one.
MIGRATIONS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (
        1,
        "learning log",
        (
            """CREATE TABLE action_log (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                theme_id TEXT NOT NULL,
                theme_label TEXT NOT NULL,
                action_id TEXT,
                action_text TEXT NOT NULL,
                owner TEXT NOT NULL,
                date_agreed TEXT NOT NULL,
                due_date TEXT,
                status TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'abandoned')),
                evidence TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            "CREATE INDEX action_log_theme ON action_log (theme_id)",
        ),
    ),
    (
        2,
        "measured effect and a public summary for 'you said, we did'",
        (
            "ALTER TABLE action_log ADD COLUMN public_summary TEXT",
            "ALTER TABLE action_log ADD COLUMN effect TEXT",
            "ALTER TABLE action_log ADD COLUMN effect_ratio REAL",
            "ALTER TABLE action_log ADD COLUMN effect_p REAL",
            "ALTER TABLE action_log ADD COLUMN effect_measured TEXT",
        ),
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]
_COLUMNS = ("id", "created_at", "updated_at", *EDITABLE)


class SQLiteLearningLog:
    """``LearningLog`` on a SQLite file (created, and migrated to the current schema, on first use)."""

    def __init__(self, path: str | Path, *, timeout: float = 30.0, create: bool = True):
        self.path = Path(path)
        self.timeout = timeout
        if self.path.exists() and not self.path.is_file():
            raise InputError(f"{self.path}: not a file")
        if not create and not self.path.exists():
            raise InputError(f"{self.path}: learning log not found")
        if not self.path.parent.is_dir():
            raise InputError(f"{self.path}: folder {self.path.parent} does not exist")
        with self._connection() as conn:
            migrate(conn, self.path)

    # -- plumbing ------------------------------------------------------------------------------
    @contextmanager
    def _connection(self):
        try:
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise InputError(f"{self.path}: cannot open the learning log ({exc})") from None
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            yield conn
        except sqlite3.DatabaseError as exc:
            if "not a database" in str(exc) or "malformed" in str(exc):
                raise InputError(f"{self.path}: not a SQLite learning log ({exc})") from None
            raise
        finally:
            conn.close()

    @contextmanager
    def _write(self):
        with self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # -- LearningLog ---------------------------------------------------------------------------
    def add(self, entry: LogEntry) -> LogEntry:
        now = _now()
        stored = entry.model_copy(update={"id": None, "created_at": now, "updated_at": now})
        row = _to_row(stored)
        row.pop("id")
        with self._write() as conn:
            cursor = conn.execute(
                f"INSERT INTO action_log ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                list(row.values()),
            )
            stored.id = int(cursor.lastrowid)
        return stored

    def get(self, entry_id: int) -> LogEntry:
        with self._connection() as conn:
            row = conn.execute("SELECT * FROM action_log WHERE id = ?", (int(entry_id),)).fetchone()
        if row is None:
            raise EntryNotFound(f"no learning-log entry with id {entry_id}")
        return _from_row(row)

    def entries(
        self, *, theme_id: str | None = None, status: Sequence[str] | str | None = None
    ) -> list[LogEntry]:
        where, args = [], []
        if theme_id is not None:
            where.append("theme_id = ?")
            args.append(theme_id)
        if status is not None:
            wanted = [normalise_status(s) for s in ([status] if isinstance(status, str) else status)]
            unknown = [s for s in wanted if s not in STATUSES]
            if unknown:
                raise InputError(f"unknown status {unknown[0]!r}; use one of: {', '.join(STATUSES)}")
            where.append(f"status IN ({', '.join('?' * len(wanted))})")
            args += wanted
        sql = "SELECT * FROM action_log" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
        with self._connection() as conn:
            return [_from_row(r) for r in conn.execute(sql, args).fetchall()]

    def update(self, entry_id: int, **changes: Any) -> LogEntry:
        unknown = sorted(set(changes) - set(EDITABLE))
        if unknown:
            raise InputError(f"cannot change {', '.join(unknown)}; editable fields: {', '.join(EDITABLE)}")
        with self._write() as conn:  # read and write under one lock: no lost updates
            row = conn.execute("SELECT * FROM action_log WHERE id = ?", (int(entry_id),)).fetchone()
            if row is None:
                raise EntryNotFound(f"no learning-log entry with id {entry_id}")
            merged = {**_from_row(row).model_dump(), **changes, "updated_at": _now()}
            try:
                entry = LogEntry.model_validate(merged)
            except ValidationError as exc:
                raise InputError(f"entry {entry_id}: {_first_error(exc)}") from None
            values = _to_row(entry)
            assignments = [c for c in EDITABLE + ("updated_at",)]
            conn.execute(
                f"UPDATE action_log SET {', '.join(f'{c} = ?' for c in assignments)} WHERE id = ?",
                [values[c] for c in assignments] + [int(entry_id)],
            )
        return entry

    def delete(self, entry_id: int) -> None:
        with self._write() as conn:
            if conn.execute("DELETE FROM action_log WHERE id = ?", (int(entry_id),)).rowcount == 0:
                raise EntryNotFound(f"no learning-log entry with id {entry_id}")

    def schema_version(self) -> int:
        with self._connection() as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, path: Path | str = "learning log") -> int:
    """Bring the file up to ``SCHEMA_VERSION`` in one transaction; return the version it had."""
    conn.execute("BEGIN IMMEDIATE")  # two processes opening a new file migrate one after the other
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        if app_id not in (0, APPLICATION_ID):
            raise InputError(f"{path}: a SQLite file of another application, not a learning log")
        if version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise InputError(f"{path}: a SQLite file with other tables, not a learning log")
        if version > SCHEMA_VERSION:
            raise InputError(
                f"{path}: learning-log schema version {version} is newer than this complaint-insight "
                f"understands ({SCHEMA_VERSION}); upgrade complaint-insight"
            )
        for step, _what, statements in MIGRATIONS:
            if step > version:
                for statement in statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {step}")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return version


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _to_row(entry: LogEntry) -> dict[str, Any]:
    data = entry.model_dump()
    return {
        c: (v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v)
        for c, v in data.items()
        if c in _COLUMNS
    }


def _from_row(row: sqlite3.Row) -> LogEntry:
    return LogEntry.model_validate({k: row[k] for k in row.keys()})


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    message = error["msg"].removeprefix("Value error, ")
    field = ".".join(str(p) for p in error["loc"])
    return f"{field}: {message}" if field else message
