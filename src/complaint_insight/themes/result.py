"""Typed records for themes and for the automatic choice of their number."""
from __future__ import annotations

from pydantic import BaseModel, Field


class Theme(BaseModel):
    id: str = Field(description="stable id, e.g. 'T01'; kept across refits when the theme is matched")
    label: str = Field(description="short human-readable phrase")
    key_phrases: list[str] = Field(default_factory=list)
    size: int = Field(description="rows assigned to this theme when it was fitted")
    quotes: list[str] = Field(default_factory=list, description="up to 3 distinct texts closest to the centroid")
    label_edited: bool = Field(default=False, description="label set by a person (kept on refit)")
    history: list[str] = Field(default_factory=list, description="edits: 'merged T03', 'split from T02', ...")


class ThemeCountChoice(BaseModel):
    """How the number of themes was chosen when ``n_themes`` was not given."""

    method: str
    chosen: int
    sample_size: int
    scores: dict[int, float] = Field(default_factory=dict, description="candidate number of themes -> score")
    explanation: str = ""
