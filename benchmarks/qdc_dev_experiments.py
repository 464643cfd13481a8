"""Development experiments for the QDC categoriser: which head, features and decision rule.

    python benchmarks/qdc_dev_experiments.py [--cache /tmp/qdc-dev] 'C=0.1' 'C=0.1,emb_scale=0.05' ...

Each argument is one setting (keyword arguments of ``run`` below). Every setting is scored on a
fixed development split carved from the QDC *train* split (20% of it, seed 0; --seed draws another), never on the test
split, exactly as ``Categoriser.fit`` would do it: heads over TF-IDF (and optionally the static
embedding), 5-fold out-of-fold scores stacked with the zero-shot prior, F1-optimal per-category
thresholds on the out-of-fold probabilities, and the optional at-least-one floor learned there too.
It prints sub-category macro/micro F1 (35 categories with at least 25 labelled comments) before
and after the at-least-one rule, and the parent-category F1 after rolling up. Embeddings and prior
logits are cached in --cache (derived from the corpus; keep it outside the repository).
Needs the shared datasets (COMPLAINT_INSIGHT_DATASETS or ../shared/datasets).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
from scipy import sparse  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import KFold  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from complaint_insight.taxonomy import Categoriser, load_taxonomy  # noqa: E402
from complaint_insight.taxonomy.categoriser import _best_f1_threshold, _best_floor  # noqa: E402
from complaint_insight.taxonomy.corpora import qdc_corpus  # noqa: E402
from complaint_insight.taxonomy.prior import prior_logits  # noqa: E402
from complaint_insight.text import clean_for_model  # noqa: E402

DEV_SHARE, MIN_COUNT = 0.2, 25


def build_cache(cache: Path, seed: int = 0) -> None:
    rows, labels = qdc_corpus()
    tax = load_taxonomy("qdc")
    counts = labels.sum()
    kept = [c for c in tax.predicted_ids if counts[c] >= MIN_COUNT]
    train = np.flatnonzero((rows["split"] == "train").to_numpy())
    perm = np.random.default_rng(seed).permutation(len(train))
    cut = int(round(DEV_SHARE * len(train)))
    dev, tr = np.sort(train[perm[:cut]]), np.sort(train[perm[cut:]])
    texts = [clean_for_model(t) for t in rows["text"].tolist()]
    cat = Categoriser("qdc")
    cat._ready()
    ex_texts, ex_Y = cat._taxonomy_examples()  # the taxonomy's own examples train every head, as in fit
    allt = texts + ex_texts
    emb = cat._embedder().encode(allt)
    prior = prior_logits(cat._similarity_prior().similarity(emb), cat.calibration_)
    cols = [tax.predicted_ids.index(c) for c in kept]
    cache.mkdir(parents=True, exist_ok=True)
    np.savez(cache / "base.npz", emb=emb, prior=prior[:, cols], Y=labels[kept].to_numpy().astype(np.int8),
             exY=ex_Y[:, cols], tr=tr, dev=dev)
    (cache / "meta.json").write_text(json.dumps({"kept": kept, "texts": allt, "n": len(texts)}))


class Experiment:
    def __init__(self, cache: Path):
        base = np.load(cache / "base.npz")
        meta = json.loads((cache / "meta.json").read_text())
        self.kept, self.texts, n = meta["kept"], meta["texts"], meta["n"]
        self.Y, self.exY, self.emb, self.prior = base["Y"], base["exY"], base["emb"], base["prior"]
        self.tr, self.dev = base["tr"], base["dev"]
        self.fit_rows = np.concatenate([self.tr, np.arange(n, len(self.texts))])
        tax = load_taxonomy("qdc")
        parents = list(dict.fromkeys(tax.by_id[c].parent for c in self.kept))
        self.to_parent = np.array([[tax.by_id[c].parent == p for p in parents] for c in self.kept], dtype=int)
        self._blocks: dict[str, sparse.csr_matrix] = {}

    def block(self, kind: str):
        if kind not in self._blocks:
            common = dict(min_df=2, sublinear_tf=True, dtype=np.float32)
            vectorizer = {
                "words": lambda: TfidfVectorizer(ngram_range=(1, 2), **common),
                "char_wb": lambda: TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), max_features=200_000, **common),
                "char": lambda: TfidfVectorizer(analyzer="char", ngram_range=(2, 5), max_features=200_000, **common),
            }[kind]()
            vectorizer.fit([self.texts[i] for i in self.fit_rows])
            self._blocks[kind] = vectorizer.transform(self.texts).tocsr()
        return self._blocks[kind]

    def features(self, blocks, emb_scale: float):
        parts = [self.block(b) for b in blocks]
        if emb_scale:
            fitted = self.emb[self.fit_rows]
            mean, std = fitted.mean(0), fitted.std(0) + 1e-6
            parts.append(sparse.csr_matrix(((self.emb - mean) / std * emb_scale).astype(np.float32)))
        return sparse.hstack(parts, format="csr")

    def scores(self, Y, P) -> dict:
        present = Y.sum(0) > 0
        f1 = f1_score(Y, P, average=None, zero_division=0)
        Yp, Pp = (Y @ self.to_parent > 0).astype(int), (P @ self.to_parent > 0).astype(int)
        fp = f1_score(Yp, Pp, average=None, zero_division=0)
        return {"macro": f1[present].mean(), "micro": f1_score(Y, P, average="micro", zero_division=0),
                "parent_macro": fp[Yp.sum(0) > 0].mean(), "parent_micro": f1_score(Yp, Pp, average="micro", zero_division=0)}

    def run(self, blocks=("words", "char_wb"), emb_scale=0.0, head="svc", C=0.1, cw="balanced", use_prior=True, cv=5):
        def make():
            if head == "svc":
                return LinearSVC(C=C, class_weight=cw, random_state=0)
            return LogisticRegression(C=C, class_weight=cw, max_iter=2000, solver="liblinear")

        start = time.time()
        X = self.features(blocks, emb_scale)
        Xf, Yf = X[self.fit_rows], np.vstack([self.Y[self.tr], self.exY])
        k, ntr = self.Y.shape[1], len(self.tr)
        extra = np.arange(ntr, Xf.shape[0])
        folds = list(KFold(cv, shuffle=True, random_state=0).split(np.arange(ntr)))
        oof, dev_scores = np.zeros((ntr, k)), np.zeros((len(self.dev), k))
        for j in range(k):
            for a, b in folds:
                rows = np.concatenate([a, extra])
                oof[b, j] = make().fit(Xf[rows], Yf[rows, j]).decision_function(Xf[b])
            dev_scores[:, j] = make().fit(Xf, Yf[:, j]).decision_function(X[self.dev])
        grid = np.round(np.arange(0.02, 0.96, 0.01), 2)
        p_oof, p_dev, thresholds = np.zeros_like(oof), np.zeros_like(dev_scores), np.zeros(k)
        for j in range(k):
            S = np.column_stack([oof[:, j], self.prior[self.tr, j]]) if use_prior else oof[:, [j]]
            Sd = np.column_stack([dev_scores[:, j], self.prior[self.dev, j]]) if use_prior else dev_scores[:, [j]]
            stacker = LogisticRegression(C=1.0, max_iter=1000).fit(S, self.Y[self.tr, j])
            p_oof[:, j], p_dev[:, j] = stacker.predict_proba(S)[:, 1], stacker.predict_proba(Sd)[:, 1]
            thresholds[j] = _best_f1_threshold(self.Y[self.tr, j], p_oof[:, j], grid)
        floor = _best_floor(self.Y[self.tr], p_oof, thresholds)
        P = p_dev >= thresholds
        forced = P.copy()
        top = p_dev.argmax(1)
        rows = np.flatnonzero(~P.any(1) & (p_dev[np.arange(len(P)), top] >= floor))
        forced[rows, top[rows]] = True
        return {"base": self.scores(self.Y[self.dev], P.astype(int)),
                "at_least_one": self.scores(self.Y[self.dev], forced.astype(int)),
                "floor": floor, "seconds": time.time() - start}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", default="/tmp/qdc-dev")
    parser.add_argument("--seed", type=int, default=0, help="seed of the dev split (another seed: another dev split)")
    parser.add_argument("settings", nargs="*", default=["C=0.1"])
    args = parser.parse_args()
    cache = Path(args.cache) / f"seed{args.seed}"
    if not (cache / "base.npz").exists():
        build_cache(cache, args.seed)
    experiment = Experiment(cache)
    print("| setting | macro_f1 | micro_f1 | +at-least-one macro_f1 | micro_f1 | floor | parent macro_f1 | parent micro_f1 | seconds |")
    print("|---|---|---|---|---|---|---|---|---|")
    for setting in args.settings:
        r = experiment.run(**eval(f"dict({setting})"))  # noqa: S307 - the user's own command-line settings
        b, a = r["base"], r["at_least_one"]
        print(f"| {setting} | {b['macro']:.3f} | {b['micro']:.3f} | {a['macro']:.3f} | {a['micro']:.3f} | {r['floor']:.2f} "
              f"| {a['parent_macro']:.3f} | {a['parent_micro']:.3f} | {r['seconds']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
