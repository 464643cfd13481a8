"""The anonymised sharing format: what one organisation sends another. Published as docs/sharing_schema.json.

Every free-text field has been through :func:`complaint_insight.privacy.redact`; counts below the
suppression threshold are withheld (``null``) so that small groups cannot be singled out.
"""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"
_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$"
# Bounds keep a hostile file from exhausting memory once parsed; real exports are far smaller.
MAX_ITEMS = 10_000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_max_length=2000)


class Period(_Strict):
    start: dt.date
    end: dt.date


class SharedCategory(_Strict):
    """Complaints in one category of the shared taxonomy."""

    id: str = Field(pattern=_ID, max_length=100)
    name: str = Field(default="", max_length=300)
    count: int | None = Field(ge=0, description="complaints with this category; null when suppressed")
    rate: float | None = Field(ge=0, le=1, description="count / total_complaints; null when suppressed")
    suppressed: bool = False
    by_group: dict[str, int | None] | None = Field(
        default=None, max_length=1000, description="counts per group (service, site); null entries are suppressed"
    )


class SharedTheme(_Strict):
    """One theme: its size, the taxonomy categories its complaints carry and a few redacted quotes."""

    id: str = Field(max_length=200)
    label: str = Field(max_length=300)
    count: int | None = Field(ge=0)
    rate: float | None = Field(ge=0, le=1)
    suppressed: bool = False
    categories: list[str] = Field(default_factory=list, max_length=200, description="most common first")
    quotes: list[str] = Field(default_factory=list, max_length=20, description="redacted; none when suppressed")


class SharedAction(_Strict):
    """An action from the learning log: what was done, not who did it (no owner, no internal evidence)."""

    theme_id: str = Field(max_length=200)
    theme_label: str = Field(max_length=300)
    categories: list[str] = Field(default_factory=list, max_length=200)
    action: str = Field(max_length=2000)
    status: Literal["planned", "in_progress", "done", "abandoned"]
    agreed: str = Field(pattern=r"^\d{4}-\d{2}$", description="year and month agreed (the day is withheld)")
    public_summary: str | None = Field(default=None, max_length=1000)
    effect: str | None = Field(default=None, max_length=1000)
    effect_ratio: float | None = Field(default=None, ge=0)


class SharingExport(_Strict):
    """An anonymised summary of an organisation's complaints on a shared taxonomy."""

    schema_version: Literal["1.0"] = SCHEMA_VERSION
    organisation: str | None = Field(default=None, max_length=300)
    created: dt.datetime
    taxonomy: str | None = Field(default=None, max_length=100, description="taxonomy id, e.g. qdc")
    taxonomy_version: str | None = Field(default=None, max_length=50)
    period: Period | None = None
    total_complaints: int = Field(ge=0)
    suppress_below: int = Field(ge=1, description="counts under this were withheld")
    categories: list[SharedCategory] = Field(default_factory=list, max_length=MAX_ITEMS)
    themes: list[SharedTheme] = Field(default_factory=list, max_length=MAX_ITEMS)
    actions: list[SharedAction] = Field(default_factory=list, max_length=MAX_ITEMS)


def json_schema() -> dict:
    """The JSON Schema of :class:`SharingExport` (what docs/sharing_schema.json holds)."""
    schema = SharingExport.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"complaint-insight-sharing-{SCHEMA_VERSION}"
    return schema
