"""Recipe: fit the zero-shot prior calibration shipped in models/taxonomy-prior.

    python recipes/fit_taxonomy_prior.py [--out models/taxonomy-prior]

The prior turns description/example similarity into a category probability through four
relative, taxonomy-free features (see complaint_insight.taxonomy.prior). Their logistic
regression is fitted on the *train* splits of every built-in taxonomy with labelled data —
HCAT and UK public services (authored examples) and QDC (NHS FFT corpus, when
../shared/datasets is present) — each taxonomy weighted equally. The card reports
leave-one-taxonomy-out scores: the calibration fitted without a taxonomy, scored on that
taxonomy's test split, which is what a user's own, unseen taxonomy gets.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from complaint_insight import artifacts  # noqa: E402
from complaint_insight.datasets import have_shared_datasets  # noqa: E402
from complaint_insight.embed import get_embedder  # noqa: E402
from complaint_insight.evaluation import expected_calibration_error, markdown_table  # noqa: E402
from complaint_insight.taxonomy.corpora import authored_examples, qdc_corpus  # noqa: E402
from complaint_insight.taxonomy.labels import label_matrix  # noqa: E402
from complaint_insight.taxonomy.loader import load_taxonomy  # noqa: E402
from complaint_insight.taxonomy.metrics import multilabel_report  # noqa: E402
from complaint_insight.taxonomy.prior import FEATURES, KIND, SimilarityPrior, prior_features  # noqa: E402

DEFAULT_THRESHOLD = 0.3


def labelled_sets() -> dict[str, dict]:
    sets = {}
    sources = [(tid, authored_examples(tid)) for tid in ("hcat", "uk_public_services")]
    if have_shared_datasets():
        rows, labels = qdc_corpus()
        sources.append(("qdc", rows.assign(labels=list(labels.to_dict(orient="records")))))
    for tid, frame in sources:
        taxonomy = load_taxonomy(tid)
        labels = frame["labels"].tolist()
        if tid == "qdc":
            Y = label_matrix(taxonomy, pd.DataFrame(labels), len(frame)).Y
        else:
            Y = label_matrix(taxonomy, labels, len(frame)).Y
        sets[tid] = {"taxonomy": taxonomy, "texts": frame["text"].tolist(), "Y": Y, "split": frame["split"].to_numpy()}
    return sets


def features_for(entry: dict, embedder) -> np.ndarray:
    prior = SimilarityPrior(entry["taxonomy"], embedder, entry["taxonomy"].predicted_ids)
    similarity = prior.similarity(embedder.encode(entry["texts"]))
    return prior_features(similarity)


def fit_calibration(parts: list[tuple[np.ndarray, np.ndarray]]) -> LogisticRegression:
    X = np.vstack([F.reshape(-1, F.shape[-1]) for F, _ in parts])
    y = np.concatenate([Y.ravel() for _, Y in parts])
    # every taxonomy weighs the same, whatever its number of rows and categories
    w = np.concatenate([np.full(Y.size, 1.0 / Y.size) for _, Y in parts]) * len(y) / len(parts)
    return LogisticRegression(C=1.0, max_iter=5000).fit(X, y, sample_weight=w)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "models" / KIND))
    parser.add_argument("--embedder", default="static")
    args = parser.parse_args()

    embedder = get_embedder(args.embedder)
    sets = labelled_sets()
    for entry in sets.values():
        entry["F"] = features_for(entry, embedder)

    def part(tid: str, split: str) -> tuple[np.ndarray, np.ndarray]:
        entry = sets[tid]
        mask = entry["split"] == split
        return entry["F"][mask], entry["Y"][mask]

    rows = []
    for held_out in sets:
        model = fit_calibration([part(t, "train") for t in sets if t != held_out])
        F, Y = part(held_out, "test")
        p = model.predict_proba(F.reshape(-1, F.shape[-1]))[:, 1].reshape(Y.shape)
        _, summary = multilabel_report(Y, (p >= DEFAULT_THRESHOLD).astype(int), sets[held_out]["taxonomy"].predicted_ids, p)
        rows.append(
            {
                "held-out taxonomy (test split)": held_out,
                "texts": int(len(Y)),
                "categories": Y.shape[1],
                "mean p": float(p.mean()),
                "positive rate": float(Y.mean()),
                "ECE": expected_calibration_error(Y.ravel(), p.ravel()),
                f"micro-F1 @{DEFAULT_THRESHOLD}": summary["micro_f1"],
                f"macro-F1 @{DEFAULT_THRESHOLD}": summary["macro_f1"],
                "macro avg precision": summary["macro_avg_precision"],
            }
        )
    report = pd.DataFrame(rows)

    final = fit_calibration([part(t, "train") for t in sets])
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    calibration = {
        "features": list(FEATURES),
        "coef": final.coef_[0].round(6).tolist(),
        "intercept": round(float(final.intercept_[0]), 6),
        "embedder": embedder.name,
        "fitted_on": {t: int((sets[t]["split"] == "train").sum()) for t in sets},
    }
    artifacts.write_json(out / "calibration.json", calibration)
    recipe = f"python recipes/fit_taxonomy_prior.py --embedder {args.embedder}"
    coefs = ", ".join(f"{name} {value:+.3f}" for name, value in zip(FEATURES, calibration["coef"]))
    card = f"""# Model card: taxonomy prior calibration

- **What it does**: turns the similarity between a text and each category's description and
  examples into a probability, so any taxonomy file works without training (zero-shot).
- **Model**: logistic regression over four relative features of the (n texts x k categories)
  similarity matrix: {coefs}; intercept {calibration['intercept']:+.3f}.
  Similarity = cosine to the closest description + to the closest example + to the centroid,
  in the `{embedder.name}` embedding space.
- **Data**: train splits of {', '.join(f'{t} ({n} texts)' for t, n in calibration['fitted_on'].items())};
  each taxonomy weighted equally. Rebuild: `{recipe}`.
- **Threshold**: the categoriser's default threshold for categories without a tuned one is
  {DEFAULT_THRESHOLD}: the probabilities are calibrated and rarely exceed 0.5 for one category
  out of many, so 0.5 would assign almost nothing.

## Leave-one-taxonomy-out (fitted without the taxonomy, scored on its test split)

{markdown_table(report)}

Macro scores average over the categories present in each test split. These are zero-shot
numbers: no labelled row of the held-out taxonomy was used.
"""
    (out / "MODEL_CARD.md").write_text(card, encoding="utf-8")
    artifacts.write_json(out / "metrics.json", {"leave_one_taxonomy_out": report.to_dict(orient="records")})
    artifacts.write_manifest(out, kind=KIND, recipe=recipe, extra={"embedder": embedder.name})
    print(card)


if __name__ == "__main__":
    main()
