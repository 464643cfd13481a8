"""Cue spans: the phrases of the original text that pushed the complaint decision.

The classifier's word n-gram weights (``ComplaintClassifier.ngram_weights()``) are mapped back
onto the original text with the same tokenisation as its TF-IDF (``\\b\\w\\w+\\b``, lower-cased),
the strongest positive n-grams are kept, and touching ones are merged into one span.
"""
from __future__ import annotations

import re
import threading
import weakref
from itertools import accumulate, chain, compress, repeat

import numpy as np

from complaint_insight.triage.result import Cue, construct_model

_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_CACHE: "weakref.WeakKeyDictionary[object, dict[str, float]]" = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()
MAX_CUES = 3
SMALL_BATCH = 16  # smaller batches are looked up text by text (same cues)


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
    return [construct_model(Cue, start=s, end=e, text=sample[s:e], weight=round(float(w), 4)) for w, s, e in merged]


class _CueIndex:
    """The positive n-gram weights as integer tables, so a batch looks its tokens up with NumPy."""

    def __init__(self, weights: dict[str, float]):
        token_id: dict[str, int] = {}
        pairs = []
        for term, weight in weights.items():
            parts = term.split(" ")
            if len(parts) > 2:
                continue  # never produced by the (1, 2) word n-grams that cue_spans reads
            pairs.append((parts, weight))
            for part in parts:
                token_id.setdefault(part, len(token_id))
        self.token_id = token_id
        self.n_tokens = n = len(token_id)
        self.unigram = np.zeros(n + 1)  # the extra slot answers id -1 (not a cue word)
        codes, bigram_weights = [], []
        for parts, weight in pairs:
            if len(parts) == 1:
                self.unigram[token_id[parts[0]]] = weight
            else:
                codes.append(token_id[parts[0]] * n + token_id[parts[1]])
                bigram_weights.append(weight)
        order = np.argsort(np.asarray(codes, dtype=np.int64), kind="stable")
        self.codes = np.asarray(codes, dtype=np.int64)[order]
        self.bigram = np.asarray(bigram_weights, dtype=np.float64)[order]


_INDEX: "weakref.WeakKeyDictionary[object, _CueIndex]" = weakref.WeakKeyDictionary()
_SPLIT = re.compile(r"(?u)\b(\w\w+)\b")  # re.split with a group: separators and tokens, in order


def _cue_index(classifier) -> _CueIndex:
    weights = positive_weights(classifier)
    with _LOCK:
        index = _INDEX.get(classifier)
        if index is None:
            index = _INDEX[classifier] = _CueIndex(weights)
        return index


def cue_spans_many(texts: list[str], classifier, *, max_cues: int = MAX_CUES, max_chars: int = 5000) -> list[list[Cue]]:
    """``cue_spans`` of every text (same spans, weights and order), with the look-ups done for the batch.

    Texts whose lower-casing changes their length go through ``cue_spans`` itself (their offsets
    would move); every other text keeps its offsets when lower-cased (no character maps to two).
    """
    weights = positive_weights(classifier)
    if max_cues < 1:
        return [[] for _ in texts]
    if len(texts) < SMALL_BATCH:  # NumPy's fixed costs outweigh the loop's for a few texts
        return [cue_spans(text, weights, max_cues=max_cues, max_chars=max_chars) for text in texts]
    out: list[list[Cue] | None] = [None] * len(texts)
    fast, parts_of = [], []
    for k, text in enumerate(texts):
        sample = text[:max_chars]
        low = sample.lower()
        if len(low) == len(sample):
            fast.append(k)
            parts_of.append(_SPLIT.split(low))
        else:
            out[k] = cue_spans(text, weights, max_cues=max_cues, max_chars=max_chars)
    if fast:
        index = _cue_index(classifier)
        token_lists = [parts[1::2] for parts in parts_of]
        lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(fast))
        total = int(lengths.sum())
        ids = np.fromiter(map(index.token_id.get, chain.from_iterable(token_lists), repeat(-1)),
                          dtype=np.int64, count=total)
        rows = np.repeat(np.arange(len(fast)), lengths)
        position = np.arange(total) - (np.cumsum(lengths) - lengths)[rows]
        uni = index.unigram[ids]
        at = np.flatnonzero(uni > 0)
        cand_rows, cand_first, cand_last, cand_weight = [rows[at]], [position[at]], [position[at]], [uni[at]]
        if total > 1 and len(index.codes):
            pair = np.flatnonzero((rows[:-1] == rows[1:]) & (ids[:-1] >= 0) & (ids[1:] >= 0))
            codes = ids[pair] * index.n_tokens + ids[pair + 1]
            slot = np.minimum(np.searchsorted(index.codes, codes), len(index.codes) - 1)
            hit = index.codes[slot] == codes
            pair, slot = pair[hit], slot[hit]
            cand_rows.append(rows[pair])
            cand_first.append(position[pair])
            cand_last.append(position[pair] + 1)
            cand_weight.append(index.bigram[slot])
        c_rows = np.concatenate(cand_rows)
        c_first = np.concatenate(cand_first)
        c_last = np.concatenate(cand_last)
        c_weight = np.concatenate(cand_weight)
        # cue_spans' order: by text, strongest first, then text order, a unigram before its bigram
        order = np.lexsort((c_last, c_first, -c_weight, c_rows))
        c_rows, c_first, c_last, c_weight = (c_rows[order].tolist(), c_first[order].tolist(),
                                             c_last[order].tolist(), c_weight[order].tolist())
        bounds = np.searchsorted(np.asarray(c_rows, dtype=np.int64), np.arange(len(fast) + 1)).tolist()
        for r, k in enumerate(fast):
            a, b = bounds[r], bounds[r + 1]
            if a == b:
                out[k] = []
                continue
            chosen: list[tuple[float, int, int]] = []
            for j in range(a, b):  # strongest first, never overlapping
                first, last = c_first[j], c_last[j]
                if all(last < f or first > l for _, f, l in chosen):
                    chosen.append((c_weight[j], first, last))
                    if len(chosen) == max_cues:
                        break
            chosen.sort(key=lambda c: c[1])
            parts = parts_of[r]
            offsets = list(accumulate(map(len, parts)))  # offsets[2i] = where token i starts
            sample = texts[k][:max_chars]
            merged: list[list] = []
            for weight, first, last in chosen:  # touching spans (only spaces between) read as one phrase
                start, end = offsets[2 * first], offsets[2 * last + 1]
                if merged and not sample[merged[-1][2]:start].strip():
                    merged[-1][0] += weight
                    merged[-1][2] = end
                else:
                    merged.append([weight, start, end])
            out[k] = [construct_model(Cue, start=s, end=e, text=sample[s:e], weight=round(float(w), 4))
                      for w, s, e in merged]
    return out  # type: ignore[return-value]
