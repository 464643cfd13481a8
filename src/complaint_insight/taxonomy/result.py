"""Typed categorisation results; table columns, JSON and the CLI all derive from these."""
from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["ok", "empty", "unreadable"]


class CategoryScore(BaseModel):
    """One category assigned to a text."""

    model_config = ConfigDict(frozen=True)
    id: str
    name: str
    probability: float = Field(ge=0.0, le=1.0)
    threshold: float = Field(ge=0.0, le=1.0)
    severity: int | None = Field(default=None, ge=0, le=3, description="1 low, 2 medium, 3 high (HCAT scale)")


class Categorisation(BaseModel):
    """The categories of one text (zero or more), most probable first, and every category's probability."""

    id: Any = None
    taxonomy: str
    status: Status = "ok"
    categories: list[CategoryScore] = Field(default_factory=list)
    probabilities: dict[str, float] | None = Field(
        default=None, description="probability of every category; null when the text could not be read"
    )

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.categories]

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_row(self, category_ids: list[str], *, with_severity: bool = False) -> dict[str, Any]:
        """Flat columns: ``categories`` (';'-joined), ``category_status``, ``p_<id>`` (and ``severity_<id>``)."""
        row: dict[str, Any] = {"categories": ";".join(self.ids), "category_status": self.status}
        for cid in category_ids:
            p = None if self.probabilities is None else self.probabilities.get(cid)
            row[probability_column(cid)] = math.nan if p is None else p
        if with_severity:
            levels = {c.id: c.severity for c in self.categories}
            for cid in category_ids:
                level = levels.get(cid)
                row[severity_column(cid)] = -1 if level is None else level
        return row


def probability_column(category_id: str) -> str:
    return f"p_{category_id}"


def severity_column(category_id: str) -> str:
    return f"severity_{category_id}"
