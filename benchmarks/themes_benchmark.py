"""Benchmark: theme discovery quality, stability, speed and memory; writes docs/benchmarks/themes.md.

    python benchmarks/themes_benchmark.py [--sizes 10000,100000,1000000] [--bertopic-sizes 10000]
                                          [--skip-quality] [--skip-speed] [--no-bertopic] [--out FILE]

1. Agreement with human codes on the NHS FFT corpus (../shared/datasets): NMI and ARI between
   themes and each comment's first QDC category (the first one-hot column set, in the file's
   column order, ignoring "Not assigned" and "Labelling not possible"), for complaints only
   (sentiment 4-5) and for all comments, with the number of themes set to the number of codes and
   chosen automatically. Side by side: BERTopic 0.17.4 given the *same* static embeddings (so the
   comparison is of the clustering), and plain k-means on those embeddings. Outliers count as one
   more cluster in NMI/ARI (that is what an analyst gets), and their share is reported.
2. Stability: ARI between two fits with shuffled row order (fixed seed), between seeds, and
   between models fitted on two disjoint random halves, both assigning every comment.
3. Speed and peak memory (each size in a fresh process, 2 threads) on synthetic sets built from
   real texts: each text joins two random sentences from two different comments of the three
   shared corpora (NHS FFT, X-FINCORP, CESAMARD), so nearly every text is distinct.

Requires the shared datasets; BERTopic is optional (`pip install bertopic==0.17.4`; not a
dependency of the package) and skipped when it is not importable.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from complaint_insight.datasets import have_shared_datasets, load_corpus, load_nhs_fft
from complaint_insight.evaluation import markdown_table

IGNORED_CODES = ("Not assigned", "Labelling not possible")


def have_bertopic() -> bool:
    # BERTopic imports sentence-transformers at import time, which imports transformers, which breaks
    # on some `kernels` releases ("Either a revision or a version must be specified"). Nothing here
    # uses either (BERTopic is given embeddings), so hide `kernels` from this process.
    sys.modules.setdefault("kernels", None)
    try:
        import bertopic  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - a broken optional install fails in many ways; skip it
        print(f"BERTopic not importable, skipped: {exc}", file=sys.stderr)
        return False
    return True


def nhs_with_first_code() -> pd.DataFrame:
    df = load_nhs_fft(include_unlabelled=True)
    start = df.columns.get_loc("Not assigned")
    codes = [c for c in df.columns[start : df.columns.get_loc("corpus")] if c not in IGNORED_CODES]
    values = df[codes].to_numpy()
    has = values.sum(axis=1) > 0
    df = df[has].copy()
    df["code"] = np.array(codes, dtype=object)[values[has].argmax(axis=1)]
    return df.reset_index(drop=True)


def scores(truth, predicted, outlier=None) -> dict:
    predicted = np.asarray(predicted).astype(str)
    out = {"NMI": normalized_mutual_info_score(truth, predicted), "ARI": adjusted_rand_score(truth, predicted)}
    out["outliers"] = float(np.mean(outlier)) if outlier is not None else 0.0
    return out


def run_ours(texts, k):
    from complaint_insight.themes import ThemeModel

    start = time.perf_counter()
    model = ThemeModel(k).fit(texts)
    assigned = model.fitted_assignments()
    seconds = time.perf_counter() - start
    return model, assigned, seconds


def run_bertopic(texts, embeddings, k, seed=0):
    have_bertopic()
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from umap import UMAP

    start = time.perf_counter()
    umap_model = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed)
    hdbscan_model = HDBSCAN(min_cluster_size=10, metric="euclidean", cluster_selection_method="eom",
                            prediction_data=True)
    model = BERTopic(umap_model=umap_model, hdbscan_model=hdbscan_model, nr_topics=k,
                     calculate_probabilities=False, verbose=False)
    topics, _ = model.fit_transform(list(texts), embeddings=embeddings)
    return np.asarray(topics), time.perf_counter() - start


def quality_section(use_bertopic: bool) -> tuple[str, str]:
    from sklearn.cluster import KMeans

    from complaint_insight.embed import get_embedder
    from complaint_insight.themes import ThemeModel, clean_for_themes

    df = nhs_with_first_code()
    df = df[df["text"].map(clean_for_themes) != ""].reset_index(drop=True)
    embedder = get_embedder("static")
    subsets = {"complaints (sentiment 4-5)": df[df["label"] == 1].reset_index(drop=True), "all comments": df}
    rows = []
    for subset_name, sub in subsets.items():
        texts = sub["text"].tolist()
        truth = sub["code"].to_numpy()
        n_codes = len(set(truth))
        cleaned = [clean_for_themes(t) for t in texts]
        embeddings = embedder.encode(cleaned)
        for k_name, k in ((f"n codes ({n_codes})", n_codes), ("automatic", None)):
            model, assigned, seconds = run_ours(texts, k)
            s = scores(truth, assigned["theme_id"], assigned["theme_status"] != "assigned")
            rows.append({"subset": subset_name, "rows": len(sub), "n_themes": k_name, "method": "ThemeModel (ours)",
                         "themes": model.n_themes_, **s, "seconds": seconds})
            if k is not None:
                start = time.perf_counter()
                km = KMeans(k, n_init=3, random_state=0).fit_predict(embeddings)
                rows.append({"subset": subset_name, "rows": len(sub), "n_themes": k_name,
                             "method": "plain KMeans on the same embeddings", "themes": k, **scores(truth, km),
                             "seconds": time.perf_counter() - start})
            if use_bertopic:
                topics, seconds = run_bertopic(cleaned, embeddings, k)
                rows.append({"subset": subset_name, "rows": len(sub), "n_themes": k_name,
                             "method": "BERTopic 0.17.4 (same embeddings)", "themes": len(set(topics) - {-1}),
                             **scores(truth, topics, topics == -1), "seconds": seconds})
            print(pd.DataFrame(rows[-3:]).to_string(), file=sys.stderr, flush=True)
    quality = pd.DataFrame(rows)

    # Stability on all comments.
    texts = df["text"].tolist()
    rng = np.random.default_rng(0)
    stab = []
    for k in (None, 30):
        base = ThemeModel(k).fit(texts)
        base_ids = base.fitted_assignments()["theme_id"].to_numpy()
        order = rng.permutation(len(texts))
        shuffled = ThemeModel(k).fit([texts[i] for i in order])
        shuffled_ids = np.empty(len(texts), dtype=object)
        shuffled_ids[order] = shuffled.fitted_assignments()["theme_id"].to_numpy()
        stab.append({"n_themes": k or f"automatic ({base.n_themes_})", "comparison": "shuffled row order, same seed",
                     "ARI": adjusted_rand_score(base_ids, shuffled_ids)})
        other_seed = ThemeModel(k, random_state=1).fit(texts)
        stab.append({"n_themes": k or "automatic", "comparison": f"seed 0 vs seed 1 ({other_seed.n_themes_} themes)",
                     "ARI": adjusted_rand_score(base_ids, other_seed.fitted_assignments()["theme_id"])})
        half = rng.permutation(len(texts))
        a = [texts[i] for i in half[: len(half) // 2]]
        b = [texts[i] for i in half[len(half) // 2 :]]
        model_a, model_b = ThemeModel(k).fit(a), ThemeModel(k).fit(b)
        stab.append({"n_themes": k or f"automatic ({model_a.n_themes_} / {model_b.n_themes_})",
                     "comparison": "two disjoint random halves, each assigning all comments",
                     "ARI": adjusted_rand_score(model_a.assign(texts)["theme_id"], model_b.assign(texts)["theme_id"])})
    if use_bertopic:
        cleaned = [clean_for_themes(t) for t in texts]
        embeddings = embedder.encode(cleaned)
        first, _ = run_bertopic(cleaned, embeddings, None)
        order = rng.permutation(len(texts))
        second_shuffled, _ = run_bertopic([cleaned[i] for i in order], embeddings[order], None)
        second = np.empty(len(texts), dtype=np.int64)
        second[order] = second_shuffled
        stab.append({"n_themes": f"BERTopic automatic ({len(set(first) - {-1})} / {len(set(second) - {-1})})",
                     "comparison": "BERTopic: shuffled row order, same seed", "ARI": adjusted_rand_score(first, second)})
    stability = pd.DataFrame(stab)
    print(stability.to_string(), file=sys.stderr, flush=True)
    return markdown_table(quality), markdown_table(stability)


# ---------------------------------------------------------------- speed (one size per process)
def synthetic_texts(n: int, seed: int = 0) -> list[str]:
    """``n`` texts, each two random sentences from two different real comments (see module doc)."""
    texts = []
    for name in ("nhs_fft", "xfincorp", "cesamard"):
        texts.extend(load_nhs_fft(include_unlabelled=True)["text"] if name == "nhs_fft" else load_corpus(name)["text"])
    sentences, owner = [], []
    for i, text in enumerate(texts):
        for s in re.split(r"(?<=[.!?])\s+", str(text)):
            if len(s.split()) >= 3:
                sentences.append(s.strip())
                owner.append(i)
    owner = np.array(owner)
    rng = np.random.default_rng(seed)
    a = rng.integers(0, len(sentences), n)
    b = rng.integers(0, len(sentences), n)
    same = owner[a] == owner[b]
    b[same] = (b[same] + 1) % len(sentences)  # neighbouring sentence of another comment (almost always)
    return [f"{sentences[i]} {sentences[j]}" for i, j in zip(a, b)]


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def speed_worker(n: int, method: str) -> dict:
    texts = synthetic_texts(n)
    distinct = len(set(texts))
    cpu_start = _cpu_seconds()
    if method == "ours":
        from complaint_insight.themes import ThemeModel

        model = ThemeModel()
        start = time.perf_counter()
        can, embeddings = model._prepare(texts)
        t_embed = time.perf_counter() - start
        model._fit_canonical(can, embeddings)
        assigned = model.fitted_assignments()
        total = time.perf_counter() - start
        result = {"clean+embed s": t_embed, "cluster+label s": total - t_embed, "total s": total,
                  "themes": model.n_themes_, "outliers": float((assigned["theme_status"] == "unassigned").mean())}
    else:
        from complaint_insight.embed import get_embedder
        from complaint_insight.themes import clean_for_themes

        start = time.perf_counter()
        cleaned = [clean_for_themes(t) for t in texts]
        embeddings = get_embedder("static").encode(cleaned)
        t_embed = time.perf_counter() - start
        topics, _ = run_bertopic(cleaned, embeddings, None)
        total = time.perf_counter() - start
        result = {"clean+embed s": t_embed, "cluster+label s": total - t_embed, "total s": total,
                  "themes": len(set(topics) - {-1}), "outliers": float(np.mean(topics == -1))}
    result.update({"rows": n, "distinct": distinct, "method": method, "CPU s": _cpu_seconds() - cpu_start,
                   "peak RSS MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})
    return result


def speed_section(sizes, bertopic_sizes) -> str:
    rows = []
    env = {**os.environ, "OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2", "MKL_NUM_THREADS": "2",
           "NUMBA_NUM_THREADS": "2", "RAYON_NUM_THREADS": "2"}
    jobs = [(n, "ours") for n in sizes] + [(n, "bertopic") for n in bertopic_sizes]
    for n, method in jobs:
        proc = subprocess.run([sys.executable, __file__, "--worker", method, "--n", str(n)], env=env,
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            rows.append({"rows": n, "method": method, "total s": float("nan")})
            continue
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        print(result, file=sys.stderr, flush=True)
        rows.append(result)
    frame = pd.DataFrame(rows)
    frame["method"] = frame["method"].map({"ours": "ThemeModel (ours)", "bertopic": "BERTopic 0.17.4"})
    frame["peak RSS MB"] = frame["peak RSS MB"].round(0)
    cols = ["rows", "distinct", "method", "themes", "clean+embed s", "cluster+label s", "total s", "CPU s", "peak RSS MB",
            "outliers"]
    return markdown_table(frame[[c for c in cols if c in frame.columns]], floatfmt=".2f")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--bertopic-sizes", default="10000")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--no-bertopic", action="store_true")
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks" / "themes.md"))
    parser.add_argument("--note", default="under load: the 2-core machine was shared with other jobs")
    parser.add_argument("--worker", choices=("ours", "bertopic"), help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(speed_worker(args.n, args.worker)))
        return 0
    if not have_shared_datasets():
        print("shared datasets not found (../shared/datasets or $COMPLAINT_INSIGHT_DATASETS); nothing to measure",
              file=sys.stderr)
        return 1
    use_bertopic = have_bertopic() and not args.no_bertopic
    command = "python benchmarks/themes_benchmark.py " + " ".join(sys.argv[1:])
    parts = [
        "# Themes\n",
        (f"Measured with `{command.strip()}` on {os.cpu_count()} CPU cores, {args.note}. "
         f"BERTopic {'0.17.4 included' if use_bertopic else 'not installed: skipped'}. "
         "Method and data: see the docstring of `benchmarks/themes_benchmark.py`.\n"),
    ]
    if not args.skip_quality:
        quality, stability = quality_section(use_bertopic)
        parts += ["## Agreement with human codes (NHS FFT, first QDC category per comment)\n",
                  ("NMI/ARI against each comment's first code; unassigned/outlier rows count as one more cluster. "
                   "`seconds` includes embedding for ours, not for BERTopic/KMeans (given embeddings).\n"),
                  quality + "\n", "## Stability (NHS FFT, all comments)\n", stability + "\n"]
    if not args.skip_speed:
        sizes = [int(s) for s in args.sizes.split(",") if s]
        bert_sizes = [int(s) for s in args.bertopic_sizes.split(",") if s] if use_bertopic else []
        parts += ["## Speed and peak memory (synthetic sets from real sentences, 2 threads)\n",
                  ("Automatic number of themes. Times are wall-clock seconds (the `s` columns) and CPU seconds "
                   "used by the process (`CPU s`, user + system, summed over threads; on a shared machine this is "
                   "the steadier figure). Peak RSS is the whole process (Python, models, the input texts). "
                   "Targets: 100k rows <= 60 s, 1M rows <= 10 min, peak <= 4 GB on 2 cores.\n"),
                  speed_section(sizes, bert_sizes) + "\n"]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
