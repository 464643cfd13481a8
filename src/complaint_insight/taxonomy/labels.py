"""Labelled rows in the forms people have them → one indicator matrix over a taxonomy's categories.

Accepted forms, one entry per text:
- a list/tuple/set of category ids (``["quality", "safety"]``; ``[]`` = none of them);
- a dict ``{category_id: severity}`` (HCAT style: present with severity 1-3; 0 = absent);
- an ``(n, k)`` 0/1 array in the order of ``taxonomy.predicted_ids``;
- a DataFrame whose columns are category ids; categories without a column are *unlabelled*
  (not negative), so a partly labelled set only trains the categories it covers.

Ids of sub-categories roll up to the predicted category they belong to.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from complaint_insight.errors import InputError
from complaint_insight.taxonomy.schema import Taxonomy


@dataclass
class LabelMatrix:
    Y: np.ndarray  # (n, k) 0/1
    labelled: np.ndarray  # (k,) bool: which categories the labels cover
    severity: np.ndarray | None  # (n, k) int 0-3, or None when no severities were given


def label_matrix(taxonomy: Taxonomy, labels, n_rows: int) -> LabelMatrix:
    ids = taxonomy.predicted_ids
    index = {cid: j for j, cid in enumerate(ids)}
    k = len(ids)
    if isinstance(labels, pd.DataFrame):
        return _from_frame(taxonomy, labels, n_rows)
    if hasattr(labels, "shape") and len(getattr(labels, "shape", ())) == 2:
        Y = np.asarray(labels)
        if Y.shape != (n_rows, k):
            raise InputError(f"label matrix has shape {Y.shape}; expected ({n_rows}, {k}) in taxonomy order")
        if not np.isin(Y, (0, 1)).all():
            raise InputError("label matrix must hold only 0 and 1")
        return LabelMatrix(Y.astype(np.int8), np.ones(k, bool), None)
    rows = list(labels)
    if len(rows) != n_rows:
        raise InputError(f"got {n_rows} texts but {len(rows)} label rows")
    Y = np.zeros((n_rows, k), dtype=np.int8)
    severity = None
    for i, row in enumerate(rows):
        if isinstance(row, str):
            raise InputError(f"row {i}: labels must be a list of category ids, not a single string {row!r}")
        if isinstance(row, Mapping):
            if severity is None:
                severity = np.zeros((n_rows, k), dtype=np.int8)
            items = list(row.items())
        else:
            items = [(cid, None) for cid in row]
        for cid, level in items:
            j = index.get(_rolled_up(taxonomy, cid, i))
            if j is None:
                continue
            if level is None:
                Y[i, j] = 1
                continue
            try:
                level = int(level)
            except (TypeError, ValueError):
                raise InputError(f"row {i}: severity of {cid!r} must be an integer 0-3, got {level!r}") from None
            if not 0 <= level <= 3:
                raise InputError(f"row {i}: severity of {cid!r} must be 0-3, got {level}")
            if level > 0:
                Y[i, j] = 1
                severity[i, j] = max(severity[i, j], level)
    return LabelMatrix(Y, np.ones(k, bool), severity)


def _rolled_up(taxonomy: Taxonomy, cid, row: int) -> str | None:
    if cid not in taxonomy.by_id:
        raise InputError(
            f"row {row}: unknown category {cid!r} for taxonomy {taxonomy.id!r}; "
            f"categories are: {', '.join(taxonomy.predicted_ids)}"
        )
    return taxonomy.rollup(cid)


def _from_frame(taxonomy: Taxonomy, frame: pd.DataFrame, n_rows: int) -> LabelMatrix:
    if len(frame) != n_rows:
        raise InputError(f"got {n_rows} texts but {len(frame)} label rows")
    unknown = [c for c in frame.columns if c not in taxonomy.by_id]
    if unknown:
        raise InputError(f"label columns {unknown} are not categories of taxonomy {taxonomy.id!r}")
    ids = taxonomy.predicted_ids
    Y = np.zeros((n_rows, len(ids)), dtype=np.int8)
    labelled = np.zeros(len(ids), bool)
    for column in frame.columns:
        target = taxonomy.rollup(column)
        if target is None:
            continue
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy()
        if np.isnan(values).any() or not np.isin(values, (0, 1)).all():
            raise InputError(f"label column {column!r} must hold only 0 and 1")
        j = ids.index(target)
        Y[:, j] |= values.astype(np.int8)
        labelled[j] = True
    return LabelMatrix(Y, labelled, None)
