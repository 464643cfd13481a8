"""Throughput and peak memory of streaming triage: in-process, with local worker processes (what
``complaint-insight triage --jobs N`` runs; engine ``parallel``) and on a local Dask cluster.

    COMPLAINT_INSIGHT_DATASETS=/path/to/shared/datasets \\
    python benchmarks/scale_benchmark.py --rows 1000000 --jobs passthrough,triage-norisk,triage \\
        --engines stream,dask --risk-rows 2000 [--formats csv,parquet]

The input is built in a temporary folder (never in the repository) from the real corpora: the
texts of NHS FFT, xfincorp and cesamard (``complaint_insight.datasets.load_corpus``, about 15k
distinct texts) are shuffled (seed 0) and cycled, each pass in a new shuffled order, until there are
``--rows`` rows; each row gets ``row_id`` (its number) and ``corpus``. Texts are not altered. The
table is written as CSV or Parquet (``--formats``), and each run writes its output in the same format.

Each run is a child process (``_child``) timed from start to end, model loading included; peak
memory is sampled every 0.1 s over the child and all its descendants (the Dask scheduler, nanny and
worker processes): "peak total" is the largest sum of their resident set sizes at one moment. The
same sampling sums their CPU time (user + system).

Before each run, ``host_check`` times two processes running a fixed pure-Python loop (2.1-2.2 s
on a quiet host here, up to 3.2 s when the virtual machine's host is busy): this figure says how
fast the two cores were during that run.

Jobs: ``triage`` (the full CLI pipeline), ``triage-norisk`` (the same with the risk layer replaced
by a no-op, to separate the engine from the risk layer's speed), ``passthrough`` (no model: reads,
counts, writes; the engine's own ceiling).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from complaint_insight.scale.frame_function import FrameFunction
from complaint_insight.scale.functions import TriageFunction

WORK = Path(tempfile.gettempdir()) / "complaint_insight_scale_bench"


# -- jobs -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NoRiskTriageFunction(TriageFunction):
    """Triage with the risk layer replaced by a no-op (no red flags, severity 0)."""

    desc = "triage-norisk"

    def load(self):
        from complaint_insight.datasets import INTENSITY_LEVELS
        from complaint_insight.triage.risk import RiskFinding

        triager = super().load()
        uniform = np.full(len(INTENSITY_LEVELS), 1 / len(INTENSITY_LEVELS))
        triager.risk.assess = lambda texts, words=None: [RiskFinding([], 0, uniform) for _ in texts]
        return triager


@dataclass(frozen=True)
class PassthroughFunction(FrameFunction):
    """No model: text length and a status, so only reading, shipping and writing are timed."""

    text_column: str = "text"
    desc = "passthrough"
    status_column = "status"
    dtypes_need_model = False

    def model_key(self) -> str:
        return "passthrough"

    def load(self):
        return None

    def apply(self, model, frame):
        out = frame.copy()
        out["n_chars"] = frame[self.text_column].str.len().fillna(0).astype("int64")
        out["status"] = "ok"
        return out

    def result_dtypes(self, model):
        return {"n_chars": "int64", "status": str}


JOBS = {"triage": TriageFunction, "triage-norisk": NoRiskTriageFunction, "passthrough": PassthroughFunction}


# -- input ------------------------------------------------------------------------------------------
def build_input(rows: int, fmt: str = "csv") -> Path:
    from complaint_insight.datasets import load_corpus

    path = WORK / f"input_{rows}.{fmt}"
    if path.is_file():
        return path
    WORK.mkdir(parents=True, exist_ok=True)
    corpora = pd.concat([load_corpus(n)[["text", "corpus"]] for n in ("nhs_fft", "xfincorp", "cesamard")],
                        ignore_index=True)
    rng = np.random.default_rng(0)
    order = np.concatenate([rng.permutation(len(corpora)) for _ in range(-(-rows // len(corpora)))])[:rows]
    frame = corpora.iloc[order].reset_index(drop=True)
    frame.insert(0, "row_id", np.arange(rows))
    tmp = path.with_suffix(f".tmp.{fmt}")
    if fmt == "parquet":
        frame.to_parquet(tmp, index=False)
    else:
        frame.to_csv(tmp, index=False)
    os.replace(tmp, path)
    return path


# -- host speed -------------------------------------------------------------------------------------
def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


def host_check() -> float:
    """Seconds for two processes to run a fixed pure-Python loop each (2.1-2.2 s on a quiet host here).

    The virtual machine's host speed varies within an afternoon; this figure, taken just before
    each run, shows how fast the two cores were, so runs at different times can be compared.
    """
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        started = time.perf_counter()
        list(pool.map(_spin, [60_000_000, 60_000_000]))
        return round(time.perf_counter() - started, 2)


# -- one timed run -------------------------------------------------------------------------------
def child(args) -> None:
    from complaint_insight.scale.streaming import DaskExecutor, ParallelExecutor, stream_table

    spec = JOBS[args.job](text_column="text")
    marks: list[tuple[float, int]] = []  # (time, rows done) after each chunk: steady-state speed without start-up

    def on_chunk(index, result):
        marks.append((time.perf_counter(), (marks[-1][1] if marks else 0) + len(result)))

    options = {"chunk_size": args.chunk_size, "progress": False, "on_chunk": on_chunk}
    if args.engine == "dask":
        from complaint_insight.scale.dask import dask_client

        with dask_client(workers=args.workers) as client:
            summary = stream_table(spec, args.input, args.output, executor=DaskExecutor(client), **options)
    elif args.engine == "parallel":  # what `complaint-insight triage --jobs N` runs: local worker processes
        summary = stream_table(spec, args.input, args.output, executor=ParallelExecutor(args.workers), **options)
    else:
        summary = stream_table(spec, args.input, args.output, **options)
    steady = None
    if len(marks) > 1:  # from the first chunk's end (models loaded, cluster up) to the last
        steady = (marks[-1][1] - marks[0][1]) / (marks[-1][0] - marks[0][0])
    print(json.dumps({**summary.model_dump(), "steady_rows_per_s": steady}))


def timed(job: str, engine: str, input: Path, rows: int, chunk_size: int, workers: int) -> dict:
    import psutil

    fmt = input.suffix.lstrip(".")
    output = WORK / f"out_{job}_{engine}_{rows}.{fmt}"
    command = [sys.executable, __file__, "_child", "--job", job, "--engine", engine, "--input", str(input),
               "--output", str(output), "--chunk-size", str(chunk_size), "--workers", str(workers)]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}
    host = host_check()
    clock = time.strftime("%H:%M")
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    root = psutil.Process(proc.pid)
    peak_total = peak_single = 0
    cpu: dict[int, float] = {}  # last CPU seconds seen per process of the tree (a process's last 0.1 s may be missed)
    while proc.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            sizes = []
            for p in tree:
                try:
                    sizes.append(p.memory_info().rss)
                    times = p.cpu_times()
                    cpu[p.pid] = times.user + times.system
                except psutil.Error:
                    pass
            peak_total, peak_single = max(peak_total, sum(sizes)), max(peak_single, max(sizes, default=0))
        except psutil.Error:
            pass
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"{job}/{engine} failed:\n{err[-3000:]}")
    summary = json.loads(out.strip().splitlines()[-1])
    output.unlink(missing_ok=True)
    return {"job": job, "format": fmt, "engine": {"stream": "stream", "parallel": f"stream + {workers} local processes"}.get(engine, f"dask ({workers} workers)"), "rows": rows,
            "rows_out": summary["rows_out"], "by_status": summary["by_status"], "seconds": round(seconds, 1),
            "rows_per_s": round(rows / seconds),
            "steady_rows_per_s": None if summary["steady_rows_per_s"] is None else round(summary["steady_rows_per_s"]),
            "peak_total_mb": round(peak_total / 2**20),
            "peak_process_mb": round(peak_single / 2**20), "started": clock, "host_check_s": host,
            "cpu_ms_per_1000": round(sum(cpu.values()) / rows * 1e6, 1)}


def markdown(results: list[dict], args) -> str:
    lines = [
        "| started | host check (s) | job | format (in and out) | engine | rows | rows out | seconds (all) | rows/s (all) | rows/s (after 1st chunk) | CPU ms per 1,000 rows, all processes | peak total MB | peak one process MB |",
        "|---|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(f"| {r.get('started', '-')} | {r.get('host_check_s', '-')} | {r['job']} | {r.get('format', 'csv')} | {r['engine']} | {r['rows']:,} | {r['rows_out']:,} | {r['seconds']} | "
                     f"{r['rows_per_s']:,} | {r['steady_rows_per_s'] or '-'} | {r.get('cpu_ms_per_1000', '-')} | {r['peak_total_mb']:,} | {r['peak_process_mb']:,} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd")
    c = sub.add_parser("_child")
    c.add_argument("--job", choices=JOBS, required=True)
    c.add_argument("--engine", choices=("stream", "parallel", "dask"), required=True)
    c.add_argument("--input", required=True)
    c.add_argument("--output", required=True)
    c.add_argument("--chunk-size", type=int, default=20_000)
    c.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows for passthrough and triage-norisk")
    parser.add_argument("--risk-rows", type=int, default=2_000, help="rows for the full triage (risk layer included)")
    parser.add_argument("--jobs", default="passthrough,triage-norisk,triage")
    parser.add_argument("--engines", default="stream,dask")
    parser.add_argument("--chunk-size", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--formats", default="csv", help="comma-separated: csv, parquet (input and output)")
    parser.add_argument("--json", default=None, help="append results as JSON lines to this file")
    args = parser.parse_args()
    if args.cmd == "_child":
        child(args)
        return
    results = []
    for job, fmt in [(j, f) for j in args.jobs.split(",") for f in args.formats.split(",")]:
        rows = args.risk_rows if job == "triage" else args.rows
        source = build_input(rows, fmt)
        for engine in args.engines.split(","):
            # The slow full triage runs on few rows: smaller chunks so that both Dask workers get work.
            chunk_size = min(args.chunk_size, max(1, rows // 8)) if job == "triage" else args.chunk_size
            result = timed(job, engine, source, rows, chunk_size, args.workers)
            print(json.dumps(result), flush=True)
            if args.json:
                with open(args.json, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(result) + "\n")
            results.append(result)
    print(markdown(results, args))


if __name__ == "__main__":
    main()
