"""Compare saved QDC categorisers on the de-duplicated test split, back to back (same machine load).

    python benchmarks/qdc_compare_models.py NAME=FOLDER [NAME=FOLDER ...]

e.g. the shipped model against the previous one taken from git:
    mkdir -p /tmp/old && for f in model.json weights.npz metrics.json manifest.json MODEL_CARD.md; do
      git show <commit>:models/qdc-categoriser/$f > /tmp/old/$f; done
    python benchmarks/qdc_compare_models.py previous=/tmp/old shipped=models/qdc-categoriser

Prints a markdown row per model: sub-category macro/micro F1 and mean average precision (the
categories in the model's metrics.json, i.e. those with >= 25 labelled comments), the same rolled
up to parent categories, the share of test comments left with no category, texts/s and load time.
Needs the shared datasets.
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from complaint_insight.taxonomy import Categoriser, load_taxonomy  # noqa: E402
from complaint_insight.taxonomy.corpora import qdc_corpus  # noqa: E402
from complaint_insight.taxonomy.metrics import multilabel_report, roll_up_to_parents  # noqa: E402


def main() -> None:
    models = [arg.split("=", 1) for arg in sys.argv[1:]]
    if not models or any(len(m) != 2 for m in models):
        raise SystemExit(__doc__)
    rows, labels = qdc_corpus()
    taxonomy = load_taxonomy("qdc")
    test = (rows["split"] == "test").to_numpy()
    texts = rows.loc[test, "text"].tolist()
    print("| model | macro_f1 | micro_f1 | macro_avg_precision | parent macro_f1 | parent micro_f1 | no category | texts/s | load s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, folder in models:
        start = time.perf_counter()
        model = Categoriser.load(folder)
        load_seconds = time.perf_counter() - start
        excluded = json.loads((Path(folder) / "metrics.json").read_text())["excluded_categories"]
        scored = [c for c in taxonomy.predicted_ids if c not in excluded]
        cols = [list(model.classes_).index(c) for c in scored]
        model.predict_proba(texts[:50])  # warm caches before timing
        start = time.perf_counter()
        p = model.predict_proba(texts)
        per_second = len(texts) / (time.perf_counter() - start)
        P = model.assign(p).astype(int)[:, cols]
        Y = labels.loc[test, scored].to_numpy()
        _, sub = multilabel_report(Y, P, scored, p[:, cols])
        Yp, parents = roll_up_to_parents(Y, scored, taxonomy)
        Pp, _ = roll_up_to_parents(P, scored, taxonomy)
        sp, _ = roll_up_to_parents(p[:, cols], scored, taxonomy)
        _, par = multilabel_report(Yp, Pp, parents, sp)
        print(f"| {name} | {sub['macro_f1']:.3f} | {sub['micro_f1']:.3f} | {sub['macro_avg_precision']:.3f} | "
              f"{par['macro_f1']:.3f} | {par['micro_f1']:.3f} | {(P.sum(axis=1) == 0).mean():.3f} | {per_second:.0f} | "
              f"{load_seconds:.2f} |", flush=True)


if __name__ == "__main__":
    main()
