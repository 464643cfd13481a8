"""Triage speed and memory with the shipped default models.

    python benchmarks/triage_speed.py [--rows 100000] [--jobs 2] [--label "under load"] [--src PATH] [--out FILE]

Reports, on this machine (wall time AND CPU time, since a shared machine makes wall time unreliable):
- cold start: seconds from a fresh ``python -c "from complaint_insight import triage; triage(...)"`` to
  the first result, median of 5 new processes, for an ordinary text and for a text with a red flag
  (the first red flag loads spaCy);
- single-text latency: p50 / p99 over 2,000 calls of ``Triager.assess`` on real texts;
- batch throughput on ``--rows`` texts: ``Triager.assess_many`` and ``assess_frame`` in one process and
  with ``--jobs`` worker processes (workers started before timing: a long-lived process pays that
  once), and the CLI ``complaint-insight triage`` on a CSV of those texts with ``--jobs 1`` and
  ``--jobs N`` (process start, model loading, reading and writing included);
- CPU milliseconds per 1,000 texts for each (this process plus its worker processes);
- peak resident memory.

Texts: the shared corpora (NHS FFT, X-FINCORP, CESAMARD) when present, repeated to ``--rows``;
otherwise the authored examples in training_data/, repeated.

``--src PATH`` benchmarks another checkout's ``src`` folder (e.g. main before a change), so before and
after can be measured by the same script on the same machine.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORDINARY = "The receptionist was rude and I waited two hours"
RED_FLAG = "The carer hit my mother and left her in soiled bedding"


def texts_for(rows: int) -> tuple[list[str], str]:
    from complaint_insight.datasets import CORPORA, have_shared_datasets, load_authored, load_corpus

    if have_shared_datasets():
        pool = [t for name in CORPORA for t in load_corpus(name)["text"].tolist()]
        source = f"shared corpora (NHS FFT, X-FINCORP, CESAMARD: {len(pool):,} texts)"
    else:
        pool = load_authored("complaints")["text"].tolist()
        source = f"authored examples ({len(pool):,} texts)"
    reps = rows // len(pool) + 1
    return (pool * reps)[:rows], source


def _env(src: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(src) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def cold_start(src: Path, text: str, runs: int = 5) -> tuple[float, float]:
    """Median wall and CPU seconds from the first import to the first result, each run a new process."""
    code = (
        "import time; t=time.perf_counter(); c=time.process_time(); from complaint_insight import triage; "
        f"triage({text!r}); print(time.perf_counter()-t, time.process_time()-c)"
    )
    walls, cpus = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=_env(src))
        wall, cpu = map(float, out.stdout.strip().splitlines()[-1].split())
        walls.append(wall)
        cpus.append(cpu)
    return statistics.median(walls), statistics.median(cpus)


def _cpu_with_workers() -> float:
    """CPU seconds of this process, of its finished child processes and of its live ones (joblib workers).

    A worker that loky replaces moves from the live count to RUSAGE_CHILDREN once reaped, so its CPU
    time is never lost from the total.
    """
    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = time.process_time() + done.ru_utime + done.ru_stime
    try:
        import psutil
    except ImportError:  # live workers then go uncounted
        return total
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


def _timed(n: int, fn) -> tuple[float, float]:
    """(texts per wall second, CPU ms per 1,000 texts) of one call of ``fn``."""
    cpu, wall = _cpu_with_workers(), time.perf_counter()
    fn()
    wall, cpu = time.perf_counter() - wall, _cpu_with_workers() - cpu
    return n / wall, cpu / n * 1e6


def cli_run(src: Path, path: Path, jobs: int | None, n: int) -> tuple[float, float, float] | None:
    """(texts/s, CPU ms per 1,000 texts, peak RSS MiB of the largest process) of one CLI run, or None."""
    out = path.with_name(f"out-{jobs}.csv")
    cmd = [sys.executable, "-m", "complaint_insight.cli", "triage", str(path), "-o", str(out), "--quiet"]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=_env(src))
    # ru_maxrss of a child would include this (large) process's pages from before exec: poll instead.
    peak = 0.0
    try:
        import psutil

        tree = psutil.Process(process.pid)
        while process.poll() is None:
            try:
                rss = [tree.memory_info().rss] + [c.memory_info().rss for c in tree.children(recursive=True)]
                peak = max(peak, max(rss) / 2**20)
            except psutil.Error:
                pass
            time.sleep(0.2)
    except ImportError:
        pass
    stderr = process.communicate()[1]
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        print(f"CLI {' '.join(cmd[3:])} failed: {stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return n / wall, cpu / n * 1e6, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--label", default="", help='how the machine was, e.g. "under load" (goes in the title)')
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the src folder to benchmark")
    parser.add_argument("--out", type=Path, default=None, help="also write the report to this Markdown file")
    args = parser.parse_args()
    sys.path.insert(0, str(args.src))
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    import pandas as pd

    from complaint_insight.triage import Triager

    texts, source = texts_for(args.rows)
    n = len(texts)
    mean_chars = sum(map(len, texts)) / n
    lines: list[str] = []

    def say(line: str = "") -> None:
        print(line, flush=True)
        lines.append(line)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    title = f"# Triage speed{' (' + args.label + ')' if args.label else ''}"
    say(title)
    say()
    say(f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average at start {load:.1f}; code: `{args.src}`")
    say(f"- texts: {n:,} from {source}, mean {mean_chars:.0f} characters")
    say(f"- command: `python benchmarks/triage_speed.py --rows {args.rows} --jobs {args.jobs}"
        f"{' --label ' + repr(args.label) if args.label else ''}`")
    say()
    for name, text in (("ordinary text", ORDINARY), ("text with a red flag (loads spaCy)", RED_FLAG)):
        wall, cpu = cold_start(args.src, text)
        say(f"- cold start, import to first result, {name}: {wall:.2f} s wall, {cpu:.2f} s CPU (median of 5 processes)")

    triager = Triager()
    triager.assess_many(texts[:2000])  # warm caches (and spaCy)
    latencies = []
    for text in texts[:2000]:
        t = time.perf_counter()
        triager.assess(text)
        latencies.append((time.perf_counter() - t) * 1000)
    latencies.sort()
    p50, p99 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)]
    say(f"- single-text latency, Triager.assess: p50 {p50:.2f} ms, p99 {p99:.2f} ms (2,000 real texts)")
    say()
    say("| batch of real texts | workers | texts/s (wall) | CPU ms per 1,000 texts (all processes) |")
    say("|---|---|---|---|")
    frame = pd.DataFrame({"text": texts})
    rate, cpu = _timed(n, lambda: triager.assess_many(texts))
    say(f"| Triager.assess_many | 1 | {rate:,.0f} | {cpu:.0f} |")
    rate, cpu = _timed(n, lambda: triager.assess_frame(frame))
    say(f"| Triager.assess_frame | 1 | {rate:,.0f} | {cpu:.0f} |")
    parallel = Triager(n_jobs=args.jobs)
    parallel.assess_many(texts[: Triager.MIN_ROWS_PER_JOB * args.jobs])  # start the workers, load models
    rate, cpu = _timed(n, lambda: parallel.assess_many(texts))
    say(f"| Triager.assess_many | {args.jobs} | {rate:,.0f} | {cpu:.0f} |")
    rate, cpu = _timed(n, lambda: parallel.assess_frame(frame))
    say(f"| Triager.assess_frame | {args.jobs} | {rate:,.0f} | {cpu:.0f} |")
    peak_workers = 0.0
    try:
        import psutil

        peak_workers = max((c.memory_info().rss / 2**20 for c in psutil.Process().children(recursive=True)), default=0.0)
    except ImportError:
        pass
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    del parallel
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "texts.csv"
        pd.DataFrame({"id": range(n), "text": texts}).to_csv(path, index=False)
        help_text = subprocess.run([sys.executable, "-m", "complaint_insight.cli", "triage", "--help"],
                                   capture_output=True, text=True, env=_env(args.src)).stdout
        has_jobs = "--jobs" in help_text
        cli_peak = 0.0
        for jobs in ((1, args.jobs) if has_jobs else (None,)):
            result = cli_run(args.src, path, jobs, n)
            label = "1 (no --jobs option)" if jobs is None else str(jobs)
            if result is None:
                say(f"| CLI triage CSV -> CSV | {label} | failed | |")
                continue
            rate, cpu, peak = result
            cli_peak = max(cli_peak, peak)
            say(f"| CLI triage CSV -> CSV (start, load, read, write included) | {label} | {rate:,.0f} | {cpu:.0f} |")
    say()
    say(f"- peak RSS: benchmark process {own:,.0f} MiB (holds all {n:,} texts, results and a DataFrame copy), "
        f"largest worker {peak_workers:,.0f} MiB, largest CLI process (main or worker, sampled every 0.2 s) {cli_peak:,.0f} MiB")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
