"""Choosing the number of themes automatically.

Candidates on a grid between ``min_themes`` and ``max_themes`` are clustered on a deterministic
sample (the head of the hash-ordered canonical texts) and scored with the cosine silhouette: how
much closer each text is to its own theme than to the next one. Complaint embeddings rarely form
well-separated groups: the silhouette is small and drifts down as themes get finer (so does
split-half stability, measured while building this), which would always pick the fewest themes.
Analysts need themes fine enough to act on, so the rule is: the *largest* number of themes whose
silhouette is at least ``TOLERANCE`` (75%) of the best one. Data with no finer structure still
gets few themes. The full table is kept in ``ThemeModel.selection_`` so the choice can be checked.
"""
from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans

from complaint_insight.themes.result import ThemeCountChoice

TOLERANCE = 0.75
_GRID = (5, 6, 8, 10, 12, 15, 18, 20, 25, 30, 35, 40, 50, 60, 80, 100)


def candidate_counts(n_texts: int, min_themes: int, max_themes: int) -> list[int]:
    # At least ~15 distinct texts per theme on average, so tiny inputs get few themes.
    upper = max(min(max_themes, n_texts // 15), min(min_themes, max(n_texts - 1, 1)))
    grid = [k for k in _GRID if min_themes <= k <= upper]
    for k in (min_themes, upper):
        if 2 <= k < n_texts and k not in grid and k <= upper:
            grid.append(k)
    return sorted(set(grid)) or [max(1, min(min_themes, n_texts))]


def choose_n_themes(X: np.ndarray, weights: np.ndarray, *, min_themes: int, max_themes: int,
                    sample_size: int = 4000, random_state: int | None = 0,
                    tolerance: float = TOLERANCE) -> ThemeCountChoice:
    head = slice(0, min(len(X), sample_size))
    sample, w = X[head], weights[head]
    candidates = candidate_counts(len(sample), min_themes, max_themes)
    if len(candidates) == 1:
        k = candidates[0]
        return ThemeCountChoice(method="only-candidate", chosen=k, sample_size=len(sample),
                                explanation=f"{len(X)} distinct texts allow only {k} theme(s)")
    scores: dict[int, float] = {}
    distances = 1.0 - sample @ sample.T  # computed once, shared by all candidates
    for k in candidates:
        labels = KMeans(k, n_init=1, max_iter=100, random_state=random_state).fit_predict(sample, sample_weight=w)
        if len(np.unique(labels)) < 2:
            continue
        scores[k] = round(cosine_silhouette(distances, labels), 5)
    if not scores:
        k = candidates[0]
        return ThemeCountChoice(method="fallback", chosen=k, sample_size=len(sample),
                                explanation="no candidate split the texts; using the smallest count")
    best_score = max(scores.values())
    best = max(k for k, s in scores.items() if s >= tolerance * best_score) if best_score > 0 else \
        max(scores, key=lambda k: (scores[k], -k))
    table = ", ".join(f"{k}: {s:.3f}" for k, s in scores.items())
    return ThemeCountChoice(
        method="silhouette",
        chosen=best,
        sample_size=len(sample),
        scores=scores,
        explanation=(
            f"chose {best} themes: the most themes whose cosine silhouette ({scores[best]:.3f}) is at least "
            f"{tolerance:.0%} of the best ({best_score:.3f}), among {len(scores)} candidates on a sample of "
            f"{len(sample)} distinct texts (silhouette by number of themes: {table}); use --n-themes to override"
        ),
    )


def cosine_silhouette(distances: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette from a precomputed distance matrix, via one matrix product per call.

    Same definition as ``sklearn.metrics.silhouette_score`` (texts alone in their theme score 0),
    but sklearn's reduction is many times slower for a few thousand points.
    """
    k = int(labels.max()) + 1
    onehot = np.zeros((len(labels), k), dtype=distances.dtype)
    onehot[np.arange(len(labels)), labels] = 1.0
    sizes = onehot.sum(axis=0)
    sums = distances @ onehot  # (n, k): total distance from each text to each theme
    own = sums[np.arange(len(labels)), labels]
    own_size = sizes[labels]
    a = np.where(own_size > 1, own / np.maximum(own_size - 1, 1), 0.0)
    means = np.where(sizes > 0, sums / np.maximum(sizes, 1), np.inf)
    means[np.arange(len(labels)), labels] = np.inf
    b = means.min(axis=1)
    s = np.where(own_size > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)
    return float(s.mean())
