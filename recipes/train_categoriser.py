"""Recipe: train a shipped categoriser for a built-in taxonomy and write its model card.

    python recipes/train_categoriser.py --taxonomy qdc    # -> models/qdc-categoriser (needs ../shared/datasets)
    python recipes/train_categoriser.py --taxonomy hcat   # -> models/hcat-categoriser

Data and split (complaint_insight.taxonomy.corpora):
- qdc: NHS FFT comments labelled with the QDC v6 framework, de-duplicated on normalised text,
  80/20 random split (seed 0). Categories with fewer than --min-count labelled comments in the
  whole de-duplicated corpus are left out of training and of the metrics (too few to learn or
  to measure); the model still scores them zero-shot from their descriptions.
- hcat: the project's authored examples (training_data/taxonomy/hcat_examples.jsonl), train split.
The shipped model is trained on the train split only, so every metric in the card is on rows
it never saw.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from complaint_insight.evaluation import markdown_table  # noqa: E402
from complaint_insight.taxonomy import Categoriser, load_taxonomy, shipped_model_name  # noqa: E402
from complaint_insight.taxonomy.corpora import authored_examples, qdc_corpus  # noqa: E402
from complaint_insight.taxonomy.labels import label_matrix  # noqa: E402
from complaint_insight.taxonomy.metrics import multilabel_report, roll_up_to_parents  # noqa: E402

PUBLISHED_QDC = {"macro_f1": 0.71, "micro_f1": 0.77}
# Chosen on a development split carved from the QDC train split (never the test split):
# benchmarks/qdc_dev_experiments.py, figures in docs/benchmarks/taxonomy.md.
SETTINGS = {
    "qdc": {"features": "words+chars+embedding", "embedding_scale": 0.05, "C": 0.2, "at_least_one": True},
    "hcat": {},
}



def threshold_array(model: Categoriser) -> "np.ndarray":
    """The model's thresholds in ``classes_`` order."""
    return np.array([model.thresholds[c] for c in model.classes_])

def labelled_rows(taxonomy_id: str, min_count: int) -> tuple[pd.DataFrame, object, list[str], dict]:
    """(rows with text/split, labels for fit, categories scored, notes)."""
    taxonomy = load_taxonomy(taxonomy_id)
    if taxonomy_id == "qdc":
        rows, labels = qdc_corpus()
        counts = labels.sum()
        kept = [c for c in taxonomy.predicted_ids if counts[c] >= min_count]
        excluded = {c: int(counts[c]) for c in taxonomy.predicted_ids if counts[c] < min_count}
        return rows, labels[kept], kept, {"excluded": excluded, "counts": counts.to_dict()}
    rows = authored_examples(taxonomy_id)
    return rows, rows["labels"], taxonomy.predicted_ids, {"excluded": {}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--taxonomy", required=True, choices=["qdc", "hcat"])
    parser.add_argument("--out", default=None)
    parser.add_argument("--min-count", type=int, default=25)
    args = parser.parse_args()

    taxonomy = load_taxonomy(args.taxonomy)
    rows, labels, scored, notes = labelled_rows(args.taxonomy, args.min_count)
    train = (rows["split"] == "train").to_numpy()
    test = ~train
    train_labels = labels[train] if isinstance(labels, pd.DataFrame) else labels[train].tolist()
    test_labels = labels[test] if isinstance(labels, pd.DataFrame) else labels[test].tolist()

    start = time.perf_counter()
    model = Categoriser(args.taxonomy, **SETTINGS[args.taxonomy]).fit(rows.loc[train, "text"].tolist(), train_labels)
    fit_seconds = time.perf_counter() - start
    test_texts = rows.loc[test, "text"].tolist()
    model.predict_proba(test_texts[:50])  # warm the embedder and prototype cache before timing
    start = time.perf_counter()
    p = model.predict_proba(test_texts)
    predict_seconds = time.perf_counter() - start

    Y = label_matrix(taxonomy, test_labels, len(test_texts)).Y
    cols = [taxonomy.predicted_ids.index(c) for c in scored]
    zero_shot = Categoriser(args.taxonomy)
    pz = zero_shot.predict_proba(test_texts)
    _, zero_summary = multilabel_report(Y[:, cols], (pz[:, cols] >= zero_shot.threshold).astype(int), scored, pz[:, cols])
    P = model.predict(test_texts)  # thresholds plus the at-least-one rule, as users get them
    table, summary = multilabel_report(Y[:, cols], P[:, cols], scored, p[:, cols])
    table["threshold"] = threshold_array(model)[cols]
    Yp, parents = roll_up_to_parents(Y[:, cols], scored, taxonomy)
    Pp, _ = roll_up_to_parents(P[:, cols], scored, taxonomy)
    sp, _ = roll_up_to_parents(p[:, cols], scored, taxonomy)
    parent_table, parent_summary = multilabel_report(Yp, Pp, parents, sp)

    out = Path(args.out or ROOT / "models" / shipped_model_name(args.taxonomy))
    recipe = f"python recipes/train_categoriser.py --taxonomy {args.taxonomy}" + (
        f" --min-count {args.min_count}" if args.taxonomy == "qdc" else ""
    )
    summary_rows = pd.DataFrame(
        [
            {"model": "zero-shot (descriptions + examples only)", **zero_summary},
            {"model": "trained (this model)", **summary},
            {"model": "trained, rolled up to parent categories", **parent_summary},
        ]
    )[["model", "n", "categories", "macro_f1", "micro_f1", "macro_precision", "macro_recall", "macro_avg_precision"]]
    metrics = {
        "test_summary": summary,
        "zero_shot_test_summary": zero_summary,
        "parent_test_summary": parent_summary,
        "parent_per_category": parent_table.to_dict(orient="records"),
        "settings": SETTINGS[args.taxonomy],
        "min_one_floor": float(getattr(model, "min_one_floor_", 1.0)),
        "per_category": table.to_dict(orient="records"),
        "train_rows": int(model.n_train_rows_),
        "test_rows": int(test.sum()),
        "fit_seconds": round(fit_seconds, 1),
        "predict_texts_per_second": round(len(test_texts) / predict_seconds, 1),
        "excluded_categories": notes["excluded"],
    }
    model.save(out, recipe=recipe, metrics=metrics)
    size = sum((out / name).stat().st_size for name in ("model.json", "weights.npz"))
    metrics["model_bytes"] = size
    card = _card(args, model, taxonomy, summary_rows, table, notes, metrics, recipe, parent_table)
    model.save(out, recipe=recipe, card=card, metrics=metrics)
    print(card)


def _coverage(model) -> str:
    total, trained = len(model.classes_), int(model.trained_.sum())
    if trained == total:
        return f"{total} categories, each with a trained head"
    return f"{total} categories, {trained} with a trained head and {total - trained} zero-shot"


def _model_text(args, model) -> str:
    blocks = {"words": "TF-IDF word 1-2-grams", "chars": "TF-IDF character 2-5-grams (within word boundaries)",
              "embedding": f"the static sentence embedding, standardised and weighted {model.embedding_scale}"}
    features = [blocks[b] for b in model._blocks()]
    settings = ", ".join(f"{k}={v!r}" for k, v in SETTINGS[args.taxonomy].items())
    text = (
        f"`Categoriser(\"{args.taxonomy}\"{', ' + settings if settings else ''})` — per category, a linear SVM "
        f"(C={model.C}, balanced class weights) over {', '.join(features[:-1]) + ' and ' + features[-1] if len(features) > 1 else features[0]}, "
        f"whose out-of-fold score is stacked with the zero-shot prior (description/example similarity in the "
        f"bundled static MiniLM embedding space) by a logistic regression that gives the calibrated probability."
    )
    floor = float(getattr(model, "min_one_floor_", 1.0))
    if model.at_least_one and floor < 1.0:
        text += (
            f" When no category reaches its threshold, the most probable trained category is assigned if its "
            f"probability is at least {floor:.2f} (the floor learned on out-of-fold probabilities)."
        )
    return text


def _card(args, model, taxonomy, summary_rows, table, notes, metrics, recipe, parent_table) -> str:
    if args.taxonomy == "qdc":
        data = (
            f"NHS FFT comments from two trusts (NEAS, NHFT, 2021-22) labelled with the QDC v6 framework "
            f"(`nhs_fft_v6.csv` in the shared datasets, read at training time, never copied). De-duplicated on "
            f"normalised text, then split 80/20 at random (seed 0): {metrics['train_rows']} training and "
            f"{metrics['test_rows']} test comments."
        )
        excluded = ", ".join(f"{taxonomy.by_id[c].label} ({n})" for c, n in notes["excluded"].items())
        exclusion = (
            f"\n- **Excluded** (fewer than {args.min_count} labelled comments in the de-duplicated corpus; "
            f"not trained, not in the metrics, still scored zero-shot from their descriptions): {excluded}."
        )
        comparison = f"""
## Against the published model

The best published model on this framework (pxtextmining: an ensemble of SVC, XGBoost and
DistilBERT) reports macro-F1 {PUBLISHED_QDC['macro_f1']} / micro-F1 {PUBLISHED_QDC['micro_f1']} on *its own* test data. That is **not the
same test set** as ours: a different split, a possibly different category set, and we do not
know whether its data were de-duplicated (the raw file has many repeated short answers such as
"Excellent service", which are easy and would sit on both sides of a random split). The numbers
above are on our de-duplicated split and are not directly comparable; see
docs/benchmarks/taxonomy.md for the same model on a split that keeps duplicates.
"""
    else:
        data = (
            f"The project's authored HCAT examples (`training_data/taxonomy/hcat_examples.jsonl`): "
            f"{metrics['train_rows']} training and {metrics['test_rows']} test complaints, each labelled with "
            f"its HCAT categories and a 1-3 severity per category. No public labelled HCAT corpus exists: "
            f"these scores measure agreement with our own labelling of short, mostly single-issue "
            f"complaints written for the purpose, not performance on real complaint letters."
        )
        exclusion = ""
        comparison = """
## Severity

The model does not predict severity. A learned per-category severity (multinomial regression on
the authored severities) was at best about as accurate as always answering "medium" on the test
split (docs/benchmarks/taxonomy.md), so HCAT severity comes from the triage layer: pass its overall
severity (`categorise(..., overall_severity=...)`, CLI `--severity-column severity`) and it is
attached to each assigned category.
"""
    return f"""# Model card: {taxonomy.name} categoriser

- **What it does**: assigns zero or more {taxonomy.name} categories to a piece of feedback, each
  with a probability; {_coverage(model)}. Each category has its own threshold (F1-optimal on out-of-fold probabilities),
  saved with the model; lower them for recall (`Categoriser.tune_thresholds(..., target_recall=0.8)`,
  `set_thresholds`, CLI `--threshold`).
- **Model**: {_model_text(args, model)}
- **Data**: {data}{exclusion}
- **Trained**: {dt.date.today().isoformat()} in {metrics['fit_seconds']:.0f} s; predicts
  {metrics['predict_texts_per_second']:.0f} texts/s (test split, one process); model file
  {metrics['model_bytes'] / 1e6:.1f} MB. Timed on a 2-core machine shared with other work (under load),
  so a quiet machine is faster. Rebuild: `{recipe}`.
- **Limits**: English only. A text unrelated to every category still gets its closest categories
  with some probability: categorise complaints (after triage), not arbitrary text.

## Test split

{markdown_table(summary_rows)}

Macro averages over the categories with at least one positive in the test split. "Rolled up to
parent categories": a parent category counts as assigned (true) when any of its scored
sub-categories is assigned (true).

## Parent categories (test split)

{markdown_table(parent_table)}

## Per category (test split)

{markdown_table(table)}
{comparison}"""


if __name__ == "__main__":
    main()
