"""Clustering more texts than fit in memory: a representative sample, or mini-batch k-means over a stream.

Generic over the embedder (anything with ``encode(list[str]) -> np.ndarray``), so the theme model
can use either route; assigning every row afterwards is a frame function (``frame_function``) run by
the streaming or Dask engine. See docs/scale.md for the trade-off.

- :func:`reservoir_sample`: a uniform random sample of ``n`` rows from a stream of chunks in one pass
  (memory: ``n`` rows); fit the ordinary in-memory model on it.
- :func:`fit_minibatch_kmeans`: ``MiniBatchKMeans.partial_fit`` chunk by chunk (memory: one chunk's
  embeddings plus the centroids), so every row shapes the centroids.
- :func:`agreement`: how closely two labelings of the same rows agree (adjusted Rand index and
  normalised mutual information), to check either route against a full fit on data that fits.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd


def reservoir_sample(chunks: Iterable[pd.DataFrame], n: int, *, random_state: int = 0,
                     row_number_column: str = "row_number") -> pd.DataFrame:
    """Every row of the stream has the same chance ``n / total`` of being in the sample (Algorithm R,
    vectorised per chunk). The sample comes back in stream order with each row's position."""
    if n < 1:
        raise ValueError("n must be at least 1")
    rng = np.random.default_rng(random_state)
    kept: pd.DataFrame | None = None
    seen = 0
    for chunk in chunks:
        chunk = chunk.reset_index(drop=True).assign(**{row_number_column: np.arange(seen, seen + len(chunk))})
        if kept is None or len(kept) < n:
            room = n - (0 if kept is None else len(kept))
            head, chunk = chunk.iloc[:room], chunk.iloc[room:]
            kept = head if kept is None else pd.concat([kept, head], ignore_index=True)
            seen += len(head)
        if len(chunk):
            # Row t (0-based position in the stream) replaces a random slot with probability n / (t + 1).
            positions = np.arange(seen, seen + len(chunk))
            slots = rng.integers(0, positions + 1)
            take = np.flatnonzero(slots < n)
            # Done in stream order, a later row would overwrite an earlier one in the same slot: keep the last.
            last = pd.Series(take, index=slots[take]).groupby(level=0).last()
            kept = pd.concat([kept.drop(index=last.index), chunk.iloc[last.to_numpy()]], ignore_index=True)
            seen += len(chunk)
    if kept is None:
        return pd.DataFrame()
    return kept.sort_values(row_number_column, kind="stable").reset_index(drop=True)


def fit_minibatch_kmeans(texts: Iterable[list[str]], embedder: Any, n_clusters: int, *, random_state: int = 0,
                         batch_size: int = 4096, max_passes: int = 1):
    """Fit ``MiniBatchKMeans`` with ``partial_fit`` on each batch of texts from ``texts`` (an iterable
    of lists, e.g. one per chunk; pass a callable returning a fresh iterable for ``max_passes > 1``).

    The first batch must hold at least ``n_clusters`` texts (it initialises the centroids).
    """
    from sklearn.cluster import MiniBatchKMeans

    model = MiniBatchKMeans(n_clusters=n_clusters, random_state=random_state, batch_size=batch_size, n_init=3)
    for _ in range(max_passes):
        stream = texts() if callable(texts) else texts
        for batch in stream:
            batch = list(batch)
            if not batch:
                continue
            vectors = np.asarray(embedder.encode(batch), dtype=np.float32)
            if not hasattr(model, "cluster_centers_") and len(vectors) < n_clusters:
                raise ValueError(f"the first batch has {len(vectors)} texts; at least n_clusters={n_clusters} needed")
            model.partial_fit(vectors)
    if not hasattr(model, "cluster_centers_"):
        raise ValueError("no texts to fit on")
    return model


def agreement(labels_a, labels_b) -> dict[str, float]:
    """Adjusted Rand index and NMI of two clusterings of the same rows (1.0 = identical partitions)."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    a, b = np.asarray(labels_a), np.asarray(labels_b)
    if a.shape != b.shape:
        raise ValueError(f"labelings differ in length: {a.shape} vs {b.shape}")
    return {"ari": float(adjusted_rand_score(a, b)), "nmi": float(normalized_mutual_info_score(a, b))}
