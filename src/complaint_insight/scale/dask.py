"""Triage, categorisation and theme assignment of a Dask DataFrame: ``map_partitions`` with explicit meta, model per worker.

Each task carries only the frame function (paths and options, a few hundred bytes); a worker process
loads the model the first time it runs one of the spec's partitions and keeps it for all others
(``frame_function.get_model``). Partitions keep their rows, order and index; rows whose text cannot
be processed carry status ``"error"`` and a ``processing_error`` message.

When the result is written as partitioned files, keep each row's place with ``row_number_column``
(costs one extra pass to count rows per partition).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from complaint_insight.scale.frame_function import FrameFunction, run_frame
from complaint_insight.scale.functions import CategoriseFunction, ThemeAssignFunction, TriageFunction


#: Dask settings for a local cluster started by :func:`dask_client` (an existing scheduler keeps its own).
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "2s",
}


def map_frame(ddf, spec: FrameFunction, *, row_number_column: str | None = None):
    """Apply any frame function to every partition of ``ddf`` (lazy; returns a Dask DataFrame)."""
    _require_dask()
    for role, column in spec.required_columns().items():
        if column not in ddf.columns:
            from complaint_insight.errors import InputError

            raise InputError(f"{role} {column!r} not found; columns are: {', '.join(map(str, ddf.columns))}")
    if row_number_column is not None:
        ddf = add_row_numbers(ddf, row_number_column)
    meta = spec.output_meta(ddf._meta)
    return ddf.map_partitions(run_frame_typed, spec, meta, meta=meta)


def run_frame_typed(frame: pd.DataFrame, spec: FrameFunction, meta: pd.DataFrame) -> pd.DataFrame:
    """``run_frame`` for a Dask partition: the columns exactly as ``meta`` promised the graph."""
    out = run_frame(spec, frame)
    return out.astype(meta.dtypes.to_dict()) if not out.dtypes.equals(meta.dtypes) else out


def triage_dask(ddf, text_column: str = "text", id_column: str | None = None, *, model: str | Path | None = None,
                threshold: float | None = None, policy: str | Path | None = None, patterns: str | Path | None = None,
                risk_model: str | Path | None = None, row_number_column: str | None = None):
    """Triage columns for every row of a Dask DataFrame (see ``Triager.assess_frame``)."""
    spec = TriageFunction(text_column=text_column, id_column=id_column, model_path=model, threshold=threshold,
                          policy=policy, patterns=patterns, risk_model=risk_model)
    return map_frame(ddf, spec, row_number_column=row_number_column)


def categorise_dask(ddf, taxonomy: str | Path | None = None, text_column: str = "text", *,
                    id_column: str | None = None, model: str | Path | None = None, zero_shot: bool = False,
                    threshold: float | None = None, severity_column: str | None = None,
                    row_number_column: str | None = None):
    """Category columns for every row of a Dask DataFrame (see ``Categoriser.categorise_frame``).

    The categoriser is loaded once on the client too, to learn its category columns for the meta.
    """
    spec = CategoriseFunction(taxonomy=None if taxonomy is None else str(taxonomy), text_column=text_column,
                              id_column=id_column, model_path=model, zero_shot=zero_shot, threshold=threshold,
                              severity_column=severity_column)
    return map_frame(ddf, spec, row_number_column=row_number_column)


def assign_themes_dask(ddf, model: str | Path, text_column: str = "text", *, id_column: str | None = None,
                       row_number_column: str | None = None):
    """Theme columns for every row of a Dask DataFrame with a saved theme model (see ``ThemeModel.assign``)."""
    spec = ThemeAssignFunction(model_path=str(model), text_column=text_column, id_column=id_column)
    return map_frame(ddf, spec, row_number_column=row_number_column)


def add_row_numbers(ddf, column: str = "row_number"):
    """Add each row's 0-based position in the whole frame (one pass to count partition lengths)."""
    lengths = ddf.map_partitions(len, meta=(None, "int64")).compute()
    offsets = np.concatenate([[0], np.cumsum(list(lengths))[:-1]]).astype("int64").tolist()
    meta = ddf._meta.assign(**{column: pd.Series([], dtype="int64")})
    return ddf.map_partitions(_number_rows, column, offsets, meta=meta)


def _number_rows(frame: pd.DataFrame, column: str, offsets: list[int], partition_info: dict | None = None):
    start = offsets[partition_info["number"]] if partition_info else 0
    return frame.assign(**{column: np.arange(start, start + len(frame), dtype="int64")})


def status_counts(result, status_column: str) -> dict[str, int]:
    """Rows per status in a result (computes it): the check that nothing was lost."""
    counts = result[status_column].astype(str).value_counts().compute()
    return {str(k): int(v) for k, v in counts.items()}


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None) -> Iterator[Any]:
    """A ``distributed.Client``: on an existing scheduler, or on a local cluster of ``workers``
    single-threaded processes (the models hold the GIL, so processes, not threads, give parallelism)."""
    _require_dask()
    from distributed import Client, LocalCluster

    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    import dask

    # A cluster this command starts is its own: without a dashboard, nobody reads the worker
    # profiler's samples or the system monitor, and the 20 ms event-loop tick only feeds warnings.
    # Each woke a busy worker's second thread (the GIL holder then pauses): 8 ms CPU per 1,000 rows.
    with (dask.config.set(LOCAL_CLUSTER_CONFIG),
          LocalCluster(n_workers=workers or 2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster,
          Client(cluster) as client):
        yield client


def _require_dask() -> None:
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        from complaint_insight.errors import InputError

        raise InputError("the Dask engine needs the 'dask' extra: pip install 'complaint-insight[dask]'") from None

