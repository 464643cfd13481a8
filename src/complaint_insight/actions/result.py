"""Typed results of ``suggest_actions``: what to do, why it fits, who owns it and how strong it is."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from complaint_insight.actions.schema import Strength


class PastAction(BaseModel):
    """The learning-log record behind a "what worked here before" suggestion."""

    entry_id: int
    theme_id: str
    theme_label: str
    status: str
    date_agreed: dt.date
    due_date: dt.date | None = None
    effect: str | None = Field(
        default=None, description="the measured before/after effect, when one was recorded"
    )


class ActionSuggestion(BaseModel):
    """One suggested improvement action, ranked."""

    rank: int = Field(ge=1)
    source: Literal["learning_log", "library"]
    action_id: str | None = Field(
        default=None, description="library action id (None for an organisation's own logged action)"
    )
    text: str
    owner: str | None = None
    strength: Strength | None = Field(default=None, description="RCA2 action strength; None when not known")
    action_type: str | None = Field(default=None, description="RCA2 action category")
    score: float = Field(
        ge=0.0, le=1.0, description="how well it fits the complaint, theme or category (0-1)"
    )
    why: str = Field(
        description="plain-English reason: the theme, category and words that matched, and the strength"
    )
    themes: list[str] = Field(default_factory=list, description="labels of the matched themes")
    categories: list[str] = Field(
        default_factory=list, description="matched categories as taxonomy:category_id"
    )
    words: list[str] = Field(default_factory=list, description="words or phrases of the input that matched")
    measure: str | None = Field(default=None, description="how to tell whether it worked")
    library: str | None = Field(default=None, description="library file the action comes from")
    past: PastAction | None = None

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
