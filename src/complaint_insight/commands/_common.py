"""Pieces shared by the table-processing sub-commands."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pandas as pd

from complaint_insight.errors import InputError
from complaint_insight.io import table_format


def add_io_arguments(parser, *, id_column: bool = True) -> None:
    parser.add_argument("input", metavar="INPUT", help="CSV, TSV, Parquet or JSON Lines file")
    parser.add_argument("-o", "--output", required=True, metavar="OUTPUT", help="output file; format from extension")
    parser.add_argument("--text-column", default="text", help="column holding the feedback text (default: text)")
    if id_column:
        parser.add_argument("--id-column", default=None, help="column holding row ids (kept; named in errors)")
    parser.add_argument("--chunk-size", type=int, default=20_000, help="rows processed at a time (default 20000)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument(
        "--no-formula-guard",
        action="store_true",
        help="write CSV cells starting with = + - @ as they are (default: prefix a ' so spreadsheets do not run them)",
    )


def check_paths(args) -> None:
    table_format(args.input)
    table_format(args.output)
    if not Path(args.input).is_file():
        raise InputError(f"{args.input}: file not found")
    if Path(args.input).resolve() == Path(args.output).resolve():
        raise InputError("OUTPUT must be a different file from INPUT")
    if args.chunk_size < 1:
        raise InputError("--chunk-size must be at least 1")


def require_columns(frame: pd.DataFrame, path: str, **columns: str | None) -> None:
    for role, column in columns.items():
        if column is not None and column not in frame.columns:
            raise InputError(
                f"{path}: {role.replace('_', ' ')} {column!r} not found; columns are: "
                + ", ".join(map(str, frame.columns))
            )


def parse_date_option(value: str | None, option: str) -> dt.date | None:
    """An ISO date given on the command line, or None; a bad value is a one-line user error."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option} must be a date like 2024-04-01, got {value!r}") from None


def count_rows(path: str) -> int | None:
    """Cheap row count for the progress bar (Parquet metadata, or line count), or None."""
    fmt = table_format(path)
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            return pq.ParquetFile(path).metadata.num_rows
        if fmt == "jsonl":
            with open(path, "rb") as fh:
                return sum(1 for line in fh if line.strip())
    except Exception:
        return None
    return None  # CSV rows can span lines; the bar then counts up without a total


def add_engine_arguments(parser) -> None:
    """Options of the scale engines (``complaint_insight.scale``): resume, Dask local or remote."""
    parser.add_argument("--resume", action="store_true",
                        help="keep finished chunks in OUTPUT.partial/ so that running the same command again after "
                        "an interruption redoes only the unfinished ones")
    parser.add_argument("--engine", choices=("stream", "dask"), default="stream",
                        help="stream: chunks in this process (default); dask: chunks on a Dask cluster "
                        "(needs the 'dask' extra)")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="with --engine dask: worker processes of the local cluster (default 2)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="with --engine dask: an existing scheduler (e.g. tcp://host:8786) instead of a local cluster")
    parser.add_argument("--jobs", type=int, default=1,
                        help="with --engine stream: worker processes (-1: all cores; 1: this process only)")


def run_spec(args, spec, *, task_rows: int = 5_000) -> int:
    """Stream INPUT through a frame function into OUTPUT on the chosen engine; print the counts."""
    from complaint_insight.scale.streaming import DaskExecutor, ParallelExecutor, stream_table

    if args.engine != "dask" and (args.workers is not None or args.scheduler is not None):
        raise InputError("--workers and --scheduler need --engine dask")
    if args.workers is not None and args.scheduler is not None:
        raise InputError("--workers and --scheduler exclude each other (the scheduler's cluster has its own workers)")
    if args.workers is not None and args.workers < 1:
        raise InputError("--workers must be at least 1")
    jobs = getattr(args, "jobs", 1)
    if jobs == 0 or jobs < -1:
        raise InputError("--jobs must be -1 (all cores) or at least 1")
    options = {"chunk_size": args.chunk_size, "resume": args.resume, "progress": not args.quiet,
               "csv_formula_guard": not args.no_formula_guard}
    check_paths(args)
    if args.engine == "dask":
        from complaint_insight.scale.dask import dask_client

        with dask_client(workers=args.workers, scheduler=args.scheduler) as client:
            summary = stream_table(spec, args.input, args.output, executor=DaskExecutor(client), **options)
    elif jobs != 1:
        summary = stream_table(spec, args.input, args.output, executor=ParallelExecutor(jobs, task_rows), **options)
    else:
        summary = stream_table(spec, args.input, args.output, **options)
    if not args.quiet:
        print(summary.line(), file=sys.stderr)
    return summary.rows_out
