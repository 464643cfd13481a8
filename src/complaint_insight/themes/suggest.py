"""Suggesting new themes from complaints that fit none of the existing ones."""
from __future__ import annotations

import numpy as np

from complaint_insight.themes.cluster import SphericalKMeans, nearest
from complaint_insight.themes.label import PhraseLabeller
from complaint_insight.themes.model import _describe
from complaint_insight.themes.result import Theme


def suggest_new_themes(model, X, *, min_size: int = 10) -> list[Theme]:
    """Cluster the unassigned texts of ``X``; groups of at least ``min_size`` rows that are as tight
    as an ordinary theme become suggestions (ids ``N1``, ``N2``, ...; not added to the model)."""
    model._check_fitted()
    can, E = model._prepare(X)
    if not len(E):
        return []
    _, dist = nearest(E, model.cluster_centers_)
    out = np.flatnonzero(dist > model.distance_threshold_)
    if can.counts[out].sum() < min_size:
        return []
    sub_E, weights = E[out], can.counts[out]
    k = int(max(1, min(10, weights.sum() // min_size, len(out))))
    clusterer = SphericalKMeans(n_clusters=k, random_state=model.random_state).fit(sub_E, sample_weight=weights)
    labels, sub_dist = nearest(sub_E, clusterer.cluster_centers_)
    keep = []
    for c in range(k):
        members = labels == c
        # As tight as an ordinary theme: most members within the model's own threshold of the new centre.
        if weights[members].sum() >= min_size and np.median(sub_dist[members]) <= model.distance_threshold_ * 0.8:
            keep.append(c)
    if not keep:
        return []
    texts = [can.texts[i] for i in out]
    labeller = PhraseLabeller() if model.labeller is None else model.labeller
    described = _describe(labeller, texts, sub_E, labels, sub_dist, clusterer.cluster_centers_)
    keep.sort(key=lambda c: -weights[labels == c].sum())
    return [
        Theme(id=f"N{n + 1}", label=described[c]["label"] or f"N{n + 1}", key_phrases=described[c]["key_phrases"],
              size=int(weights[labels == c].sum()), quotes=described[c]["quotes"])
        for n, c in enumerate(keep)
    ]
