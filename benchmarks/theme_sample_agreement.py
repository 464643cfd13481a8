"""``themes --fit-sample``: how closely does a ThemeModel fitted on a sample agree with a full fit?

    COMPLAINT_INSIGHT_DATASETS=/path/to/shared/datasets OMP_NUM_THREADS=1 python benchmarks/theme_sample_agreement.py --k 20

Texts: NHS FFT + xfincorp + cesamard (about 15k, all of which fit in memory), shuffled once (seed 0)
so that the stream mixes the corpora. Reference: ``ThemeModel(k).fit(all texts)``, then ``predict`` for
every text (-1 = unassigned/empty counts as one more label). Compared, each predicting every text:
the full fit with another seed (the ceiling: a k-theme partition of feedback is not unique), and
``ThemeModel(k)`` fitted on a reservoir sample (``scale.incremental_fit.reservoir_sample``, what
``--fit-sample N`` does) of 5%, 10% and 25%. Same k everywhere, so only the sampling differs.
Agreement: ARI and NMI over all texts (``scale.incremental_fit.agreement``). No texts are printed.
"""
from __future__ import annotations

import argparse
import json
import time

import pandas as pd

from complaint_insight.datasets import load_corpus
from complaint_insight.scale.incremental_fit import agreement, reservoir_sample
from complaint_insight.themes import ThemeModel


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--chunk", type=int, default=2000)
    args = parser.parse_args()
    texts = pd.concat([load_corpus(n)["text"] for n in ("nhs_fft", "xfincorp", "cesamard")], ignore_index=True)
    texts = texts.sample(frac=1.0, random_state=0).reset_index(drop=True)
    frame = pd.DataFrame({"text": texts})
    rows = []

    start = time.perf_counter()
    reference = ThemeModel(args.k, random_state=0).fit(frame).predict(frame)
    ref_seconds = time.perf_counter() - start

    def report(name, model, seconds):
        labels = model.predict(frame)
        rows.append({"route": name, **{k: round(v, 3) for k, v in agreement(reference, labels).items()},
                     "unassigned": round(float((labels < 0).mean()), 3), "seconds": round(seconds, 1)})
        print(json.dumps(rows[-1]), flush=True)

    start = time.perf_counter()
    report("full fit, another seed (ceiling)", ThemeModel(args.k, random_state=1).fit(frame),
           time.perf_counter() - start)
    chunks = [frame.iloc[a:a + args.chunk] for a in range(0, len(frame), args.chunk)]
    for share in (0.05, 0.10, 0.25):
        start = time.perf_counter()
        sample = reservoir_sample(chunks, int(share * len(frame)), random_state=0)
        model = ThemeModel(args.k, random_state=0).fit(sample[["text"]])
        report(f"fit on a {share:.0%} reservoir sample ({len(sample)} rows)", model, time.perf_counter() - start)
    print(f"\n{len(texts)} texts, k={args.k}, reference fit {ref_seconds:.1f} s; seconds = sample + fit\n")
    print("| route | ARI | NMI | unassigned | seconds |\n|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['route']} | {r['ari']} | {r['nmi']} | {r['unassigned']} | {r['seconds']} |")


if __name__ == "__main__":
    main()
