"""Scale-out: the same triage, categorisation and theme assignment on files larger than memory (streaming, resumable) and
on Dask DataFrames (local cluster or an existing scheduler), with every row accounted for.

Dask is optional (``pip install 'complaint-insight[dask]'``); it is imported only by ``scale.dask``.
"""
from complaint_insight.scale.frame_function import ERROR_COLUMN, ERROR_STATUS, FrameFunction, run_frame
from complaint_insight.scale.functions import CategoriseFunction, ThemeAssignFunction, TriageFunction
from complaint_insight.scale.streaming import DaskExecutor, LocalExecutor, RunSummary, stream_table

__all__ = [
    "ERROR_COLUMN",
    "ERROR_STATUS",
    "CategoriseFunction",
    "DaskExecutor",
    "FrameFunction",
    "LocalExecutor",
    "RunSummary",
    "ThemeAssignFunction",
    "TriageFunction",
    "run_frame",
    "stream_table",
]
