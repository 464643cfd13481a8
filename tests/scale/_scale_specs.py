"""Cheap frame functions for the scale tests: no model to load, so the tests time the engines only."""
from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd

from complaint_insight.scale.frame_function import FrameFunction, load_counts

CALLS: list[int] = []  # rows per apply() call, in this process


@dataclass(frozen=True)
class LengthFunction(FrameFunction):
    """``n_chars`` of each text; ``status`` empty/ok; a non-text cell raises (like the real models)."""

    text_column: str = "text"
    drop_a_row: bool = False

    desc = "length"
    status_column = "status"

    def model_key(self) -> str:
        return "length"

    def load(self):
        return {"pid": os.getpid()}

    def apply(self, model, frame: pd.DataFrame) -> pd.DataFrame:
        CALLS.append(len(frame))
        values = frame[self.text_column].tolist()
        for v in values:
            if not isinstance(v, str):
                raise TypeError(f"expected text, got {type(v).__name__}")
        out = frame.copy()
        out["n_chars"] = [len(v) for v in values]
        out["status"] = ["empty" if not v.strip() else "ok" for v in values]
        out["worker_pid"] = os.getpid()
        out["loads_here"] = sum(n for k, n in load_counts().items() if k.endswith(":length"))
        return out.iloc[1:] if self.drop_a_row and len(out) > 1 else out

    def result_dtypes(self, model):
        return {"n_chars": "int64", "status": str, "worker_pid": "int64", "loads_here": "int64"}
