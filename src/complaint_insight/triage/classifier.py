"""The complaint classifier: is this feedback an expression of dissatisfaction needing a response?

A scikit-learn estimator (``fit`` / ``predict`` / ``predict_proba``, parameters in ``__init__``,
learned state in ``*_``) so it composes with ``Pipeline``, ``clone`` and ``GridSearchCV``.
Probabilities are calibrated with Platt scaling fitted on out-of-fold scores, so the final model
is trained on all the data and still gives honest probabilities.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils.validation import check_is_fitted

from complaint_insight import artifacts
from complaint_insight.triage import model_format
from complaint_insight.triage.features import EmbeddingFeatures, LexiconFeatures, TextCleaner

FEATURE_BLOCKS = ("words", "chars", "lexicon", "static", "minilm")


def _as_texts(X) -> list[str]:
    if isinstance(X, str):
        raise TypeError("expected a sequence of texts, got a single string; wrap it in a list")
    if hasattr(X, "ndim") and getattr(X, "ndim", 1) == 2:
        if X.shape[1] != 1:
            raise ValueError(f"expected one text column, got {X.shape[1]} columns")
        X = X.iloc[:, 0] if hasattr(X, "iloc") else X[:, 0]
    texts = list(X)
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"row {i}: expected str, got {type(t).__name__} (use Triager for mixed input)")
    return texts


class ComplaintClassifier(ClassifierMixin, BaseEstimator):
    """Calibrated linear classifier over word n-grams, lexicon sentiment and (optionally) embeddings.

    Parameters
    ----------
    features : str
        ``+``-joined feature blocks from ``words`` (TF-IDF 1-2-grams), ``chars`` (TF-IDF char
        2-5-grams), ``lexicon`` (VADER-lexicon sentiment with negation and "but"), ``static``
        (bundled static embeddings), ``minilm`` (all-MiniLM-L6-v2 via sentence-transformers).
    C : float
        Inverse regularisation strength of the logistic regression.
    class_weight : "balanced" or None
    calibration : "sigmoid", "isotonic" or None
        How out-of-fold scores are mapped to probabilities.
    cv : int
        Folds used to produce the out-of-fold scores for calibration.
    threshold : float
        ``predict`` returns 1 when the calibrated probability is at least this.
    embedding_scale : float
        Weight of the embedding block relative to the sparse features.
    random_state : int
    """

    def __init__(
        self,
        features: str = "words+lexicon",
        C: float = 4.0,
        class_weight: str | None = "balanced",
        calibration: str | None = "sigmoid",
        cv: int = 5,
        threshold: float = 0.5,
        embedding_scale: float = 0.03,
        min_df: int = 2,
        random_state: int = 0,
    ):
        self.features = features
        self.C = C
        self.class_weight = class_weight
        self.calibration = calibration
        self.cv = cv
        self.threshold = threshold
        self.embedding_scale = embedding_scale
        self.min_df = min_df
        self.random_state = random_state

    # -- construction -------------------------------------------------------------------
    def _blocks(self) -> list[str]:
        blocks = [b.strip() for b in self.features.split("+") if b.strip()]
        unknown = [b for b in blocks if b not in FEATURE_BLOCKS]
        if not blocks or unknown:
            raise ValueError(f"features={self.features!r}: choose '+'-joined blocks from {FEATURE_BLOCKS}")
        return blocks

    def _make_pipeline(self) -> Pipeline:
        parts = []
        for block in self._blocks():
            if block == "words":
                parts.append(("words", TfidfVectorizer(ngram_range=(1, 2), min_df=self.min_df, sublinear_tf=True,
                                                       dtype=np.float32)))
            elif block == "chars":
                parts.append(("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=self.min_df,
                                                       sublinear_tf=True, max_features=200_000, dtype=np.float32)))
            elif block == "lexicon":
                parts.append(("lexicon", LexiconFeatures()))
            else:
                parts.append((block, EmbeddingFeatures(embedder=block, scale=self.embedding_scale)))
        model = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=5000, random_state=self.random_state)
        return Pipeline([("clean", TextCleaner()), ("features", FeatureUnion(parts)), ("model", model)])

    # -- estimator API -------------------------------------------------------------------
    def fit(self, X, y, sample_weight=None):
        texts = _as_texts(X)
        y = np.asarray(y).astype(int)
        if len(texts) != len(y):
            raise ValueError(f"X has {len(texts)} texts but y has {len(y)} labels")
        if set(np.unique(y)) - {0, 1}:
            raise ValueError("labels must be 0 (not a complaint) or 1 (complaint)")
        self.classes_ = np.array([0, 1])
        sw = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        fit_params = {} if sw is None else {"model__sample_weight": sw}
        pipeline = self._make_pipeline()
        if self.calibration is not None:
            if self.calibration not in ("sigmoid", "isotonic"):
                raise ValueError("calibration must be 'sigmoid', 'isotonic' or None")
            folds = StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state)
            scores = cross_val_predict(pipeline, texts, y, cv=folds, method="decision_function", params=fit_params)
            if self.calibration == "sigmoid":
                self.calibrator_ = LogisticRegression(C=1e4).fit(scores.reshape(-1, 1), y, sample_weight=sw)
            else:
                self.calibrator_ = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(
                    scores, y, sample_weight=sw
                )
        else:
            self.calibrator_ = None
        self.pipeline_ = pipeline.fit(texts, y, **fit_params)
        for _, transformer in self.pipeline_.named_steps["features"].transformer_list:
            # sklearn keeps every pruned n-gram in stop_words_; it is only for inspection and
            # would make the saved model many times larger.
            if hasattr(transformer, "stop_words_"):
                del transformer.stop_words_
        self.n_features_in_ = 1
        return self

    def decision_function(self, X) -> np.ndarray:
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.decision_function(_as_texts(X))

    def predict_proba(self, X) -> np.ndarray:
        scores = self.decision_function(X)
        if self.calibrator_ is None:
            p = 1.0 / (1.0 + np.exp(-scores))
        elif isinstance(self.calibrator_, IsotonicRegression):
            p = self.calibrator_.predict(scores)
        else:
            p = self.calibrator_.predict_proba(scores.reshape(-1, 1))[:, 1]
        p = np.clip(p, 0.0, 1.0)
        return np.column_stack([1.0 - p, p])

    def predict(self, X) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= self.threshold).astype(int)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags

    # -- explanation ------------------------------------------------------------------------
    def ngram_weights(self) -> dict[str, float]:
        """Signed weight of every word n-gram (positive pushes towards 'complaint')."""
        check_is_fitted(self, "pipeline_")
        names = self.pipeline_.named_steps["features"].get_feature_names_out()
        coef = self.pipeline_.named_steps["model"].coef_[0]
        return {
            name[len("words__"):]: float(weight)
            for name, weight in zip(names.tolist(), coef.tolist())
            if name.startswith("words__")
        }

    # -- persistence ------------------------------------------------------------------------
    def save(self, folder: str | Path, *, recipe: str = "", card: str | None = None, metrics: dict | None = None) -> Path:
        """Write JSON + ``.npz`` (no pickle) with a hashed manifest; see :mod:`.model_format`."""
        check_is_fitted(self, "pipeline_")
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        model_format.write(self, folder)
        if card is not None:
            (folder / "MODEL_CARD.md").write_text(card, encoding="utf-8")
        if metrics is not None:
            artifacts.write_json(folder / "metrics.json", metrics)
        artifacts.write_manifest(folder, kind=model_format.KIND, recipe=recipe, extra={"features": self.features})
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> "ComplaintClassifier":
        """Rebuild the fitted scikit-learn estimator from a saved folder (hash-checked)."""
        return model_format.read_estimator(Path(folder), cls)
