"""The frame-function protocol: a small picklable spec that loads its model once per process and
maps a pandas frame to the same rows, in the same order, with result columns added.

Every engine (the streaming CLI, a Dask cluster) runs a spec through :func:`run_frame`, so they share
one guarantee: every input row comes out exactly once, in order, with its index; a row whose text
cannot be processed (e.g. a JSON list where text was expected) is kept with
``<status column> = "error"`` and the reason in ``processing_error`` instead of failing the batch.

A spec holds only paths and options, never a model: it travels with every task for the price of a
few hundred bytes, and the model is loaded from ``spec.model_key()`` once per worker process (the
module-level cache below), then reused by every partition that process runs.
"""
from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from complaint_insight.errors import InputError, InputTypeError

ERROR_COLUMN = "processing_error"
ERROR_STATUS = "error"

_LOCK = threading.Lock()
_MODELS: dict[str, Any] = {}
_LOADS: Counter = Counter()


class FrameFunction:
    """Base class of a frame function. Subclasses are small (dataclass) specs that set:

    - ``desc``: a short name for progress bars and summaries (``"triage"``);
    - ``status_column``: the output column that holds each row's status;
    - ``model_key()``: text that identifies the loaded model (path + options);
    - ``load()``: build the model (runs once per process per key);
    - ``apply(model, frame)``: ``frame`` with the result columns added (same rows, order, index);
    - ``result_dtypes(model)``: ``{column: dtype}`` of the added columns, in output order;
    - optionally ``fill_values()``: values for the result columns of an ``error`` row.

    The specs in use are in ``scale.functions`` (triage, categorisation, theme assignment).
    """

    desc = "process"
    status_column = "status"
    text_column = "text"
    #: False when ``result_dtypes`` ignores its argument: a Dask graph is then built without
    #: loading the model on the client.
    dtypes_need_model = True

    def model_key(self) -> str:
        raise NotImplementedError

    def load(self) -> Any:
        raise NotImplementedError

    def apply(self, model: Any, frame: pd.DataFrame) -> pd.DataFrame:
        raise NotImplementedError

    def result_dtypes(self, model: Any) -> dict[str, Any]:
        raise NotImplementedError

    def fill_values(self) -> dict[str, Any]:
        return {}

    def required_columns(self) -> dict[str, str]:
        """``{role: column}`` of the input columns the function reads (checked once, before any work)."""
        roles = {"text column": self.text_column, "id column": getattr(self, "id_column", None)}
        return {role: column for role, column in roles.items() if column is not None}

    # -- derived -----------------------------------------------------------------------------
    def model(self) -> Any:
        return get_model(self)

    def output_meta(self, input_meta: pd.DataFrame) -> pd.DataFrame:
        """Empty frame with the output's columns and dtypes: input columns, then result columns."""
        dtypes = {**self.result_dtypes(self.model() if self.dtypes_need_model else None), ERROR_COLUMN: str}
        kept = input_meta.drop(columns=[c for c in dtypes if c in input_meta.columns])
        added = pd.DataFrame({c: pd.Series([], dtype=d) for c, d in dtypes.items()}, index=kept.index[:0])
        return pd.concat([kept.iloc[:0], added], axis=1)


def get_model(spec: FrameFunction) -> Any:
    """The spec's model, loaded at most once in this process (thread-safe)."""
    key = f"{type(spec).__module__}.{type(spec).__qualname__}:{spec.model_key()}"
    with _LOCK:
        if key not in _MODELS:
            _MODELS[key] = spec.load()
            _LOADS[key] += 1
        return _MODELS[key]


def load_counts() -> dict[str, int]:
    """How many times each model was loaded in this process (for tests and diagnostics)."""
    with _LOCK:
        return dict(_LOADS)


def clear_models() -> None:
    with _LOCK:
        _MODELS.clear()
        _LOADS.clear()


def run_frame(spec: FrameFunction, frame: pd.DataFrame) -> pd.DataFrame:
    """Apply ``spec`` to ``frame``: same rows, order and index; result columns typed as declared.

    When the batch raises, it is split in halves until the failing rows are isolated; those rows
    get status ``"error"`` and the message in ``processing_error``. If every row of a batch larger
    than a handful fails, the failure is systematic (a bug or a broken model), not bad data: it is
    raised rather than hidden in millions of error rows.
    """
    model = get_model(spec)
    meta = spec.output_meta(frame.iloc[:0])
    errors: list[str] = []
    # Halves are processed and concatenated in order, so the pieces keep the input's order.
    parts = _apply_isolating(spec, model, frame, errors)
    if len(errors) == len(frame) and len(frame) > 8:
        spec.apply(model, frame)  # re-raise the systematic error with its traceback
    out = pd.concat(parts) if parts else meta.copy()
    out = out.reindex(columns=meta.columns)
    if len(out) != len(frame) or not out.index.equals(frame.index):
        raise RuntimeError(f"{spec.desc}: produced {len(out)} rows for {len(frame)}, or changed their order")
    results = spec.result_dtypes(model)
    for column, dtype in meta.dtypes.items():
        if column not in results and column != ERROR_COLUMN:
            continue  # input columns keep the type they came with
        if out[column].dtype != dtype:
            out[column] = out[column].astype(dtype)
    return out


def _apply_isolating(spec, model, frame, errors) -> list[pd.DataFrame]:
    try:
        out = spec.apply(model, frame)
    except (MemoryError, RecursionError):
        raise  # resources, not one row's bad data
    except Exception as exc:
        if isinstance(exc, InputError) and not isinstance(exc, InputTypeError):
            raise  # configuration (a missing column), not one row's bad data
        if len(frame) == 0:
            raise
        if len(frame) == 1:
            errors.append(f"{type(exc).__name__}: {exc}"[:500])
            row = frame.copy()
            for column, dtype in spec.result_dtypes(model).items():
                row[column] = spec.fill_values().get(column, _fill_for(dtype))
            row[spec.status_column] = ERROR_STATUS
            row[ERROR_COLUMN] = errors[-1]
            return [row]
        half = len(frame) // 2
        return _apply_isolating(spec, model, frame.iloc[:half], errors) + _apply_isolating(
            spec, model, frame.iloc[half:], errors
        )
    # Outside the try: a function that drops or adds rows is a bug to report, never bad data to isolate.
    if len(out) != len(frame):
        raise RuntimeError(f"{spec.desc}: returned {len(out)} rows for {len(frame)}")
    out = out.copy()
    out[ERROR_COLUMN] = ""
    return [out]


def _fill_for(dtype) -> Any:
    kind = "O" if dtype is str or isinstance(dtype, pd.api.extensions.ExtensionDtype) else np.dtype(dtype).kind
    if kind == "f":
        return np.nan
    if kind in "iu":
        return -1
    if kind == "b":
        return False
    return ""
