"""Time and peak memory of building the learning report (HTML + JSON) for 10k and 100k rows.

Input tables are built from the real NHS FFT comments (../shared/datasets/nhs_fft_v6.csv, 5,312
texts): rows drawn with replacement (seed 0), dated uniformly over three years (2022-2024), with
the corpus's own QDC labels as the ``categories`` column, the first of them standing in as
``theme_id`` (the theme branch is not merged yet) and ``trust`` as the group column. "With
triage" rows carry stand-in triage columns (is_complaint = corpus sentiment 4-5, severity 2/0, no
red flags: the report's cost does not depend on their values); "without" drops them, so the
report runs the Triager first. Quotes are picked as in real use, with an identity stand-in for
complaint_insight.privacy.redact when that module is missing (the HTML is written to a temporary
folder and deleted; no corpus text is kept).

Each case runs in a fresh process; peak memory is that process's maximum resident set size
(ru_maxrss), imports included.

    COMPLAINT_INSIGHT_DATASETS=../shared/datasets python benchmarks/report_benchmark.py \
        --sizes 10000 100000 --triage-sizes 2000 --out docs/benchmarks/report.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def make_table(n: int, path: Path) -> None:
    import numpy as np
    import pandas as pd

    from complaint_insight.datasets import load_nhs_fft
    from complaint_insight.taxonomy import load_taxonomy

    raw = load_nhs_fft(include_unlabelled=True).reset_index(drop=True)
    taxonomy = load_taxonomy("qdc")
    columns = {taxonomy.by_id[c].extra("corpus_column"): c for c in taxonomy.predicted_ids}
    labels = raw[list(columns)].rename(columns=columns).astype(int)
    ids = np.array(list(columns.values()))
    cats = [";".join(ids[row.astype(bool)]) for row in labels.to_numpy()]
    names = {c.id: c.name for c in taxonomy.categories}
    rng = np.random.default_rng(0)
    pick = rng.integers(0, len(raw), n)
    start = pd.Timestamp("2022-01-01").value // 86_400_000_000_000
    days = rng.integers(0, 3 * 365 + 1, n)
    complaint = raw["label"].fillna(0).astype(int).to_numpy()[pick]
    first = [c.split(";")[0] if c else "" for c in np.array(cats, dtype=object)[pick]]
    frame = pd.DataFrame(
        {
            "text": raw["text"].to_numpy()[pick],
            "date": pd.to_datetime((start + days) * 86_400, unit="s").strftime("%Y-%m-%d"),
            "trust": raw["trust"].astype(str).to_numpy()[pick],
            "categories": np.array(cats, dtype=object)[pick],
            "theme_id": first,
            "theme_label": [names.get(f, "") for f in first],
            "is_complaint": complaint,
            "severity": np.where(complaint == 1, 2, 0),
            "red_flags": "",
        }
    )
    frame.to_parquet(path, index=False)


def run_case(path: Path, triage: bool) -> dict:
    import sys as _sys
    import types


    if "complaint_insight.privacy" not in _sys.modules:
        try:
            import complaint_insight.privacy  # noqa: F401
        except ImportError:
            stub = types.ModuleType("complaint_insight.privacy")
            stub.redact = lambda text: text
            _sys.modules["complaint_insight.privacy"] = stub
    from complaint_insight.io import read_table
    from complaint_insight.reports import build_report, render_html

    c0, t0 = time.process_time(), time.perf_counter()
    frame = read_table(path)
    if not triage:
        frame = frame.drop(columns=["is_complaint", "severity", "red_flags"])
    t1 = time.perf_counter()
    report = build_report(frame, period="quarter", group_column="trust", taxonomy="qdc", source=str(path))
    c2, t2 = time.process_time(), time.perf_counter()
    html = render_html(report)
    c3, t3 = time.process_time(), time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "r.html").write_text(html, encoding="utf-8")
        js = report.model_dump_json(indent=1)
        Path(tmp, "r.json").write_text(js, encoding="utf-8")
    c4, t4 = time.process_time(), time.perf_counter()
    return {
        "cpu_build_s": c2 - c0,
        "cpu_render_s": c3 - c2,
        "cpu_total_s": c4 - c0,
        "rows": len(frame),
        "triage_in_input": triage,
        "read_s": t1 - t0,
        "build_s": t2 - t1,
        "render_s": t3 - t2,
        "write_s": t4 - t3,
        "total_s": t4 - t0,
        "html_kb": len(html.encode()) / 1024,
        "json_kb": len(js.encode()) / 1024,
        "charts": html.count("<svg"),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "complaints": report.complaints,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--triage-sizes",
        type=int,
        nargs="*",
        default=[2_000],
        help="sizes also run without triage columns (the Triager is slow: keep small)",
    )
    parser.add_argument("--out", default=None)
    parser.add_argument("--case", nargs=2, metavar=("TABLE", "TRIAGE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(Path(args.case[0]), args.case[1] == "yes")))
        return
    load_before = os.getloadavg()[0]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sorted(set(args.sizes) | set(args.triage_sizes)):
            path = Path(tmp, f"fft_{n}.parquet")
            make_table(n, path)
            for triage in ([True] if n in args.sizes else []) + ([False] if n in args.triage_sizes else []):
                proc = subprocess.run(
                    [sys.executable, __file__, "--case", str(path), "yes" if triage else "no"],
                    capture_output=True,
                    text=True,
                    check=True,
                    env=os.environ,
                )
                results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
                print(results[-1], file=sys.stderr)
    lines = [
        "# Report build: time, memory and size",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"1-minute load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after: under load (the machine is shared).",
        "",
        "Command: `COMPLAINT_INSIGHT_DATASETS=../shared/datasets python benchmarks/report_benchmark.py "
        + " ".join(sys.argv[1:])
        + "`",
        "",
        "Input: NHS FFT comments resampled (see the script's docstring); quarterly periods over 3 years, "
        "group column `trust`, taxonomy qdc (labels only; categories are in the input).",
        "",
        "Wall seconds depend on how many other jobs share the 2 cores; CPU seconds (this process's user + "
        "system time, read+figures / charts+HTML / all) are the better guide on a shared machine.",
        "",
        "| rows | triage columns in input | read s | build s | render s | write s | total s (wall) | CPU s read+build / render / total | peak RSS MB | HTML KB | JSON KB | charts |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['rows']:,} | {'yes' if r['triage_in_input'] else 'no (Triager runs)'} | {r['read_s']:.2f} | "
            f"{r['build_s']:.2f} | {r['render_s']:.2f} | {r['write_s']:.2f} | **{r['total_s']:.1f}** | "
            f"{r['cpu_build_s']:.1f} / {r['cpu_render_s']:.1f} / {r['cpu_total_s']:.1f} | "
            f"{r['peak_rss_mb']:.0f} | {r['html_kb']:.0f} | {r['json_kb']:.0f} | {r['charts']} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
