"""The frame functions the engines run: triage, categorisation and theme assignment.

Each is a frozen dataclass of paths and options, so it pickles in a few hundred bytes and two equal
specs share one loaded model per process.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from complaint_insight.errors import InputError
from complaint_insight.scale.frame_function import FrameFunction

_TRIAGE_DTYPES = {
    "is_complaint": "int64",
    "complaint_probability": "float64",
    "triage_status": str,
    "needs_human_reader": "bool",
    "red_flags": str,
    "red_flag_routes": str,
    "severity": "int64",
    "severity_label": str,
    "severity_reason": str,
    "intensity": str,
    "cues": str,
    "prompt": str,
}


def _path(value: str | Path | None) -> str | None:
    return None if value is None else str(Path(value).resolve())


@dataclass(frozen=True)
class TriageFunction(FrameFunction):
    """Triage columns (``Triager.assess_frame``) for each row."""

    text_column: str = "text"
    id_column: str | None = None
    model_path: str | None = None
    threshold: float | None = None
    policy: str | None = None
    patterns: str | None = None
    risk_model: str | None = None

    desc = "triage"
    status_column = "triage_status"
    dtypes_need_model = False

    def __post_init__(self):
        for name in ("model_path", "policy", "patterns", "risk_model"):
            object.__setattr__(self, name, _path(getattr(self, name)))

    def model_key(self) -> str:
        return repr((self.model_path, self.threshold, self.policy, self.patterns, self.risk_model))

    def load(self) -> Any:
        from complaint_insight.triage import Triager

        return Triager(self.model_path, threshold=self.threshold, policy=self.policy, patterns=self.patterns,
                       risk_model=self.risk_model)

    def apply(self, model, frame: pd.DataFrame) -> pd.DataFrame:
        return model.assess_frame(frame, text_column=self.text_column, id_column=self.id_column)

    def result_dtypes(self, model) -> dict[str, Any]:
        return dict(_TRIAGE_DTYPES)

    def fill_values(self) -> dict[str, Any]:
        # Like an unreadable text: no guess, and a person has to look at it.
        return {"is_complaint": 0, "needs_human_reader": True, "prompt": "This row could not be processed; read it yourself."}


@dataclass(frozen=True)
class CategoriseFunction(FrameFunction):
    """Category columns (``Categoriser.categorise_frame``) for each row."""

    taxonomy: str | None = None
    text_column: str = "text"
    id_column: str | None = None
    model_path: str | None = None
    zero_shot: bool = False
    threshold: float | None = None
    severity_column: str | None = None

    desc = "categorise"
    status_column = "category_status"

    def __post_init__(self):
        object.__setattr__(self, "model_path", _path(self.model_path))
        if self.taxonomy is not None and Path(self.taxonomy).suffix.lower() in (".yaml", ".yml", ".json"):
            object.__setattr__(self, "taxonomy", _path(self.taxonomy))

    def model_key(self) -> str:
        return repr((self.taxonomy, self.model_path, self.zero_shot, self.threshold))

    def load(self) -> Any:
        from complaint_insight.taxonomy import load_categoriser

        categoriser = load_categoriser(self.taxonomy, model=self.model_path, zero_shot=self.zero_shot)
        categoriser._ready()  # a zero-shot categoriser resolves its categories lazily; the meta needs them now
        if self.threshold is not None:
            categoriser.set_thresholds(self.threshold)
        return categoriser

    def apply(self, model, frame: pd.DataFrame) -> pd.DataFrame:
        return model.categorise_frame(frame, text_column=self.text_column, id_column=self.id_column,
                                      severity_column=self.severity_column)

    def required_columns(self) -> dict[str, str]:
        return {**super().required_columns(), **({"severity column": self.severity_column} if self.severity_column else {})}

    def result_dtypes(self, model) -> dict[str, Any]:
        from complaint_insight.taxonomy.result import probability_column, severity_column

        dtypes: dict[str, Any] = {"categories": str, "category_status": str}
        dtypes.update({probability_column(c): "float64" for c in model.classes_})
        if self.severity_column is not None:
            dtypes.update({severity_column(c): "int64" for c in model.classes_})
        return dtypes


_THEME_DTYPES = {"theme_id": str, "theme_label": str, "theme_distance": "float64", "theme_status": str}


@dataclass(frozen=True)
class ThemeAssignFunction(FrameFunction):
    """Theme columns (``ThemeModel.assign``) for each row, with a saved theme model.

    ``model_sha256`` (filled from the model's manifest when not given) is part of the spec, so a
    ``--resume`` against a model that was refitted or edited since is refused rather than mixing themes.
    """

    model_path: str = ""
    text_column: str = "text"
    id_column: str | None = None
    model_sha256: str = ""

    desc = "themes"
    status_column = "theme_status"
    dtypes_need_model = False

    def __post_init__(self):
        if not self.model_path:
            raise InputError("a theme model folder is needed to assign themes")
        object.__setattr__(self, "model_path", _path(self.model_path))
        if not self.model_sha256:
            manifest = Path(self.model_path) / "manifest.json"
            if not manifest.is_file():
                raise InputError(f"{self.model_path}: theme model not found (no manifest.json)")
            object.__setattr__(self, "model_sha256", hashlib.sha256(manifest.read_bytes()).hexdigest())

    def model_key(self) -> str:
        return repr((self.model_path, self.model_sha256))

    def load(self) -> Any:
        from complaint_insight.themes import load_theme_model

        model = load_theme_model(self.model_path)
        model._embedder()  # the embedder loads lazily; load it with the model, once per process
        return model

    def apply(self, model, frame: pd.DataFrame) -> pd.DataFrame:
        # A Series keeps the frame's index, and the model's own text_column is not consulted.
        assigned = model.assign(frame[self.text_column])
        kept = frame.drop(columns=[c for c in assigned.columns if c in frame.columns])
        return pd.concat([kept, assigned], axis=1)

    def result_dtypes(self, model) -> dict[str, Any]:
        return dict(_THEME_DTYPES)
