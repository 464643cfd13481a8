"""Swappable clusterers for theme discovery (scikit-learn estimator style).

The default is spherical k-means: k-means on L2-normalised embeddings with normalised centroids,
so that "closest centroid" means "highest cosine similarity". For speed at scale the centroids
are learned on a deterministic sample (the first ``sample_size`` canonical texts, which are in
hash order, i.e. a uniform pseudo-random sample) and every text is then given its nearest centroid.

A clusterer is anything with ``fit(X, sample_weight=None)`` that sets ``cluster_centers_``.
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans, MiniBatchKMeans


def normalise(X: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero); already-normalised input is returned as is,
    because a copy of a million embeddings costs a gigabyte."""
    X = np.asarray(X, dtype=np.float32)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    if np.all((np.abs(norms - 1.0) < 1e-5) | (norms == 0)):
        return X
    return X / np.maximum(norms, 1e-12)


def nearest(X: np.ndarray, centers: np.ndarray, chunk: int = 65_536) -> tuple[np.ndarray, np.ndarray]:
    """Index of the most similar centre and the cosine distance to it, in memory-bounded chunks."""
    labels = np.empty(len(X), dtype=np.int64)
    dist = np.empty(len(X), dtype=np.float32)
    for start in range(0, len(X), chunk):
        sims = X[start : start + chunk] @ centers.T
        idx = sims.argmax(axis=1)
        labels[start : start + chunk] = idx
        dist[start : start + chunk] = 1.0 - sims[np.arange(len(idx)), idx]
    return labels, np.clip(dist, 0.0, 2.0)


class SphericalKMeans(ClusterMixin, BaseEstimator):
    """k-means on the unit sphere, fitted on a deterministic sample, applied to all rows."""

    def __init__(self, n_clusters: int = 8, *, sample_size: int = 50_000, n_init: int = 3, max_iter: int = 100,
                 random_state: int | None = 0):
        self.n_clusters = n_clusters
        self.sample_size = sample_size
        self.n_init = n_init
        self.max_iter = max_iter
        self.random_state = random_state

    def fit(self, X, y=None, sample_weight=None):
        X = normalise(X)
        k = int(self.n_clusters)
        if k < 1:
            raise ValueError(f"n_clusters must be at least 1, got {k}")
        if len(X) < k:
            raise ValueError(f"cannot make {k} themes from {len(X)} distinct texts")
        # Canonical input is hash-ordered, so its head is a uniform pseudo-random sample.
        head = slice(0, min(len(X), int(self.sample_size)))
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)[head]
        if X[head].shape[0] > 20_000:
            model = MiniBatchKMeans(k, n_init=self.n_init, max_iter=self.max_iter, batch_size=4096,
                                    random_state=self.random_state)
        else:
            model = KMeans(k, n_init=self.n_init, max_iter=self.max_iter, random_state=self.random_state)
        model.fit(X[head], sample_weight=weights)
        self.cluster_centers_ = normalise(model.cluster_centers_)
        self.labels_, _ = nearest(X, self.cluster_centers_)
        self.n_features_in_ = X.shape[1]
        return self

    def predict(self, X):
        return nearest(normalise(X), self.cluster_centers_)[0]
