"""Cue spans: the phrases of the original text that pushed the complaint decision.

The classifier's word n-gram weights (``ComplaintClassifier.ngram_weights()``) are mapped back
onto the original text with the same tokenisation as its TF-IDF (``\\b\\w\\w+\\b``, lower-cased),
the strongest positive n-grams are kept, and touching ones are merged into one span.
"""
from __future__ import annotations

import re
import threading
import weakref
from itertools import compress

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
    low = sample.lower()
    if len(low) == len(sample) and sample.isascii():
        # Lower-casing ASCII keeps every offset and word boundary: tokenise once, as strings (in C),
        # and find character offsets only for the few tokens chosen.
        tokens = _TOKEN.findall(low)
        spans = None
    else:
        found = [(m.span(), m.group().lower()) for m in _TOKEN.finditer(sample)]
        tokens = [t for _, t in found]
        spans = [s for s, _ in found]
    get = weights.get
    unigram = list(map(get, tokens))
    bigram = list(map(get, map(" ".join, zip(tokens, tokens[1:]))))
    # (weight, first token, last token); only tokens with a weight are visited (compress runs in C)
    candidates = [(unigram[i], i, i) for i in compress(range(len(unigram)), unigram)]
    candidates += [(bigram[i], i, i + 1) for i in compress(range(len(bigram)), bigram)]
    if not candidates:
        return []
    # Strongest first; equal weights in text order, a token's unigram before its bigram.
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    chosen: list[tuple[float, int, int]] = []
    for weight, first, last in candidates:  # strongest first, never overlapping
        if len(chosen) == max_cues:
            break
        if all(last < f or first > l for _, f, l in chosen):
            chosen.append((weight, first, last))
    chosen.sort(key=lambda c: c[1])
    if spans is None:
        needed = {i for _, f, l in chosen for i in (f, l)}
        spans = {}
        for k, m in enumerate(_TOKEN.finditer(low)):
            if k in needed:
                spans[k] = m.span()
                if len(spans) == len(needed):
                    break
    merged: list[list] = []
    for weight, first, last in chosen:  # touching spans (only spaces between) read as one phrase
        start, end = spans[first][0], spans[last][1]
        if merged and not sample[merged[-1][2]:start].strip():
            merged[-1][0] += weight
            merged[-1][2] = end
        else:
            merged.append([weight, start, end])
    return [Cue.model_construct(start=s, end=e, text=sample[s:e], weight=round(float(w), 4)) for w, s, e in merged]
