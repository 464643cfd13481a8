"""Representative quotes: distinct texts closest to a theme's centroid, of readable length."""
from __future__ import annotations

import numpy as np

from complaint_insight.datasets import dedup_key


def representative_quotes(texts: list[str], distances: np.ndarray, n: int = 3, max_chars: int = 300) -> list[str]:
    """Up to ``n`` texts nearest the centroid; 4-80 word texts first, near-duplicates skipped."""
    distances = np.asarray(distances)
    candidates = np.arange(len(texts))
    if len(texts) > 200:  # only the nearest few hundred can win; avoids scanning huge themes
        candidates = np.argpartition(distances, 200)[:200]
    order = candidates[np.lexsort((candidates, distances[candidates]))]  # ties: canonical order
    readable = [i for i in order if 4 <= len(texts[i].split()) <= 80]
    rest = [i for i in order if not 4 <= len(texts[i].split()) <= 80]
    chosen, seen = [], set()
    for i in readable + rest:
        key = dedup_key(texts[i])
        if not key or key in seen:
            continue
        seen.add(key)
        text = texts[i]
        chosen.append(text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…")
        if len(chosen) == n:
            break
    return chosen
