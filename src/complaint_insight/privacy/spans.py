"""Typed spans of personal data found in a text."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

PersonalDataType = Literal[
    "NHS_NUMBER", "PHONE", "EMAIL", "POSTCODE", "DATE_OF_BIRTH", "ADDRESS", "NAME", "HOSPITAL_NUMBER"
]
TYPES: tuple[str, ...] = PersonalDataType.__args__  # type: ignore[attr-defined]


class PersonalDataSpan(BaseModel):
    """Characters ``text[start:end]`` hold personal data of ``type``."""

    model_config = ConfigDict(frozen=True)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    type: PersonalDataType

    @model_validator(mode="after")
    def _ordered(self) -> "PersonalDataSpan":
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self

    @property
    def placeholder(self) -> str:
        return f"[{self.type}]"
