"""Choosing the number of themes automatically.

Candidates on a grid between ``min_themes`` and ``max_themes`` are clustered on a deterministic
sample (the head of the hash-ordered canonical texts) and scored with the cosine silhouette: how
much closer each text is to its own theme than to the next one. The highest score wins; ties go
to fewer themes. Text embeddings rarely form well-separated groups, so scores are small and fairly
flat; the full table is kept in ``ThemeModel.selection_`` so that the choice can be checked.
"""
from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

from complaint_insight.themes.result import ThemeCountChoice

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
                    sample_size: int = 4000, random_state: int | None = 0) -> ThemeCountChoice:
    head = slice(0, min(len(X), sample_size))
    sample, w = X[head], weights[head]
    candidates = candidate_counts(len(sample), min_themes, max_themes)
    if len(candidates) == 1:
        k = candidates[0]
        return ThemeCountChoice(method="only-candidate", chosen=k, sample_size=len(sample),
                                explanation=f"{len(X)} distinct texts allow only {k} theme(s)")
    scores: dict[int, float] = {}
    for k in candidates:
        labels = KMeans(k, n_init=1, max_iter=100, random_state=random_state).fit_predict(sample, sample_weight=w)
        if len(np.unique(labels)) < 2:
            continue
        scores[k] = round(float(silhouette_score(sample, labels, metric="cosine")), 5)
    if not scores:
        k = candidates[0]
        return ThemeCountChoice(method="fallback", chosen=k, sample_size=len(sample),
                                explanation="no candidate split the texts; using the smallest count")
    best = max(scores, key=lambda k: (scores[k], -k))
    table = ", ".join(f"{k}: {s:.3f}" for k, s in scores.items())
    return ThemeCountChoice(
        method="silhouette",
        chosen=best,
        sample_size=len(sample),
        scores=scores,
        explanation=(
            f"chose {best} themes: the highest cosine silhouette ({scores[best]:.3f}) among {len(scores)} "
            f"candidates on a sample of {len(sample)} distinct texts (silhouette by number of themes: {table}); "
            f"use --n-themes to override"
        ),
    )
