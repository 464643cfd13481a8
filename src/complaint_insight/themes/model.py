"""ThemeModel: discover named themes in complaints, assign new ones, keep edits across refits.

The pipeline is clean -> canonical order (de-duplicated, hash-sorted) -> embed -> cluster ->
label. Every step after cleaning sees only the canonical list, so row order cannot change the
result. Each theme has a centroid on the unit sphere; a text belongs to the theme with the most
similar centroid unless its cosine distance exceeds ``distance_threshold_`` (learned at fit as
a high quantile of the fitted texts' distances), in which case it is "unassigned".
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin, clone

from complaint_insight.errors import InputError, InputTypeError
from complaint_insight.themes.canonical import Canonical, canonicalise
from complaint_insight.themes.cluster import SphericalKMeans, nearest, normalise
from complaint_insight.themes.label import PhraseLabeller
from complaint_insight.themes.quotes import representative_quotes
from complaint_insight.themes.result import Theme, ThemeCountChoice
from complaint_insight.themes.select import choose_n_themes

UNASSIGNED = "unassigned"
EMPTY = "empty"


def theme_id(number: int) -> str:
    return f"T{number:02d}"


_FAST: dict[int, object] = {}


def fast_embedder(spec):
    """The embedder for ``spec``; the static one wrapped to tokenise each distinct word once (same vectors)."""
    from complaint_insight.embed import get_embedder
    from complaint_insight.embed.static import StaticEmbedder

    embedder = get_embedder(spec)
    if isinstance(embedder, StaticEmbedder):
        if id(embedder) not in _FAST:
            from complaint_insight.embed.wordcache import WordCachedEncoder

            _FAST[id(embedder)] = WordCachedEncoder(embedder)
        return _FAST[id(embedder)]
    return embedder


def embed_texts(embedder, texts: list[str], chunk: int = 100_000) -> np.ndarray:
    """Embed in chunks (bounded memory for the tokeniser) into one float32 array."""
    out = np.empty((len(texts), embedder.dim), dtype=np.float32)
    for start in range(0, len(texts), chunk):
        out[start : start + chunk] = embedder.encode(texts[start : start + chunk])
    return normalise(out) if len(out) else out


class ThemeModel(ClusterMixin, TransformerMixin, BaseEstimator):
    """Named, stable, order-insensitive themes (scikit-learn estimator).

    ``fit(texts)`` accepts a list/array/Series of texts or a DataFrame (``text_column``).
    ``predict`` gives the theme index per row (-1: unassigned or empty), ``transform`` the cosine
    distance to every theme, ``assign`` a DataFrame with ``theme_id``, ``theme_label``,
    ``theme_distance`` and ``theme_status``.
    """

    def __init__(self, n_themes: int | None = None, *, embedder="static", clusterer=None, labeller=None,
                 min_themes: int = 5, max_themes: int = 40, selection_tolerance: float = 0.75,
                 outlier_quantile: float = 0.995,
                 text_column: str = "text", random_state: int | None = 0):
        self.n_themes = n_themes
        self.embedder = embedder
        self.clusterer = clusterer
        self.labeller = labeller
        self.min_themes = min_themes
        self.max_themes = max_themes
        self.selection_tolerance = selection_tolerance
        self.outlier_quantile = outlier_quantile
        self.text_column = text_column
        self.random_state = random_state

    # ------------------------------------------------------------------ input
    def _texts(self, X) -> list:
        if isinstance(X, pd.DataFrame):
            if self.text_column not in X.columns:
                raise InputError(f"text column {self.text_column!r} not found; columns are: "
                                 + ", ".join(map(str, X.columns)))
            return X[self.text_column].tolist()
        if isinstance(X, str):
            raise InputError("expected a list of texts, got a single string; wrap it in a list")
        if isinstance(X, np.ndarray) and X.ndim == 2 and X.shape[1] == 1:
            X = X[:, 0]
        try:
            return list(X)
        except TypeError:
            raise InputError(f"expected a list of texts or a DataFrame, got {type(X).__name__}") from None

    def _embedder(self):
        return fast_embedder(self.embedder)

    def _prepare(self, X) -> tuple[Canonical, np.ndarray]:
        from scipy import sparse

        if sparse.issparse(X):
            raise TypeError("sparse input is not supported: pass texts, or a dense array of embeddings")
        if isinstance(X, list) and X and isinstance(X[0], (list, tuple, np.ndarray)):
            X = np.asarray(X)  # rows of numbers: embeddings
        elif hasattr(X, "__array__") and not isinstance(X, (np.ndarray, pd.DataFrame, pd.Series)):
            X = np.asarray(X)
        if isinstance(X, np.ndarray) and X.ndim == 1 and X.dtype.kind in "fiubc":
            raise ValueError("expected texts or a 2-D array of embeddings, got a 1-D numeric array. "
                             "Reshape your data with array.reshape(-1, 1) if it holds one feature")
        if _is_embedding_matrix(X):
            return self._prepare_embeddings(X)
        texts = self._texts(X)
        try:
            can = canonicalise(texts)
        except TypeError as exc:
            # Still a type error: the engines keep such a row as an error row instead of stopping the run.
            raise InputTypeError(str(exc)) from None
        return can, embed_texts(self._embedder(), can.texts)

    def _prepare_embeddings(self, X) -> tuple[Canonical, np.ndarray]:
        """Rows of a numeric 2-D array are taken as precomputed embeddings (no text, so no labels)."""
        from sklearn.utils.validation import check_array

        E = check_array(X, dtype=[np.float32, np.float64], ensure_min_samples=1)
        if hasattr(self, "cluster_centers_") and E.shape[1] != self.cluster_centers_.shape[1]:
            raise ValueError(f"X has {E.shape[1]} features, but ThemeModel is expecting "
                             f"{self.cluster_centers_.shape[1]} features as input")
        if E.shape[1] < 2:
            raise ValueError(f"cosine themes need embeddings with at least 2 dimensions; got {E.shape[1]} feature(s)")
        E = normalise(E)
        keys = [row.tobytes().hex() for row in E]
        can = canonicalise(None, cleaned=keys)
        _, first = np.unique(can.row_index, return_index=True)
        # No text to label or quote: themes are named by their ids.
        can = dataclasses.replace(can, texts=[""] * len(can.texts))
        return can, E[first[-len(can.texts):]] if len(can.texts) else E[:0]

    # ------------------------------------------------------------------ fit
    def fit(self, X, y=None):
        can, E = self._prepare(X)
        self._fit_canonical(can, E)
        self.n_features_in_ = E.shape[1] if _is_embedding_matrix(X) else 1
        return self

    def _fit_canonical(self, can: Canonical, E: np.ndarray) -> None:
        if len(can.texts) < 2:
            raise InputError(f"need at least 2 distinct non-empty texts to find themes, got {len(can.texts)} "
                             f"(n_samples={len(can.texts)})")
        if self.n_themes is None:
            choice = choose_n_themes(E, can.counts, min_themes=self.min_themes, max_themes=self.max_themes,
                                     random_state=self.random_state, tolerance=self.selection_tolerance)
            k = choice.chosen
        else:
            k = int(self.n_themes)
            if k < 1:
                raise InputError(f"n_themes must be at least 1, got {k}")
            if k > len(can.texts):
                raise InputError(f"cannot make {k} themes from {len(can.texts)} distinct texts")
            choice = ThemeCountChoice(method="given", chosen=k, sample_size=0, explanation=f"n_themes={k} given")
        clusterer = SphericalKMeans(random_state=self.random_state) if self.clusterer is None else clone(self.clusterer)
        if "n_clusters" in clusterer.get_params():
            clusterer.set_params(n_clusters=k)
        clusterer.fit(E, sample_weight=can.counts)
        centers = normalise(np.asarray(clusterer.cluster_centers_, dtype=np.float32))
        labels, _ = nearest(E, centers)
        # One refinement step on all texts so that centroids describe the final members.
        centers = _weighted_centroids(E, labels, can.counts, len(centers))
        keep = [c for c in range(len(centers)) if np.any(labels == c)]
        centers = centers[keep]
        labels, dist = nearest(E, centers)
        sizes = np.bincount(labels, weights=can.counts, minlength=len(centers))
        # Deterministic ids: biggest theme first; ties broken by the centroid's bytes.
        order = sorted(range(len(centers)), key=lambda c: (-sizes[c], centers[c].tobytes()))
        centers = centers[order]
        labels, dist = nearest(E, centers)
        sizes = np.bincount(labels, weights=can.counts, minlength=len(centers))
        threshold = float(_weighted_quantile(dist, can.counts, self.outlier_quantile))
        # Texts beyond the threshold fit no theme; never less than a small margin over the median.
        self.distance_threshold_ = max(threshold, float(np.median(dist)) + 0.05)
        self.cluster_centers_ = centers
        self.selection_ = choice
        self.embedder_name_ = self._embedder().name
        labeller = PhraseLabeller() if self.labeller is None else self.labeller
        described = _describe(labeller, can.texts, E, labels, dist, centers)
        self.themes_ = [
            Theme(id=theme_id(i + 1), label=d["label"] or theme_id(i + 1), key_phrases=d["key_phrases"],
                  size=int(np.rint(sizes[i])), quotes=d["quotes"])
            for i, d in enumerate(described)
        ]
        self.next_id_ = len(self.themes_) + 1
        self._set_fitted_rows(can, labels, dist)

    def _set_fitted_rows(self, can: Canonical, labels: np.ndarray, dist: np.ndarray) -> None:
        row_labels = np.where(can.row_index >= 0, labels[can.row_index.clip(0)], -1)
        row_dist = np.where(can.row_index >= 0, dist[can.row_index.clip(0)], np.nan)
        self.labels_ = np.where(row_dist > self.distance_threshold_, -1, row_labels)
        self.distances_ = row_dist.astype(np.float32)
        self.n_themes_ = len(self.themes_)

    def _refresh_fitted_rows(self, can: Canonical, E: np.ndarray) -> None:
        """Re-derive row assignments and theme sizes after themes were edited (refit carry-over)."""
        labels, dist = nearest(E, self.cluster_centers_)
        sizes = np.bincount(labels, weights=can.counts, minlength=len(self.themes_))
        self.themes_ = [t.model_copy(update={"size": int(np.rint(sizes[i]))}) for i, t in enumerate(self.themes_)]
        self._set_fitted_rows(can, labels, dist)

    # ------------------------------------------------------------------ use
    def _check_fitted(self):
        if not hasattr(self, "cluster_centers_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("this ThemeModel is not fitted yet; call fit(texts) or load a saved model")

    def _nearest_rows(self, X) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per row: theme index (-1 for empty), cosine distance (nan for empty), empty flag."""
        self._check_fitted()
        can, E = self._prepare(X)
        idx, dist = nearest(E, self.cluster_centers_)
        empty = can.row_index < 0
        safe = can.row_index.clip(0)
        rows_idx = np.where(empty, -1, idx[safe] if len(idx) else -1)
        rows_dist = np.where(empty, np.nan, dist[safe] if len(dist) else np.nan)
        return rows_idx, rows_dist, empty

    def predict(self, X):
        idx, dist, _ = self._nearest_rows(X)
        return np.where((idx < 0) | (dist > self.distance_threshold_), -1, idx)

    def fit_predict(self, X, y=None):
        return self.fit(X).labels_

    def transform(self, X):
        """Cosine distance from every row to every theme centroid, shape (n_rows, n_themes)."""
        self._check_fitted()
        can, E = self._prepare(X)
        out = np.full((can.n_rows, len(self.cluster_centers_)), np.nan, dtype=np.float32)
        if len(E):
            distances = 1.0 - E @ self.cluster_centers_.T
            present = can.row_index >= 0
            out[present] = distances[can.row_index[present]]
        return out

    def assign(self, X) -> pd.DataFrame:
        """``theme_id``/``theme_label`` per row ("unassigned" beyond the threshold, "" for empty texts)."""
        idx, dist, empty = self._nearest_rows(X)
        return self._frame(idx, dist, empty, X.index if isinstance(X, (pd.DataFrame, pd.Series)) else None)

    def fitted_assignments(self, index=None) -> pd.DataFrame:
        """The assignment of the rows ``fit`` saw, without embedding them again."""
        self._check_fitted()
        if getattr(self, "labels_", None) is None:
            raise InputError("this model holds no row assignments from fitting (it was loaded, or a theme was "
                             "split since); call assign(texts)")
        empty = np.isnan(self.distances_)
        idx = np.where(empty, -1, self.labels_)
        # Rows beyond the threshold keep their nearest theme's distance but are unassigned.
        return self._frame(idx, self.distances_, empty, index)

    def _frame(self, idx, dist, empty, index) -> pd.DataFrame:
        ids = np.array([t.id for t in self.themes_] + [UNASSIGNED], dtype=object)
        names = np.array([t.label for t in self.themes_] + [UNASSIGNED], dtype=object)
        outlier = ~empty & ((dist > self.distance_threshold_) | (idx < 0))
        pick = np.where(outlier | empty, len(self.themes_), idx)
        theme_ids, theme_labels = ids[pick], names[pick]
        theme_ids[empty], theme_labels[empty] = "", ""
        status = np.where(empty, EMPTY, np.where(outlier, UNASSIGNED, "assigned"))
        return pd.DataFrame(
            # float64 before rounding: a rounded float32 prints as 0.2312999963760376 in CSV and JSON.
            {"theme_id": theme_ids, "theme_label": theme_labels,
             "theme_distance": np.round(np.asarray(dist, dtype=np.float64), 4),
             "theme_status": status},
            index=index,
        )

    # ------------------------------------------------------------------ reporting
    def themes_frame(self) -> pd.DataFrame:
        self._check_fitted()
        return pd.DataFrame([
            {"theme_id": t.id, "theme_label": t.label, "size": t.size, "key_phrases": "; ".join(t.key_phrases),
             "quotes": " | ".join(t.quotes)} for t in self.themes_
        ])

    def theme(self, theme_id: str) -> Theme:
        self._check_fitted()
        for t in self.themes_:
            if t.id == theme_id:
                return t
        raise InputError(f"no theme {theme_id!r}; themes are: {', '.join(t.id for t in self.themes_)}")

    def to_dict(self) -> dict:
        """Themes as plain data (JSON-ready), with the choice of their number."""
        self._check_fitted()
        return {
            "embedder": self.embedder_name_,
            "distance_threshold": self.distance_threshold_,
            "selection": self.selection_.model_dump(),
            "themes": [t.model_dump() for t in self.themes_],
        }

    # ------------------------------------------------------------------ edits, refit, storage
    def merge(self, theme_ids, label: str | None = None):
        from complaint_insight.themes.edits import merge

        return merge(self, list(theme_ids), label=label)

    def rename(self, theme_id: str, label: str):
        from complaint_insight.themes.edits import rename

        return rename(self, theme_id, label)

    def split(self, theme_id: str, X, n: int = 2):
        from complaint_insight.themes.edits import split

        return split(self, theme_id, X, n=n)

    def refit(self, X) -> ThemeModel:
        """Fit a fresh model on ``X`` and carry over ids, names, merges and splits from this one."""
        from complaint_insight.themes.edits import carry_over

        return carry_over(self, X)

    def suggest_new_themes(self, X, min_size: int = 10):
        from complaint_insight.themes.suggest import suggest_new_themes

        return suggest_new_themes(self, X, min_size=min_size)

    def save(self, folder) -> None:
        from complaint_insight.themes.store import save_theme_model

        save_theme_model(self, folder)

    @classmethod
    def load(cls, folder) -> ThemeModel:
        from complaint_insight.themes.store import load_theme_model

        return load_theme_model(folder)

    def score(self, X, y=None) -> float:
        """Mean cosine similarity of each row to its nearest theme (higher: tighter themes)."""
        _, dist, empty = self._nearest_rows(X)
        return float(np.mean(1.0 - dist[~empty])) if (~empty).any() else 0.0

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True  # precomputed embeddings
        tags.input_tags.string = True
        tags.non_deterministic = False
        return tags


def _is_embedding_matrix(X) -> bool:
    """Numeric 2-D arrays (and object arrays with several columns) are embeddings; 1-column text arrays are not."""
    if not isinstance(X, np.ndarray) or X.ndim != 2:
        return False
    return X.dtype.kind in "fiubc" or (X.dtype.kind == "O" and X.shape[1] != 1)


def _weighted_centroids(E, labels, weights, k) -> np.ndarray:
    """Normalised weighted mean per theme; a sparse (themes x texts) product, no float64 copy of E."""
    from scipy import sparse

    membership = sparse.csr_matrix((np.asarray(weights, dtype=np.float32), (labels, np.arange(len(labels)))),
                                   shape=(k, len(labels)))
    return normalise(np.asarray(membership @ E))


def _weighted_quantile(values, weights, q: float) -> float:
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    return float(values[order][min(np.searchsorted(cum, q * cum[-1]), len(order) - 1)])


def _describe(labeller, texts, E, labels, dist, centers) -> list[dict]:
    """Label, key phrases and quotes for each theme, from its members in canonical (hash) order."""
    members = [np.flatnonzero(labels == c) for c in range(len(centers))]
    limit = getattr(labeller, "docs_per_theme", 1500)
    described = labeller.label([[texts[i] for i in m[:limit]] for m in members])
    for c, m in enumerate(members):
        described[c]["quotes"] = representative_quotes([texts[i] for i in m], dist[m])
    return described
