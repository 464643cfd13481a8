"""Cue spans: the phrases of the original text that pushed the complaint decision.

The classifier's word n-gram weights (``ComplaintClassifier.ngram_weights()``) are mapped back
onto the original text with the same tokenisation as its TF-IDF (``\\b\\w\\w+\\b``, lower-cased),
the strongest positive n-grams are kept, and touching ones are merged into one span.
"""
from __future__ import annotations

import re
import threading
import weakref

from complaint_insight.triage.result import Cue

_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_CACHE: "weakref.WeakKeyDictionary[object, dict[str, float]]" = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()
MAX_CUES = 3


def positive_weights(classifier) -> dict[str, float]:
    """The classifier's positive word n-gram weights, computed once per classifier object."""
    with _LOCK:
        weights = _CACHE.get(classifier)
        if weights is None:
            weights = {k: v for k, v in classifier.ngram_weights().items() if v > 0}
            _CACHE[classifier] = weights
        return weights


def cue_spans(text: str, weights: dict[str, float], *, max_cues: int = MAX_CUES, max_chars: int = 5000) -> list[Cue]:
    """Up to ``max_cues`` spans of ``text`` (original offsets) carrying the most complaint weight."""
    sample = text[:max_chars]
    tokens = [(m.start(), m.end(), m.group().lower()) for m in _TOKEN.finditer(sample)]
    candidates: list[tuple[float, int, int]] = []
    for i, (start, end, token) in enumerate(tokens):
        weight = weights.get(token)
        if weight:
            candidates.append((weight, start, end))
        if i + 1 < len(tokens):
            weight = weights.get(f"{token} {tokens[i + 1][2]}")
            if weight:
                candidates.append((weight, start, tokens[i + 1][1]))
    if not candidates:
        return []
    candidates.sort(key=lambda c: -c[0])
    chosen: list[tuple[float, int, int]] = []
    for weight, start, end in candidates:  # strongest first, never overlapping
        if len(chosen) == max_cues:
            break
        if all(end <= s or start >= e for _, s, e in chosen):
            chosen.append((weight, start, end))
    chosen.sort(key=lambda c: c[1])
    merged: list[list] = []
    for weight, start, end in chosen:  # touching spans (only spaces between) read as one phrase
        if merged and not sample[merged[-1][2]:start].strip():
            merged[-1][0] += weight
            merged[-1][2] = end
        else:
            merged.append([weight, start, end])
    return [Cue(start=s, end=e, text=sample[s:e], weight=round(float(w), 4)) for w, s, e in merged]
