"""The shape of a taxonomy: categories with names, descriptions, examples and an optional parent.

A taxonomy is a tree (or forest). ``predict_level`` says which depth the categoriser assigns
(0 = the roots); categories below that level still count, because their descriptions and
examples describe the ancestor they roll up to. Without ``predict_level`` every leaf is assigned.
"""
from __future__ import annotations

from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Ids become column names (``p_<id>``) and are ';'-joined in the ``categories`` column.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"


class Category(BaseModel):
    """One node of a taxonomy. Extra keys (``severity_guide``, ``corpus_column``, …) are kept."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str = Field(pattern=ID_PATTERN, max_length=100)
    name: str = ""
    description: str = Field(min_length=1)
    parent: str | None = None
    examples: list[str] = Field(default_factory=list)

    @field_validator("description")
    @classmethod
    def _description_has_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("description is empty")
        return value.strip()

    @field_validator("examples")
    @classmethod
    def _examples_have_text(cls, value: list[str]) -> list[str]:
        for i, example in enumerate(value):
            if not example.strip():
                raise ValueError(f"example {i} is empty")
        return value

    @property
    def label(self) -> str:
        return self.name or self.id

    def extra(self, key: str, default: Any = None) -> Any:
        return (self.model_extra or {}).get(key, default)


class Taxonomy(BaseModel):
    """A named set of categories. Build one with :func:`complaint_insight.taxonomy.load_taxonomy`."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str = Field(pattern=ID_PATTERN, max_length=100)
    name: str = ""
    version: str = ""
    source: str = ""
    description: str = ""
    predict_level: int | None = Field(default=None, ge=0)
    severity_scale: dict[int, str] | None = None
    categories: list[Category] = Field(min_length=1)

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float)) else value

    # -- structure (the loader has already checked ids, parents and cycles) ------------------
    @cached_property
    def by_id(self) -> dict[str, Category]:
        return {c.id: c for c in self.categories}

    @cached_property
    def children(self) -> dict[str, list[str]]:
        kids: dict[str, list[str]] = {c.id: [] for c in self.categories}
        for c in self.categories:
            if c.parent is not None:
                kids[c.parent].append(c.id)
        return kids

    def depth(self, category_id: str) -> int:
        depth, node = 0, self.by_id[category_id]
        while node.parent is not None:
            depth, node = depth + 1, self.by_id[node.parent]
        return depth

    def ancestors(self, category_id: str) -> list[str]:
        """Parent, grandparent, … of a category (nearest first)."""
        out, node = [], self.by_id[category_id]
        while node.parent is not None:
            out.append(node.parent)
            node = self.by_id[node.parent]
        return out

    def descendants(self, category_id: str) -> list[str]:
        out, stack = [], list(self.children[category_id])
        while stack:
            cid = stack.pop(0)
            out.append(cid)
            stack.extend(self.children[cid])
        return out

    @cached_property
    def predicted_ids(self) -> list[str]:
        """The categories a categoriser assigns, in file order."""
        if self.predict_level is None:
            return [c.id for c in self.categories if not self.children[c.id]]
        level = self.predict_level
        return [
            c.id
            for c in self.categories
            if self.depth(c.id) == level or (self.depth(c.id) < level and not self.children[c.id])
        ]

    def rollup(self, category_id: str) -> str | None:
        """The predicted category that ``category_id`` belongs to (itself, or an ancestor), if any."""
        predicted = set(self.predicted_ids)
        for cid in [category_id, *self.ancestors(category_id)]:
            if cid in predicted:
                return cid
        return None

    def prototypes(self, category_id: str) -> tuple[list[str], list[str]]:
        """Texts that describe a predicted category: (descriptions, examples), its sub-categories' included."""
        descriptions, examples = [], []
        for cid in [category_id, *self.descendants(category_id)]:
            category = self.by_id[cid]
            descriptions.append(f"{category.label}: {category.description}")
            examples.extend(category.examples)
        return descriptions, examples

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)
