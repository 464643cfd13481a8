"""Triage speed and memory with the shipped default models.

    python benchmarks/triage_speed.py [--rows 100000] [--jobs 2]

Reports, on this machine:
- cold start: seconds from a fresh ``python -c "import complaint_insight ..."`` to the first result
  (median of 5 runs, each a new process);
- single-text latency: p50 / p99 over 2,000 calls of ``Triager.assess``;
- batch throughput: texts/s for ``Triager.assess_many`` and ``assess_frame`` on ``--rows`` texts,
  in one process and with ``--jobs`` worker processes;
- peak resident memory of the batch run (ru_maxrss of this process and its children).

Texts: the shared corpora (NHS FFT, X-FINCORP, CESAMARD) when present, repeated to ``--rows``;
otherwise the authored examples in training_data/, repeated.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def texts_for(rows: int) -> tuple[list[str], str]:
    from complaint_insight.datasets import CORPORA, have_shared_datasets, load_authored, load_corpus

    if have_shared_datasets():
        pool = [t for name in CORPORA for t in load_corpus(name)["text"].tolist()]
        source = "shared corpora (NHS FFT, X-FINCORP, CESAMARD)"
    else:
        pool = load_authored("complaints")["text"].tolist()
        source = "authored examples"
    reps = rows // len(pool) + 1
    return (pool * reps)[:rows], source


def cold_start(runs: int = 5) -> float:
    code = (
        "import time; t=time.perf_counter(); from complaint_insight import triage; "
        "triage('The receptionist was rude and I waited two hours'); print(time.perf_counter()-t)"
    )
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    import pandas as pd

    from complaint_insight.triage import Triager

    texts, source = texts_for(args.rows)
    mean_chars = sum(map(len, texts)) / len(texts)
    start_s = cold_start()

    triager = Triager()
    triager.assess_many(texts[:500])  # warm caches
    latencies = []
    for text in texts[:2000]:
        t = time.perf_counter()
        triager.assess(text)
        latencies.append((time.perf_counter() - t) * 1000)
    latencies.sort()
    p50, p99 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)]

    def rate(fn) -> float:
        t = time.perf_counter()
        fn()
        return len(texts) / (time.perf_counter() - t)

    serial_many = rate(lambda: triager.assess_many(texts))
    frame = pd.DataFrame({"text": texts})
    serial_frame = rate(lambda: triager.assess_frame(frame))
    parallel = Triager(n_jobs=args.jobs)
    parallel.assess_many(texts[: Triager.MIN_ROWS_PER_JOB * args.jobs])  # start the workers
    parallel_many = rate(lambda: parallel.assess_many(texts))
    parallel_frame = rate(lambda: parallel.assess_frame(frame))

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"# Triage speed ({platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()})")
    print(f"texts: {len(texts):,} from {source}, mean {mean_chars:.0f} characters")
    print(f"cold start, import to first result (median of 5 processes): {start_s:.2f} s")
    print(f"single-text latency Triager.assess: p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    print(f"batch assess_many, 1 process: {serial_many:,.0f} texts/s")
    print(f"batch assess_frame, 1 process: {serial_frame:,.0f} texts/s")
    print(f"batch assess_many, {args.jobs} processes: {parallel_many:,.0f} texts/s")
    print(f"batch assess_frame, {args.jobs} processes: {parallel_frame:,.0f} texts/s")
    print(f"peak RSS: main process {own:,.0f} MiB, largest worker {children:,.0f} MiB")


if __name__ == "__main__":
    main()
