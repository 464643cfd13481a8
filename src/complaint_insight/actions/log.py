"""The learning log: which action an organisation agreed against which theme, and what happened.

Storage sits behind the small ``LearningLog`` protocol; ``SQLiteLearningLog`` (a file path) is the
default. Another database is plugged in by writing a class with the same five methods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Status = Literal["planned", "in_progress", "done", "abandoned"]
STATUSES: tuple[str, ...] = ("planned", "in_progress", "done", "abandoned")
EDITABLE = (
    "theme_id",
    "theme_label",
    "action_id",
    "action_text",
    "owner",
    "date_agreed",
    "due_date",
    "status",
    "evidence",
    "public_summary",
    "effect",
    "effect_ratio",
    "effect_p",
    "effect_measured",
)


def normalise_status(value: Any) -> Any:
    """Accept 'in progress', 'In-Progress' and 'in_progress' alike."""
    if isinstance(value, str):
        return value.strip().lower().replace(" ", "_").replace("-", "_")
    return value


class LogEntry(BaseModel):
    """One action agreed against a theme. ``owner`` should be a role (e.g. "ward manager"), not a person."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
    id: int | None = Field(default=None, description="assigned by the log")
    theme_id: str = Field(min_length=1, max_length=200)
    theme_label: str = Field(min_length=1, max_length=300)
    action_id: str | None = Field(
        default=None, max_length=80, description="library action id, if it came from the library"
    )
    action_text: str = Field(min_length=3, max_length=2000)
    owner: str = Field(min_length=2, max_length=200)
    date_agreed: dt.date
    due_date: dt.date | None = None
    status: Status = "planned"
    evidence: str | None = Field(
        default=None, max_length=5000, description="what shows it was done (internal)"
    )
    public_summary: str | None = Field(
        default=None, max_length=1000, description="optional plain-English sentence for 'you said, we did'"
    )
    effect: str | None = Field(
        default=None, max_length=1000, description="measured before/after effect, in words"
    )
    effect_ratio: float | None = Field(default=None, ge=0, description="after/before complaint rate ratio")
    effect_p: float | None = Field(default=None, ge=0, le=1)
    effect_measured: dt.date | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value):
        return normalise_status(value)

    @field_validator("theme_id", "theme_label", "action_text", "owner", "action_id", mode="before")
    @classmethod
    def _strip(cls, value):
        return value.strip() if isinstance(value, str) else value

    @field_validator("evidence", "public_summary", "effect", mode="before")
    @classmethod
    def _blank_is_none(cls, value):
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> "LogEntry":
        if self.due_date is not None and self.due_date < self.date_agreed:
            raise ValueError(f"due date {self.due_date} is before the date agreed {self.date_agreed}")
        return self

    @property
    def effect_fell(self) -> bool:
        """Complaints on the theme fell by a margin the test could tell apart from chance."""
        return (
            self.effect_ratio is not None
            and self.effect_ratio < 1
            and self.effect_p is not None
            and self.effect_p < 0.05
        )

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class EntryNotFound(LookupError):
    pass


@runtime_checkable
class LearningLog(Protocol):
    """What ``suggest_actions``, impact measurement and the CLI need from a store."""

    def add(self, entry: LogEntry) -> LogEntry:
        """Store a new entry (its ``id`` is ignored) and return it with its id and timestamps."""
        ...

    def get(self, entry_id: int) -> LogEntry:
        """The entry, or ``EntryNotFound``."""
        ...

    def entries(
        self, *, theme_id: str | None = None, status: Sequence[str] | str | None = None
    ) -> list[LogEntry]:
        """Entries in id order, optionally only one theme and/or some statuses."""
        ...

    def update(self, entry_id: int, **changes: Any) -> LogEntry:
        """Change some fields atomically (validated as a whole); return the stored entry."""
        ...

    def delete(self, entry_id: int) -> None: ...


def open_log(log: "LearningLog | str | Path", *, create: bool = True) -> LearningLog:
    """A learning log from a store object or a SQLite file path (created if missing, when ``create``)."""
    if isinstance(log, (str, Path)):
        from complaint_insight.actions.sqlite_log import SQLiteLearningLog

        return SQLiteLearningLog(log, create=create)
    if isinstance(log, LearningLog):
        return log
    raise TypeError(f"log must be a LearningLog or a file path, got {type(log).__name__}")
