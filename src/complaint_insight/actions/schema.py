"""The shape of an action-library file, checked with pydantic (unknown keys are errors, not ignored)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

Strength = Literal["stronger", "intermediate", "weaker"]
STRENGTH_RANK: dict[str, int] = {"weaker": 1, "intermediate": 2, "stronger": 3}
ID_PATTERN = r"^[a-z0-9][a-z0-9_.\-]*$"
FORMAT = 1


def _clean_list(values: list[str]) -> list[str]:
    out = [v.strip() for v in values]
    if any(not v for v in out):
        raise ValueError("entries must not be empty")
    return out


class AppliesTo(BaseModel):
    """What an action is for: common themes and/or taxonomy categories (``{taxonomy_id: [category ids]}``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    themes: list[str] = Field(default_factory=list)
    categories: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("themes")
    @classmethod
    def _strip(cls, values: list[str]) -> list[str]:
        return _clean_list(values)

    @model_validator(mode="after")
    def _not_empty(self) -> "AppliesTo":
        if not self.themes and not any(self.categories.values()):
            raise ValueError("applies_to needs at least one theme or category")
        return self


class Action(BaseModel):
    """One improvement action. ``strength`` follows from ``action_type`` on the RCA2 action hierarchy."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=ID_PATTERN, max_length=80)
    text: str = Field(min_length=15, max_length=500, description="what to do, concretely")
    owner: str = Field(
        min_length=2, max_length=120, description="the role that usually owns it (a role, not a person)"
    )
    action_type: str = Field(
        description="RCA2 action category, e.g. forcing_function, checklist_cognitive_aid, training"
    )
    strength: Strength | None = Field(
        default=None, description="optional; must agree with action_type when given"
    )
    applies_to: AppliesTo
    cues: list[str] = Field(
        default_factory=list, description="extra words or phrases that point to this action"
    )
    measure: str = Field(min_length=10, max_length=500, description="how to tell whether it worked")
    library: str = Field(default="", description="the library file it came from (filled in when loaded)")

    @field_validator("cues")
    @classmethod
    def _strip(cls, values: list[str]) -> list[str]:
        return _clean_list(values)

    @model_validator(mode="after")
    def _strength_from_hierarchy(self, info: ValidationInfo) -> "Action":
        hierarchy: dict[str, str] | None = (info.context or {}).get("rca2")
        if hierarchy is None:
            return self
        if self.action_type not in hierarchy:
            raise ValueError(
                f"action_type {self.action_type!r} is not on the RCA2 hierarchy; use one of: "
                + ", ".join(hierarchy)
            )
        expected = hierarchy[self.action_type]
        if self.strength is not None and self.strength != expected:
            raise ValueError(
                f"strength {self.strength!r} disagrees with action_type {self.action_type!r}, which is {expected!r} in RCA2"
            )
        object.__setattr__(self, "strength", expected)
        return self

    @property
    def rank(self) -> int:
        return STRENGTH_RANK[self.strength or "weaker"]


class CommonTheme(BaseModel):
    """A recurring complaint theme shared across organisations (waiting times, damp and mould ...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=ID_PATTERN, max_length=80)
    label: str = Field(min_length=2, max_length=120)
    description: str = Field(min_length=10)
    key_phrases: list[str] = Field(min_length=1)
    categories: dict[str, list[str]] = Field(
        default_factory=dict, description="{taxonomy_id: [category ids]}"
    )

    @field_validator("key_phrases")
    @classmethod
    def _strip(cls, values: list[str]) -> list[str]:
        return _clean_list(values)


class LibraryFile(BaseModel):
    """One versioned library file: the project's own, or an organisation's extension."""

    model_config = ConfigDict(extra="forbid")
    library: str = Field(pattern=ID_PATTERN, max_length=80, description="the library's id")
    version: str = Field(min_length=1, description="content version, bumped on every change")
    format: Literal[1] = Field(default=FORMAT, description="file format version")
    description: str = ""
    source: str = ""
    themes: list[CommonTheme] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    retire: list[str] = Field(default_factory=list, description="ids of actions from other libraries to hide")

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value):
        return str(value) if isinstance(value, (int, float)) else value
