"""Multi-label categorisation of feedback against a taxonomy, zero-shot or trained.

Without training, every category gets a probability from its description and examples
(:mod:`complaint_insight.taxonomy.prior`). ``fit(texts, labels)`` adds, for each category with
enough labelled positives, a logistic-regression head over TF-IDF word n-grams and sentence
embeddings; its out-of-fold scores are stacked with the prior into a calibrated probability
(so a category with few positives leans on its description, one with many on its data).
The heads are linear SVMs over TF-IDF word 1-2-grams and character 2-5-grams: on the NHS FFT
corpus, character n-grams raised the heads' mean average precision from 0.50 to 0.55. The static
embeddings as a head block help only at a low weight (``embedding_scale`` ≈ 0.05 beside the
TF-IDF blocks; at 0.1 they added nothing), which is how the shipped QDC model uses them
(docs/benchmarks/taxonomy.md); ``features`` adds them.
Categories with too few positives keep the prior. Each category has its own threshold:
F1-optimal on out-of-fold scores after ``fit``, or tuned towards a recall target with
``tune_thresholds``; thresholds are saved with the model. Optionally (``at_least_one``) a text
that reaches no threshold gets its most probable category when that clears a learned floor.
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer

from complaint_insight import artifacts
from complaint_insight.errors import InputError
from complaint_insight.text import clean_for_model, coerce_text, content_status
from complaint_insight.taxonomy.labels import label_matrix
from complaint_insight.taxonomy import model_format
from complaint_insight.taxonomy.loader import load_taxonomy
from complaint_insight.taxonomy.prior import SimilarityPrior, load_calibration, prior_logits, sigmoid
from complaint_insight.taxonomy.result import Categorisation, CategoryScore, probability_column
from complaint_insight.taxonomy.result import severity_column as severity_column_name
from complaint_insight.taxonomy.schema import Taxonomy

KIND = "taxonomy-categoriser"
FEATURE_BLOCKS = ("words", "chars", "embedding")


def _texts(X) -> list[str]:
    if isinstance(X, (str, bytes)):
        raise TypeError("expected a sequence of texts, got a single string; wrap it in a list")
    if hasattr(X, "ndim") and getattr(X, "ndim", 1) == 2:
        if X.shape[1] != 1:
            raise ValueError(f"expected one text column, got {X.shape[1]} columns")
        X = X.iloc[:, 0] if hasattr(X, "iloc") else X[:, 0]
    return [coerce_text(t, row=i) for i, t in enumerate(X)]


def _best_f1_threshold(y: np.ndarray, p: np.ndarray, grid: np.ndarray) -> float:
    positives = y.sum()
    if positives == 0:
        return math.nan
    best, best_t = -1.0, 0.5
    for t in grid:
        pred = p >= t
        tp = float((pred & (y == 1)).sum())
        f1 = 2 * tp / (pred.sum() + positives) if tp else 0.0
        if f1 > best:  # ties keep the lower threshold (the grid ascends): recall over precision
            best, best_t = f1, float(t)
    return best_t


def _recall_threshold(y: np.ndarray, p: np.ndarray, target: float) -> float:
    """The highest threshold whose recall on (y, p) is at least ``target``."""
    scores = np.sort(p[y == 1])[::-1]
    if len(scores) == 0:
        return math.nan
    needed = max(1, math.ceil(target * len(scores) - 1e-9))
    return float(scores[needed - 1])


def _best_floor(Y: np.ndarray, p: np.ndarray, thresholds: np.ndarray) -> float:
    """Floor of the at-least-one rule that maximises macro + micro F1 on (Y, p); 1.0 = rule off."""
    if Y.shape[1] == 0 or len(Y) == 0:
        return 1.0
    base = p >= thresholds
    empty = ~base.any(axis=1)
    top = p.argmax(axis=1)
    top_p = p[np.arange(len(p)), top]
    present = Y.sum(axis=0) > 0

    def quality(pred: np.ndarray) -> float:
        tp = (pred & (Y == 1)).sum(axis=0)
        denom = pred.sum(axis=0) + Y.sum(axis=0)
        f1 = np.divide(2 * tp, denom, out=np.zeros(len(tp)), where=denom > 0)
        micro = 2 * tp.sum() / max(denom.sum(), 1)
        return float(f1[present].mean() + micro) if present.any() else float(micro)

    best, best_floor = quality(base), 1.0
    for floor in np.round(np.arange(0.02, 0.6, 0.02), 2)[::-1]:  # ties keep the higher floor: fewer forced labels
        pred = base.copy()
        rows = np.flatnonzero(empty & (top_p >= floor))
        pred[rows, top[rows]] = True
        score = quality(pred)
        if score > best + 1e-12:
            best, best_floor = score, float(floor)
    return best_floor


class Categoriser(BaseEstimator):
    """Assign zero or more categories of a taxonomy to each text, each with a probability.

    Parameters
    ----------
    taxonomy : str, Path or Taxonomy
        A built-in name (``"hcat"``, ``"qdc"``, ``"uk_public_services"``, ``"retail"``), a YAML/JSON
        taxonomy file, or a loaded :class:`Taxonomy`.
    embedder : str
        ``"static"`` (bundled, default), ``"minilm"`` or a model folder (see ``complaint_insight.embed``).
    prior : str or None
        Folder of the prior calibration; None uses the shipped ``models/taxonomy-prior``.
    threshold : float
        Threshold of every category that has no tuned one (0.3 suits the calibrated zero-shot
        probabilities, which are rarely above 0.5: see docs/benchmarks/taxonomy.md).
    tune : "f1" or None
        After ``fit``, set each trained category's threshold to the F1-optimal one on its
        out-of-fold probabilities ("f1"), or leave every category at ``threshold`` (None).
    features : str
        ``+``-joined blocks for the trained heads: ``words`` (TF-IDF word 1-2-grams), ``chars``
        (TF-IDF character 2-5-grams), ``embedding`` (the embedder's vectors, standardised).
    C : float
        Inverse regularisation of the per-category linear SVMs.
    min_positives : int
        A category needs at least this many labelled positives to get a trained head.
    use_prior : bool
        Stack the zero-shot prior with the trained head (True) or use the head alone.
    example_weight : float
        Weight of the taxonomy file's own examples as extra training rows (0 leaves them out).
    cv : int
        Folds for the out-of-fold scores that fit the stacking and the thresholds.
    embedding_scale : float
        Weight of the (standardised) embedding block next to the TF-IDF blocks.
    min_df : int
        Minimum document frequency of a word n-gram.
    at_least_one : bool
        When no category reaches its threshold, assign the most probable one if its probability
        is at least a floor learned after ``fit`` (the floor that maximises macro + micro F1 on
        out-of-fold probabilities; 1.0, i.e. never, when the rule does not help there). Suits
        taxonomies where (almost) every text has a category, such as QDC with its
        "Not assigned" label.
    random_state : int
    """

    def __init__(
        self,
        taxonomy: "str | Path | Taxonomy",
        *,
        embedder: str = "static",
        prior: str | None = None,
        threshold: float = 0.3,
        tune: str | None = "f1",
        features: str = "words+chars",
        C: float = 0.1,
        min_positives: int = 5,
        use_prior: bool = True,
        example_weight: float = 1.0,
        cv: int = 5,
        embedding_scale: float = 0.1,
        min_df: int = 2,
        at_least_one: bool = False,
        random_state: int = 0,
    ):
        self.taxonomy = taxonomy
        self.embedder = embedder
        self.prior = prior
        self.threshold = threshold
        self.tune = tune
        self.features = features
        self.C = C
        self.min_positives = min_positives
        self.use_prior = use_prior
        self.example_weight = example_weight
        self.cv = cv
        self.embedding_scale = embedding_scale
        self.min_df = min_df
        self.at_least_one = at_least_one
        self.random_state = random_state

    # -- setup -------------------------------------------------------------------------------
    def _ready(self) -> None:
        """Resolve the taxonomy and the prior calibration (zero-shot use needs no ``fit``)."""
        if not hasattr(self, "taxonomy_"):
            if not 0.0 <= float(self.threshold) <= 1.0:
                raise ValueError(f"threshold must be between 0 and 1, got {self.threshold}")
            self.taxonomy_ = load_taxonomy(self.taxonomy)
            self.classes_ = np.array(self.taxonomy_.predicted_ids, dtype=object)
            self.calibration_ = load_calibration(self.prior)

    def _embedder(self):
        from complaint_insight.embed import get_embedder

        return get_embedder(self.embedder)

    def _similarity_prior(self) -> SimilarityPrior:
        embedder = self._embedder()
        cache = getattr(self, "_prior_cache", None)
        if cache is None or cache[0] != embedder.name:
            cache = (embedder.name, SimilarityPrior(self.taxonomy_, embedder, list(self.classes_)))
            self._prior_cache = cache
        return cache[1]

    @property
    def category_ids(self) -> list[str]:
        self._ready()
        return list(self.classes_)

    @property
    def thresholds(self) -> dict[str, float]:
        """Current threshold of every category."""
        return dict(zip(self.category_ids, self._thresholds().tolist()))

    def _thresholds(self) -> np.ndarray:
        self._ready()
        if hasattr(self, "thresholds_"):
            return self.thresholds_
        return np.full(len(self.classes_), float(self.threshold))

    def assign(self, p: np.ndarray) -> np.ndarray:
        """(n, k) bool from probabilities: categories at or above their thresholds, plus the at-least-one rule."""
        assigned = p >= self._thresholds()
        floor = float(getattr(self, "min_one_floor_", 1.0)) if self.at_least_one else 1.0
        trained = np.flatnonzero(getattr(self, "trained_", np.zeros(0, bool)))
        if floor < 1.0 and len(p) and len(trained):  # the floor was learned on the trained categories only
            top = trained[p[:, trained].argmax(axis=1)]
            rows = np.flatnonzero(~assigned.any(axis=1) & (p[np.arange(len(p)), top] >= floor))
            assigned[rows, top[rows]] = True
        return assigned

    # -- features ------------------------------------------------------------------------------
    def _blocks(self) -> list[str]:
        blocks = [b.strip() for b in self.features.split("+") if b.strip()]
        if not blocks or set(blocks) - set(FEATURE_BLOCKS):
            raise ValueError(f"features={self.features!r}: choose '+'-joined blocks from {FEATURE_BLOCKS}")
        return blocks

    def _fit_vectorizers(self, texts: list[str], vectors: np.ndarray) -> None:
        min_df = min(self.min_df, len(texts))
        self.vectorizers_ = {}
        for block in self._blocks():
            if block == "words":
                vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=min_df, sublinear_tf=True, dtype=np.float32)
            elif block == "chars":
                vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=min_df, sublinear_tf=True,
                                             max_features=200_000, dtype=np.float32)
            else:
                self.emb_mean_ = vectors.mean(axis=0)
                self.emb_std_ = vectors.std(axis=0) + 1e-6
                continue
            vectorizer.fit(texts)
            if hasattr(vectorizer, "stop_words_"):  # only for inspection; it would bloat the saved model
                del vectorizer.stop_words_
            self.vectorizers_[block] = vectorizer

    def _text_features(self, clean: list[str], vectors: np.ndarray):
        parts = []
        for block in self._blocks():
            if block == "embedding":
                dense = (vectors - self.emb_mean_) / self.emb_std_ * self.embedding_scale
                parts.append(sparse.csr_matrix(dense.astype(np.float32)))
            else:
                parts.append(self.vectorizers_[block].transform(clean))
        return sparse.hstack(parts, format="csr")

    def _taxonomy_examples(self) -> tuple[list[str], np.ndarray]:
        texts, rows = [], []
        index = {cid: j for j, cid in enumerate(self.classes_)}
        for category in self.taxonomy_.categories:
            target = self.taxonomy_.rollup(category.id)
            for example in category.examples if target is not None else []:
                row = np.zeros(len(index), dtype=np.int8)
                row[index[target]] = 1
                texts.append(clean_for_model(example))
                rows.append(row)
        return texts, (np.vstack(rows) if rows else np.zeros((0, len(index)), np.int8))

    # -- estimator API ---------------------------------------------------------------------------
    def fit(self, X, labels, sample_weight=None):
        """Train on labelled texts. ``labels``: see :mod:`complaint_insight.taxonomy.labels`."""
        from sklearn.linear_model import LogisticRegression  # training only: loading a model stays light

        for name in [n for n in vars(self) if n.endswith("_") and not n.startswith("__")]:
            delattr(self, name)
        self._prior_cache = None
        self._ready()
        if self.tune not in ("f1", None):
            raise ValueError("tune must be 'f1' or None")
        texts = _texts(X)
        lm = label_matrix(self.taxonomy_, labels, len(texts))
        weights = np.ones(len(texts)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        if weights.shape != (len(texts),):
            raise InputError(f"got {len(texts)} texts but {len(weights)} sample weights")
        clean_all = [clean_for_model(t) for t in texts]
        keep = np.array([bool(c) for c in clean_all])  # nothing to learn from an empty text
        clean = [c for c, k in zip(clean_all, keep) if k]
        Y, weights = lm.Y[keep], weights[keep]
        n_labelled = len(clean)
        if n_labelled == 0:
            raise InputError("no non-empty texts to learn from")

        ex_texts, ex_Y = self._taxonomy_examples() if self.example_weight > 0 else ([], None)
        all_texts = clean + ex_texts
        all_Y = np.vstack([Y, ex_Y]) if ex_texts else Y
        all_w = np.concatenate([weights, np.full(len(ex_texts), float(self.example_weight))])

        vectors = self._embedder().encode(all_texts)
        self._fit_vectorizers(all_texts, vectors)
        features = self._text_features(all_texts, vectors)
        prior = prior_logits(self._similarity_prior().similarity(vectors), self.calibration_)

        self.positives_ = np.where(lm.labelled, Y.sum(axis=0), 0).astype(int)
        trained = np.flatnonzero(lm.labelled & (self.positives_ >= self.min_positives) & (self.positives_ < n_labelled))
        self.trained_ = np.zeros(len(self.classes_), bool)
        self.trained_[trained] = True
        self.n_train_rows_ = n_labelled

        oof = self._out_of_fold(features, all_Y, all_w, n_labelled, trained)
        thresholds = np.full(len(self.classes_), float(self.threshold))
        coefs, intercepts, stack = [], [], []
        grid = np.round(np.arange(0.02, 0.96, 0.01), 2)
        p_oof = np.zeros((n_labelled, len(trained)))
        for col, j in enumerate(trained):
            stack_X = self._stack_inputs(oof[:, col], prior[:n_labelled, j])
            stacker = LogisticRegression(C=1.0, max_iter=1000).fit(stack_X, Y[:, j], sample_weight=weights)
            stack.append(np.r_[stacker.coef_[0], stacker.intercept_[0]])
            p_oof[:, col] = stacker.predict_proba(stack_X)[:, 1]
            if self.tune == "f1":
                thresholds[j] = _best_f1_threshold(Y[:, j], p_oof[:, col], grid)
            head = self._head().fit(features, all_Y[:, j], sample_weight=all_w)
            coefs.append(head.coef_[0].astype(np.float32))
            intercepts.append(head.intercept_[0])
        dim = features.shape[1]
        self.head_coef_ = np.vstack(coefs) if coefs else np.zeros((0, dim), np.float32)
        self.head_intercept_ = np.asarray(intercepts, dtype=float)
        self.stack_coef_ = np.vstack(stack) if stack else np.zeros((0, 3 if self.use_prior else 2))
        self.thresholds_ = thresholds
        self.min_one_floor_ = _best_floor(Y[:, trained], p_oof, thresholds[trained]) if self.at_least_one else 1.0
        return self

    def _head(self):
        from sklearn.svm import LinearSVC

        # Only the ranking of its scores matters: the stacking regression calibrates them.
        return LinearSVC(C=self.C, class_weight="balanced", random_state=self.random_state)

    def _stack_inputs(self, head_score: np.ndarray, prior_logit: np.ndarray) -> np.ndarray:
        return np.column_stack([head_score, prior_logit]) if self.use_prior else head_score.reshape(-1, 1)

    def _out_of_fold(self, features, Y, weights, n_labelled: int, trained: np.ndarray) -> np.ndarray:
        """Decision scores of each trained category's head on rows it did not see (examples always train)."""
        from sklearn.model_selection import KFold

        oof = np.zeros((n_labelled, len(trained)))
        extra = np.arange(n_labelled, features.shape[0])
        folds = KFold(n_splits=min(self.cv, n_labelled), shuffle=True, random_state=self.random_state)
        for train_idx, test_idx in folds.split(np.arange(n_labelled)):
            rows = np.concatenate([train_idx, extra])
            X_train, X_test = features[rows], features[test_idx]
            for col, j in enumerate(trained):
                y = Y[rows, j]
                if y.min() == y.max():  # this fold saw one class only: score at that side's SVM margin
                    oof[test_idx, col] = 1.0 if y[0] else -1.0
                    continue
                head = self._head().fit(X_train, y, sample_weight=weights[rows])
                oof[test_idx, col] = head.decision_function(X_test)
        return oof

    def _logits(self, texts: list[str]) -> np.ndarray:
        """(n, k) logits; rows with no text after cleaning get -inf (probability 0)."""
        self._ready()
        clean = [clean_for_model(t) for t in texts]
        logits = np.full((len(clean), len(self.classes_)), -np.inf)
        rows = np.array([i for i, c in enumerate(clean) if c], dtype=int)
        if len(rows) == 0:
            return logits
        kept = [clean[i] for i in rows]
        vectors = self._embedder().encode(kept)
        prior = prior_logits(self._similarity_prior().similarity(vectors), self.calibration_)
        block = prior.copy()
        trained = np.flatnonzero(getattr(self, "trained_", np.zeros(len(self.classes_), bool)))
        if len(trained):
            scores = np.asarray(self._text_features(kept, vectors) @ self.head_coef_.T) + self.head_intercept_
            inputs = np.stack([scores, prior[:, trained]], axis=-1) if self.use_prior else scores[..., None]
            block[:, trained] = (inputs * self.stack_coef_[:, :-1]).sum(axis=-1) + self.stack_coef_[:, -1]
        logits[rows] = block
        return logits

    def predict_proba(self, X) -> np.ndarray:
        """(n, k) probability of each category (columns in ``classes_`` order)."""
        return sigmoid(self._logits(_texts(X)))

    def predict(self, X) -> np.ndarray:
        """(n, k) 0/1 indicator of the categories at or above their thresholds."""
        return self.assign(self.predict_proba(X)).astype(int)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = False  # zero-shot works from the taxonomy alone
        return tags

    # -- thresholds ------------------------------------------------------------------------------
    def tune_thresholds(self, X, labels, *, target_recall: float | None = None) -> "Categoriser":
        """Set each category's threshold from labelled rows (ideally ones the model did not train on).

        With ``target_recall`` (e.g. 0.8), each threshold is the highest that still finds that share
        of the category's positives; otherwise the F1-optimal one. Categories with no positive
        among the rows keep their threshold.
        """
        if target_recall is not None and not 0.0 < target_recall <= 1.0:
            raise ValueError(f"target_recall must be in (0, 1], got {target_recall}")
        texts = _texts(X)
        self._ready()
        Y = label_matrix(self.taxonomy_, labels, len(texts))
        p = self.predict_proba(texts)
        thresholds = self._thresholds().copy()
        grid = np.round(np.arange(0.01, 0.96, 0.01), 2)
        for j in np.flatnonzero(Y.labelled):
            y = Y.Y[:, j]
            new = _recall_threshold(y, p[:, j], target_recall) if target_recall else _best_f1_threshold(y, p[:, j], grid)
            if not math.isnan(new):
                thresholds[j] = new
        self.thresholds_ = thresholds
        return self

    def set_thresholds(self, thresholds: "float | dict[str, float]") -> "Categoriser":
        """Set one threshold for every category, or some categories' thresholds by id."""
        current = self._thresholds().copy()
        if isinstance(thresholds, dict):
            index = {cid: j for j, cid in enumerate(self.classes_)}
            for cid, value in thresholds.items():
                if cid not in index:
                    raise InputError(f"unknown category {cid!r}; categories are: {', '.join(self.classes_)}")
                current[index[cid]] = float(value)
        else:
            current[:] = float(thresholds)
        if ((current < 0) | (current > 1)).any():
            raise ValueError("thresholds must be between 0 and 1")
        self.thresholds_ = current
        return self

    # -- user-facing results -----------------------------------------------------------------------
    def categorise(
        self,
        texts: Iterable[Any],
        *,
        ids: Sequence[Any] | None = None,
        overall_severity: Sequence[int | None] | None = None,
    ) -> list[Categorisation]:
        """Categorise texts, most probable category first.

        ``overall_severity``: one HCAT severity (0-3, or None/-1 for none) per text, such as the
        triage ``severity`` column; it is attached to every category assigned to that text.
        """
        if isinstance(texts, (str, bytes)):
            raise TypeError("categorise expects a sequence of texts; wrap a single text in a list")
        raw = list(texts)
        names = list(ids) if ids is not None else list(range(len(raw)))
        if len(names) != len(raw):
            raise ValueError(f"got {len(raw)} texts but {len(names)} ids")
        strings = [coerce_text(t, row=name) for t, name in zip(raw, names)]
        overall = self._overall(overall_severity, len(strings))
        statuses = [content_status(s) for s in strings]
        self._ready()
        p = sigmoid(self._logits([s if st == "ok" else "" for s, st in zip(strings, statuses)]))
        assigned = self.assign(p) & np.array([st == "ok" for st in statuses], dtype=bool)[:, None]  # dtype: an empty batch is bool too
        thresholds = self._thresholds()
        results = []
        for i, status in enumerate(statuses):
            chosen = sorted(np.flatnonzero(assigned[i]), key=lambda j: -p[i, j])
            probabilities = None if status == "unreadable" else dict(zip(self.classes_, p[i].round(6).tolist()))
            level = overall[i] if overall is not None else None
            results.append(
                Categorisation(
                    id=ids[i] if ids is not None else None,
                    taxonomy=self.taxonomy_.id,
                    status=status,
                    probabilities=probabilities,
                    categories=[
                        CategoryScore(
                            id=self.classes_[j],
                            name=self.taxonomy_.by_id[self.classes_[j]].label,
                            probability=float(p[i, j]),
                            threshold=float(thresholds[j]),
                            severity=level,
                        )
                        for j in chosen
                    ],
                )
            )
        return results

    @staticmethod
    def _overall(values, n: int) -> list[int | None] | None:
        if values is None:
            return None
        values = list(values)
        if len(values) != n:
            raise ValueError(f"got {n} texts but {len(values)} overall severities")
        out = []
        for i, value in enumerate(values):
            if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value == "":
                out.append(None)
                continue
            try:
                level = int(float(value))
            except (TypeError, ValueError):
                raise InputError(f"row {i}: overall severity must be 0-3, got {value!r}") from None
            out.append(None if level < 0 else min(level, 3))  # triage writes -1 for "none given"
        return out

    def categorise_frame(
        self,
        frame: pd.DataFrame,
        text_column: str = "text",
        *,
        id_column: str | None = None,
        severity_column: str | None = None,
    ) -> pd.DataFrame:
        """Return ``frame`` (same rows, order, index, columns) with ``categories``, ``category_status``,
        ``p_<id>`` per category, and — when ``severity_column`` names a column of overall
        severities (e.g. triage output) — ``severity_<id>`` per category (-1 where not assigned)."""
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")
        for role, column in (("text", text_column), ("id", id_column), ("severity", severity_column)):
            if column is not None and column not in frame.columns:
                raise InputError(
                    f"{role} column {column!r} not found; available columns: {', '.join(map(str, frame.columns))}"
                )
        ids = frame[id_column].tolist() if id_column else [f"index {i!r}" for i in frame.index]
        overall = frame[severity_column].tolist() if severity_column else None
        results = self.categorise(frame[text_column].tolist(), ids=ids, overall_severity=overall)
        with_severity = overall is not None
        columns = ["categories", "category_status", *map(probability_column, self.classes_)]
        if with_severity:
            columns += list(map(severity_column_name, self.classes_))
        rows = pd.DataFrame(
            [r.to_row(list(self.classes_), with_severity=with_severity) for r in results], index=frame.index, columns=columns
        )
        clashes = [c for c in rows.columns if c in frame.columns]
        if clashes:
            warnings.warn(f"replacing existing column(s) {clashes} with new categorisation results", stacklevel=2)
        out = frame.drop(columns=clashes) if clashes else frame.copy()
        return pd.concat([out, rows], axis=1)

    # -- persistence -------------------------------------------------------------------------------
    def save(self, folder: str | Path, *, recipe: str = "", card: str | None = None, metrics: dict | None = None) -> Path:
        """Write the model (taxonomy, prior calibration, heads, thresholds) to ``folder`` with a manifest."""
        self._ready()
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        model_format.write(self, folder)  # the taxonomy itself is saved, not where its file was
        if card is not None:
            (folder / "MODEL_CARD.md").write_text(card, encoding="utf-8")
        if metrics is not None:
            artifacts.write_json(folder / "metrics.json", metrics)
        artifacts.write_manifest(
            folder,
            kind=KIND,
            recipe=recipe,
            extra={"taxonomy": self.taxonomy_.id, "taxonomy_version": self.taxonomy_.version, "embedder": self.embedder},
        )
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> "Categoriser":
        folder = Path(folder)
        artifacts.verify(folder, kind=KIND)
        return model_format.read(folder, cls)

    def is_trained(self) -> bool:
        """True when at least one category has a trained head (otherwise it is zero-shot)."""
        return bool(getattr(self, "trained_", np.zeros(0, bool)).any())
