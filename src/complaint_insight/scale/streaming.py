"""Stream a table from disk through a frame function, chunk by chunk, with bounded memory.

Memory holds one chunk being read plus the chunks in flight (one in-process; ``window`` on a Dask
cluster), whatever the size of the file. Rows are counted in and out, by status, and checked at the
end. With ``resume=True`` finished chunks go to ``OUTPUT.partial/`` and an interrupted run, started
again with the same command, redoes only the unfinished chunks (see ``checkpoint``).
"""
from __future__ import annotations

import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel

from complaint_insight.errors import InputError
from complaint_insight.io import TableWriter, iter_table, table_format
from complaint_insight.scale.checkpoint import Checkpoint
from complaint_insight.scale.frame_function import FrameFunction, run_frame


class RunSummary(BaseModel):
    """What a run read and wrote: the counts a user checks before trusting the output."""

    desc: str
    output: str
    rows_in: int
    rows_out: int
    by_status: dict[str, int]
    chunks: int
    chunks_resumed: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(self.by_status.items(), key=lambda kv: -kv[1]))
        resumed = f"; {self.chunks_resumed} of {self.chunks} chunks from the checkpoint" if self.chunks_resumed else ""
        return (f"{self.desc}: {self.rows_in} rows in, {self.rows_out} rows out ({statuses or 'none'}){resumed}"
                f" -> {self.output}")


class LocalExecutor:
    """Runs each chunk in this process, one after another."""

    def map(self, spec: FrameFunction, chunks: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for chunk in chunks:
            yield run_frame(spec, chunk)


class ParallelExecutor:
    """Runs pieces of each chunk in local worker processes (joblib's reusable pool) while this process
    reads and writes; yields each chunk's result in input order.

    Each worker loads the spec's model once (``frame_function.get_model``) and keeps it between
    pieces. Pieces are at most ``task_rows`` rows, which bounds a worker's memory. A small input (one
    chunk under ``2 * task_rows`` rows) stays in this process: starting workers would cost more.
    """

    def __init__(self, jobs: int = -1, task_rows: int = 5_000):
        import os

        self.workers = (os.cpu_count() or 1) if jobs < 0 else max(1, jobs)
        self.task_rows = max(1, task_rows)

    def map(self, spec: FrameFunction, chunks: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        import itertools

        chunks = iter(chunks)
        head = list(itertools.islice(chunks, 2))
        if self.workers == 1 or (len(head) < 2 and sum(map(len, head)) < 2 * self.task_rows):
            yield from LocalExecutor().map(spec, itertools.chain(head, chunks))
            return
        from joblib import Parallel, delayed

        pending: deque = deque()  # chunks read, with how many pieces each was cut into

        def pieces():
            for chunk in itertools.chain(head, chunks):
                bounds = list(range(0, len(chunk), self.task_rows)) + [len(chunk)]
                pending.append(max(1, len(bounds) - 1))
                if len(chunk) == 0:
                    yield chunk
                for a, b in zip(bounds, bounds[1:]):
                    yield chunk.iloc[a:b]

        # return_as="generator": results come back in order while later pieces are computed, and at
        # most pre_dispatch pieces are read ahead, so memory stays bounded.
        results = Parallel(n_jobs=self.workers, return_as="generator", pre_dispatch="3*n_jobs")(
            delayed(run_frame)(spec, piece) for piece in pieces()
        )
        for first in results:
            count = pending.popleft()
            parts = [first] + [next(results) for _ in range(count - 1)]
            yield parts[0] if count == 1 else pd.concat(parts)


class DaskExecutor:
    """Runs chunks on a Dask cluster, at most ``window`` at a time, and yields results in input order.

    The spec travels with each task (a few hundred bytes); each worker loads its model once.
    """

    def __init__(self, client, window: int | None = None):
        self.client = client
        threads = max(1, sum(client.nthreads().values()))  # all workers (scheduler_info lists only a few)
        self.window = window or 2 * threads  # each worker thread busy, one chunk queued behind it

    def map(self, spec: FrameFunction, chunks: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(self.client.submit(run_frame, spec, chunk, pure=False))
            if len(pending) >= self.window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def stream_table(
    spec: FrameFunction,
    input: str | Path,
    output: str | Path,
    *,
    chunk_size: int = 20_000,
    executor: LocalExecutor | ParallelExecutor | DaskExecutor | None = None,
    resume: bool = False,
    progress: bool = True,
    csv_formula_guard: bool = True,
    on_chunk: Callable[[int, pd.DataFrame], Any] | None = None,
) -> RunSummary:
    """Run ``spec`` over every row of ``input`` into ``output`` (the spec names the columns it reads);
    return the checked counts.

    ``on_chunk(index, result)`` is called after each chunk is written (progress hooks, tests).
    """
    from tqdm import tqdm

    started = time.perf_counter()
    input, output = Path(input), Path(output)
    table_format(input)
    table_format(output)
    if not input.is_file():
        raise InputError(f"{input}: file not found")
    if input.resolve() == output.resolve():
        raise InputError("OUTPUT must be a different file from INPUT")
    if chunk_size < 1:
        raise InputError("--chunk-size must be at least 1")
    if not output.parent.is_dir():
        raise InputError(f"{output}: folder {output.parent} does not exist")
    executor = executor or LocalExecutor()
    checkpoint = Checkpoint.open(input, output, chunk_size=chunk_size, job=repr(spec)) if resume else None

    counts = {"in": 0, "out": 0, "chunks": 0, "resumed": 0}
    by_status: Counter = Counter()
    bar = tqdm(total=_count_rows(input), unit="rows", desc=spec.desc, file=sys.stderr, disable=not progress,
               mininterval=0.5, leave=False)

    def todo() -> Iterator[pd.DataFrame]:
        # Finished chunks are still parsed (CSV cannot be skipped into) but not processed again.
        for index, chunk in enumerate(_chunks(input, chunk_size, spec.required_columns())):
            counts["in"] += len(chunk)
            counts["chunks"] += 1
            if checkpoint is not None and checkpoint.is_done(index):
                done = checkpoint.record(index)
                if done["rows_in"] != len(chunk):
                    raise InputError(f"cannot resume: chunk {index} has {len(chunk)} rows now, {done['rows_in']} before")
                counts["out"] += done["rows_out"]
                by_status.update(done["by_status"])
                counts["resumed"] += 1
                bar.update(len(chunk))
                continue
            chunk.attrs["chunk_index"] = index
            yield chunk

    def finish(result: pd.DataFrame, index: int, rows_in: int) -> None:
        if len(result) != rows_in:
            raise RuntimeError(f"{spec.desc}: chunk {index} gave {len(result)} rows for {rows_in}")
        statuses = result[spec.status_column].astype(str).value_counts().to_dict()
        by_status.update(statuses)
        counts["out"] += len(result)
        if checkpoint is not None:
            checkpoint.write_chunk(index, result, rows_in=rows_in, by_status=statuses,
                                   csv_formula_guard=csv_formula_guard)
        else:
            writer.write(result)
        bar.update(rows_in)
        if on_chunk is not None:
            on_chunk(index, result)

    # Results come back in input order; their chunk index and size are remembered on the way out.
    submitted: deque = deque()

    def remembering(chunks: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for chunk in chunks:
            submitted.append((chunk.attrs.pop("chunk_index"), len(chunk)))
            yield chunk

    try:
        if checkpoint is None:
            writer = TableWriter(output, csv_formula_guard=csv_formula_guard).__enter__()
        try:
            for result in executor.map(spec, remembering(todo())):
                index, rows_in = submitted.popleft()
                finish(result, index, rows_in)
        finally:
            if checkpoint is None:
                writer.close()
        if checkpoint is not None:
            if counts["chunks"] == 0:
                TableWriter(output).close()  # an empty input gives an empty output
                import shutil

                shutil.rmtree(checkpoint.folder)
            else:
                checkpoint.assemble(counts["chunks"])
    finally:
        bar.close()

    summary = RunSummary(desc=spec.desc, output=str(output), rows_in=counts["in"], rows_out=counts["out"],
                         by_status=dict(by_status), chunks=counts["chunks"], chunks_resumed=counts["resumed"],
                         seconds=round(time.perf_counter() - started, 3))
    if summary.rows_out != summary.rows_in or sum(summary.by_status.values()) != summary.rows_in:
        raise RuntimeError(f"row counts do not add up: {summary.line()}")
    return summary


def _chunks(path: Path, chunk_size: int, required: dict[str, str]) -> Iterator[pd.DataFrame]:
    first = True
    for chunk in iter_table(path, chunksize=chunk_size):
        if first:
            for role, column in required.items():
                if column not in chunk.columns:
                    raise InputError(f"{path}: {role} {column!r} not found; columns are: "
                                     + ", ".join(map(str, chunk.columns)))
            first = False
        yield chunk


def _count_rows(path: Path) -> int | None:
    from complaint_insight.commands._common import count_rows

    return count_rows(str(path))
