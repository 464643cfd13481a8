"""Typed triage results. Python, DataFrame/CLI columns, HTTP and spaCy all derive from these."""
from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["ok", "empty", "unreadable", "non_english"]


class Span(BaseModel):
    """A stretch of the original text, by character offsets (``text[start:end]``)."""

    model_config = ConfigDict(frozen=True)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Cue(Span):
    """A phrase that pushed the complaint decision; ``weight`` > 0 towards 'complaint'."""

    weight: float


class RedFlag(BaseModel):
    """Something in the text that needs a person now, and where it should go."""

    model_config = ConfigDict(frozen=True)
    type: str
    label: str
    route: str
    span: Span | None = None
    source: Literal["rule", "model", "input"] = "rule"


class TriageResult(BaseModel):
    """Everything triage says about one piece of feedback."""

    id: Any = None
    is_complaint: int = Field(ge=0, le=1)
    complaint_probability: float | None = Field(
        default=None, description="Calibrated probability; null when the text needs a human reader"
    )
    threshold: float
    status: Status = "ok"
    needs_human_reader: bool = False
    truncated: bool = False
    red_flags: list[RedFlag] = Field(default_factory=list)
    severity: int | None = Field(default=None, ge=0, le=3, description="HCAT: 0 not present, 1 low, 2 medium, 3 high")
    severity_label: str | None = None
    severity_reason: str | None = None
    intensity: str | None = Field(
        default=None, description="none | no_explicit_reproach | disapproval | accusation | blame"
    )
    cues: list[Cue] = Field(default_factory=list)
    prompt: str = ""

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_row(self) -> dict[str, Any]:
        """Flat columns for tables: lists become ``;``-joined text, spans a compact string."""
        return {
            "is_complaint": self.is_complaint,
            "complaint_probability": math.nan if self.complaint_probability is None else self.complaint_probability,
            "triage_status": self.status,
            "needs_human_reader": self.needs_human_reader,
            "red_flags": ";".join(f.type for f in self.red_flags),
            "red_flag_routes": " | ".join(f"{f.type}: {f.route}" for f in self.red_flags),
            "severity": self.severity if self.severity is not None else -1,
            "severity_label": self.severity_label or "",
            "severity_reason": self.severity_reason or "",
            "intensity": self.intensity or "",
            "cues": "; ".join(c.text for c in self.cues),
            "prompt": self.prompt,
        }


ROW_COLUMNS = tuple(TriageResult(is_complaint=0, threshold=0.5).to_row())


_FIELDS = frozenset(TriageResult.model_fields)
_set = object.__setattr__


def construct_model(model: type[BaseModel], **values: Any) -> Any:
    """An instance of ``model`` from values triage has built and checked itself (every field given).

    What ``model.model_construct`` does for these models (no validators, extras or private
    attributes), without its per-field bookkeeping, which cost ~5 % of batch triage; the public
    constructors still validate everything that comes from outside. Tests check equality with
    validated instances.
    """
    instance = model.__new__(model)
    _set(instance, "__dict__", values)
    _set(instance, "__pydantic_fields_set__", set(values))
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance


def construct_result(**values: Any) -> TriageResult:
    """A ``TriageResult`` built by :func:`construct_model`."""
    return construct_model(TriageResult, **values)


def rows_columns(results: list[TriageResult]) -> dict[str, list]:
    """``to_row`` of every result, as columns (what a DataFrame is built from, without a dict per row)."""
    if not results:
        return {name: [] for name in ROW_COLUMNS}
    nan = math.nan
    columns = {
        "is_complaint": [r.is_complaint for r in results],
        "complaint_probability": [nan if r.complaint_probability is None else r.complaint_probability for r in results],
        "triage_status": [r.status for r in results],
        "needs_human_reader": [r.needs_human_reader for r in results],
        "red_flags": [";".join(f.type for f in r.red_flags) if r.red_flags else "" for r in results],
        "red_flag_routes": [" | ".join(f"{f.type}: {f.route}" for f in r.red_flags) if r.red_flags else ""
                            for r in results],
        "severity": [r.severity if r.severity is not None else -1 for r in results],
        "severity_label": [r.severity_label or "" for r in results],
        "severity_reason": [r.severity_reason or "" for r in results],
        "intensity": [r.intensity or "" for r in results],
        "cues": ["; ".join(c.text for c in r.cues) if r.cues else "" for r in results],
        "prompt": [r.prompt for r in results],
    }
    assert tuple(columns) == ROW_COLUMNS  # kept in step with to_row (a test compares them row by row)
    return columns
