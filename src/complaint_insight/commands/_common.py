"""Pieces shared by the table-processing sub-commands."""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

from complaint_insight.errors import InputError
from complaint_insight.io import TableWriter, iter_table, table_format


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


def process_table(args, transform: Callable[[pd.DataFrame], pd.DataFrame], *, desc: str, jobs: int = 1,
                  task_rows: int = 5_000) -> int:
    """Stream INPUT through ``transform`` chunk by chunk into OUTPUT; return the row count.

    With ``jobs`` > 1 (``-1``: all cores), pieces of ``task_rows`` rows are transformed in worker
    processes while this one reads and writes; each chunk is reassembled in order before it is written.
    """
    from tqdm import tqdm

    check_paths(args)
    total = count_rows(args.input)
    bar = tqdm(total=total, unit="rows", desc=desc, file=sys.stderr, disable=args.quiet, mininterval=0.5, leave=False)
    rows = 0
    with TableWriter(args.output, csv_formula_guard=not args.no_formula_guard) as writer:
        for chunk, out in _transformed(_chunks(args), transform, jobs, task_rows):
            if len(out) != len(chunk):  # never silently drop or add rows
                raise RuntimeError(f"transform returned {len(out)} rows for {len(chunk)}")
            writer.write(out)
            rows += len(chunk)
            bar.update(len(chunk))
    bar.close()
    if not args.quiet:
        print(f"{desc}: {rows} rows -> {args.output}", file=sys.stderr)
    return rows


def _transformed(chunks: Iterator[pd.DataFrame], transform, jobs: int, task_rows: int):
    """(chunk, transform(chunk)) pairs, in order; in worker processes when ``jobs`` allows and it pays."""
    import itertools
    import os

    workers = (os.cpu_count() or 1) if jobs < 0 else max(1, jobs)
    chunks = iter(chunks)
    head = list(itertools.islice(chunks, 2))
    if workers == 1 or (len(head) < 2 and sum(map(len, head)) < 2 * task_rows):
        for chunk in itertools.chain(head, chunks):  # small input: starting workers would cost more than it saves
            yield chunk, transform(chunk)
        return
    from collections import deque

    from joblib import Parallel, delayed

    pending: deque = deque()  # chunks read, with how many pieces each was cut into

    def pieces():
        for chunk in itertools.chain(head, chunks):
            bounds = list(range(0, len(chunk), task_rows)) + [len(chunk)]
            pending.append((chunk, max(1, len(bounds) - 1)))
            if len(chunk) == 0:
                yield chunk
            for a, b in zip(bounds, bounds[1:]):
                yield chunk.iloc[a:b]

    # return_as="generator": results come back in order while later pieces are still being computed,
    # and at most pre_dispatch pieces are read ahead, so memory stays bounded.
    results = Parallel(n_jobs=workers, return_as="generator", pre_dispatch="3*n_jobs")(
        delayed(transform)(piece) for piece in pieces()
    )
    for first in results:
        chunk, count = pending.popleft()
        parts = [first] + [next(results) for _ in range(count - 1)]
        yield chunk, (parts[0] if count == 1 else pd.concat(parts))


def _chunks(args) -> Iterator[pd.DataFrame]:
    first = True
    for chunk in iter_table(args.input, chunksize=args.chunk_size):
        if first:
            require_columns(chunk, args.input, text_column=args.text_column, id_column=getattr(args, "id_column", None))
            first = False
        yield chunk
