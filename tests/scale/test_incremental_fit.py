"""Sampling and mini-batch clustering for theme fits larger than memory."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from complaint_insight.scale.incremental_fit import agreement, fit_minibatch_kmeans, reservoir_sample


class BlobEmbedder:
    """Texts "g<k> ..." embed near centre k: a stand-in for a real embedder with known clusters."""

    def __init__(self, k=4, dim=16):
        self.centres = np.random.default_rng(1).normal(size=(k, dim)) * 5

    def encode(self, texts):
        groups = np.array([int(t.split()[0][1:]) for t in texts])
        noise = np.random.default_rng(len(texts)).normal(size=(len(texts), self.centres.shape[1]))
        return (self.centres[groups] + noise).astype(np.float32)


def _chunks(n, size):
    frame = pd.DataFrame({"text": [f"g{i % 4} item {i}" for i in range(n)]})
    return [frame.iloc[a:a + size] for a in range(0, n, size)]


def test_reservoir_sample_is_uniform_and_in_order():
    counts = np.zeros(1000)
    for seed in range(40):
        sample = reservoir_sample(_chunks(1000, 97), 50, random_state=seed)
        assert len(sample) == 50 and sample["row_number"].is_monotonic_increasing
        assert sample["text"].tolist() == [f"g{i % 4} item {i}" for i in sample["row_number"]]
        counts[sample["row_number"].to_numpy()] += 1
    # Each row's inclusion rate should be 50/1000 = 5%; early and late rows alike.
    assert abs(counts[:500].mean() - counts[500:].mean()) < 0.2 * counts.mean()
    assert abs(counts.mean() / 40 - 0.05) < 1e-9


def test_reservoir_sample_of_a_short_stream_keeps_everything():
    assert len(reservoir_sample(_chunks(30, 7), 100)) == 30


def test_minibatch_fit_agrees_with_a_full_fit_on_separable_data():
    from sklearn.cluster import KMeans

    embedder = BlobEmbedder()
    chunks = _chunks(4000, 500)
    model = fit_minibatch_kmeans((c["text"].tolist() for c in chunks), embedder, 4)
    texts = [t for c in chunks for t in c["text"]]
    vectors = embedder.encode(texts)
    full = KMeans(4, random_state=0, n_init=3).fit_predict(vectors)
    score = agreement(full, model.predict(vectors))
    assert score["ari"] > 0.95 and score["nmi"] > 0.95
    with pytest.raises(ValueError, match="at least n_clusters"):
        fit_minibatch_kmeans([["g0 a", "g1 b"]], embedder, 4)
