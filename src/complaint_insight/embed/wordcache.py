"""A faster path through the static embedder for big batches: tokenise each distinct word once.

A model2vec text vector is the mean of its tokens' vectors, and BERT-style WordPiece tokenises
each pre-token (a word or a punctuation mark) independently. So a text's vector is
``sum(word token-vector sums) / sum(word token counts)`` over its words, and each distinct word
needs tokenising only once per batch (and is cached across batches). Complaints repeat a small
vocabulary, so this is several times faster than tokenising every text in full.

Results equal the model's own ``encode`` up to float rounding (model2vec averages in float16,
this in float32). Only plain-ASCII texts take the fast path, where BERT's pre-tokenisation is
exactly "runs of letters/digits, each other character alone"; non-ASCII texts (Unicode
punctuation, accents, emoji, CJK rules) and texts long enough to hit the model's truncation go
through the model itself.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse

# BERT's pre-tokeniser on ASCII: runs of letters/digits, and every other visible character alone.
_PRE_TOKEN = re.compile(r"[A-Za-z0-9]+|[^A-Za-z0-9\s]")
# Longer texts may exceed the model's 512-token limit; they keep the model's own path.
MAX_FAST_CHARS = 500


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # BERT's clean_text drops these


def _fast_ok(text: str) -> bool:
    return len(text) <= MAX_FAST_CHARS and text.isascii()


class WordCachedEncoder:
    """Wraps a :class:`~complaint_insight.embed.static.StaticEmbedder`; same ``name``, ``dim``, ``encode``."""

    def __init__(self, static_embedder, *, max_cache: int = 2_000_000):
        model = static_embedder._model
        self._static = static_embedder
        self._tokenizer = model.tokenizer
        self._embedding = np.asarray(model.embedding, dtype=np.float32)
        self._unk = model.unk_token_id
        self.name = static_embedder.name
        self.dim = static_embedder.dim
        self._max_cache = max_cache
        self._index: dict[str, int] = {}
        self._sums = np.zeros((0, self.dim), dtype=np.float32)
        self._counts = np.zeros(0, dtype=np.float32)

    def _word_rows(self, words: list[str]) -> np.ndarray:
        """Rows in the cache for ``words``, tokenising the ones not seen before."""
        if len(self._index) + len(words) > self._max_cache:
            self._index.clear()
            self._sums, self._counts = self._sums[:0], self._counts[:0]
        new = [w for w in words if w not in self._index]
        if new:
            encodings = self._tokenizer.encode_batch_fast(new, add_special_tokens=False)
            sums = np.zeros((len(new), self.dim), dtype=np.float32)
            counts = np.zeros(len(new), dtype=np.float32)
            for i, enc in enumerate(encodings):
                ids = [t for t in enc.ids if t != self._unk]
                if ids:
                    sums[i] = self._embedding[ids].sum(axis=0)
                    counts[i] = len(ids)
            start = len(self._index)
            for offset, word in enumerate(new):
                self._index[word] = start + offset
            self._sums = np.vstack([self._sums, sums])
            self._counts = np.concatenate([self._counts, counts])
        return np.fromiter((self._index[w] for w in words), dtype=np.int64, count=len(words))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        slow_rows = [i for i, t in enumerate(texts) if not _fast_ok(t)]
        if slow_rows:
            out[slow_rows] = self._static.encode([texts[i] for i in slow_rows])
        short_rows = np.setdiff1d(np.arange(len(texts)), slow_rows)
        if len(short_rows):
            tokens = pd.Series([_PRE_TOKEN.findall(_CONTROL.sub(" ", texts[i].lower())) for i in short_rows]).explode()
            tokens = tokens.dropna()
            codes, uniques = pd.factorize(tokens, sort=False)
            rows = self._word_rows(list(uniques))
            owner = tokens.index.to_numpy()
            # texts × distinct words, entries = occurrences; two sparse products give sums and counts.
            counts = sparse.csr_matrix(
                (np.ones(len(codes), dtype=np.float32), (owner, codes)), shape=(len(short_rows), len(uniques))
            )
            sums = counts @ self._sums[rows]
            n_tokens = counts @ self._counts[rows]
            vectors = np.divide(sums, n_tokens[:, None], out=np.zeros_like(sums), where=n_tokens[:, None] > 0)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            out[short_rows] = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
        return out
