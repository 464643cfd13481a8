"""Feature transformers for the complaint classifier (scikit-learn transformer contract).

Each transformer is stateless or keeps its learned state in ``*_`` attributes, holds only
plain parameters (so ``clone`` works), and loads heavy resources (embedding model, sentiment
lexicon) lazily through a process-wide cache.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

from complaint_insight.text import clean_for_model
from complaint_insight.triage.lexicon import FEATURE_NAMES, sentiment_matrix


class TextCleaner(TransformerMixin, BaseEstimator):
    """Apply :func:`complaint_insight.text.clean_for_model` to every text."""

    def fit(self, X, y=None):
        self.n_features_in_ = 1
        return self

    def transform(self, X):
        return [clean_for_model(t) for t in X]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = False
        return tags


class LexiconFeatures(TransformerMixin, BaseEstimator):
    """Lexicon sentiment features (:mod:`complaint_insight.triage.lexicon`), scaled.

    Sentiment carries across sources far better than vocabulary does: on the shared corpora,
    adding these nine numbers to TF-IDF raised leave-one-corpus-out ROC AUC from 0.78 to 0.83.
    """

    def __init__(self, scale: float = 1.0):
        self.scale = scale

    def fit(self, X, y=None):
        self.n_features_in_ = 1
        return self

    def transform(self, X):
        return sparse.csr_matrix(sentiment_matrix(X) * self.scale)

    def get_feature_names_out(self, input_features=None):
        return np.array(FEATURE_NAMES, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = False
        return tags


class EmbeddingFeatures(TransformerMixin, BaseEstimator):
    """Sentence embeddings from a named embedder, standardised and scaled.

    Parameters
    ----------
    embedder : str
        ``"static"`` (bundled model2vec model), ``"minilm"`` (sentence-transformers) or a model folder.
        Only the name is stored, so a saved classifier stays small and never embeds model weights.
    scale : float
        Multiplier after standardisation; small values let sparse n-grams lead.
    """

    def __init__(self, embedder: str = "static", scale: float = 0.03):
        self.embedder = embedder
        self.scale = scale

    def _encode(self, X):
        from complaint_insight.embed import get_embedder

        return get_embedder(self.embedder).encode(list(X))

    def fit(self, X, y=None):
        vectors = self._encode(X)
        self.mean_ = vectors.mean(axis=0)
        self.std_ = vectors.std(axis=0) + 1e-6
        self.n_features_in_ = 1
        return self

    def transform(self, X):
        vectors = self._encode(X)
        return sparse.csr_matrix(((vectors - self.mean_) / self.std_ * self.scale).astype(np.float32))

    def get_feature_names_out(self, input_features=None):
        return np.array([f"dim{i}" for i in range(len(self.mean_))], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags
