"""How closely do the larger-than-memory routes agree with a full in-memory k-means fit?

    COMPLAINT_INSIGHT_DATASETS=/path/to/shared/datasets python benchmarks/theme_fit_agreement.py --k 20

Texts: NHS FFT + xfincorp + cesamard (about 15k, all of which fit in memory), embedded with the
default static embedder. Reference: ``KMeans(k, n_init=3, random_state=0)`` on all of them. Compared:
(a) k-means fitted on a reservoir sample (10% and 25%) then ``predict`` for every text; (b)
``MiniBatchKMeans.partial_fit`` over chunks of 2,000 texts (one pass, and three passes).
Agreement: ARI and NMI of each route's labels with the reference labels, over all texts; also the
reference fit against itself with another seed (the ceiling: k-means is not unique).
"""
from __future__ import annotations

import argparse
import json
import time

import pandas as pd
from sklearn.cluster import KMeans

from complaint_insight.datasets import load_corpus
from complaint_insight.embed import get_embedder
from complaint_insight.scale.incremental_fit import agreement, fit_minibatch_kmeans, reservoir_sample


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--chunk", type=int, default=2000)
    args = parser.parse_args()
    texts = pd.concat([load_corpus(n)["text"] for n in ("nhs_fft", "xfincorp", "cesamard")], ignore_index=True)
    texts = texts.sample(frac=1.0, random_state=0).reset_index(drop=True)  # stream order mixes the corpora
    embedder = get_embedder("static")
    vectors = embedder.encode(texts.tolist())
    rows = []

    def report(name, labels, seconds):
        rows.append({"route": name, **{k: round(v, 3) for k, v in agreement(reference, labels).items()},
                     "seconds": round(seconds, 1)})
        print(json.dumps(rows[-1]), flush=True)

    start = time.perf_counter()
    reference = KMeans(args.k, n_init=3, random_state=0).fit_predict(vectors)
    ref_seconds = time.perf_counter() - start
    start = time.perf_counter()
    report("full k-means, another seed (ceiling)", KMeans(args.k, n_init=3, random_state=1).fit_predict(vectors),
           time.perf_counter() - start)
    frame = pd.DataFrame({"text": texts})
    chunks = [frame.iloc[a:a + args.chunk] for a in range(0, len(frame), args.chunk)]
    for share in (0.10, 0.25):
        start = time.perf_counter()
        sample = reservoir_sample(chunks, int(share * len(frame)), random_state=0)
        model = KMeans(args.k, n_init=3, random_state=0).fit(embedder.encode(sample["text"].tolist()))
        report(f"k-means on a {share:.0%} reservoir sample", model.predict(vectors), time.perf_counter() - start)
    for passes in (1, 3):
        start = time.perf_counter()
        model = fit_minibatch_kmeans(lambda: (c["text"].tolist() for c in chunks), embedder, args.k,
                                     max_passes=passes, batch_size=1024)
        report(f"mini-batch k-means, {passes} pass(es) of {args.chunk}-text chunks", model.predict(vectors),
               time.perf_counter() - start)
    print(f"\n{len(texts)} texts, k={args.k}, reference fit {ref_seconds:.1f} s\n")
    print("| route | ARI | NMI | seconds |\n|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['route']} | {r['ari']} | {r['nmi']} | {r['seconds']} |")


if __name__ == "__main__":
    main()
