"""A light inference engine for saved complaint classifiers.

It computes exactly what the fitted scikit-learn pipeline computes (TF-IDF with scikit-learn's
default word tokenisation, lexicon sentiment, embeddings, logistic regression, calibration) from
the saved arrays, without importing scikit-learn. Why: importing scikit-learn and SciPy alone takes
~1.5 s on a 2-core machine, which would break the "first result within 2 s" target, and a
dictionary-based TF-IDF dot product is several times faster than building sparse matrices.
Tests check that both paths agree to 1e-6.
"""
from __future__ import annotations

import math
import re
import hashlib
from collections import Counter
from itertools import chain, repeat
from pathlib import Path
from typing import NamedTuple

import numpy as np

from complaint_insight.text import clean_for_model
from complaint_insight.triage import model_format
from complaint_insight.triage.lexicon import FEATURE_NAMES, sentiment_matrix


# Batches smaller than this are scored text by text (same results; lower latency for single calls).
SMALL_BATCH = 16


def _exp(x: float) -> float:
    return math.exp(x) if x < 709.0 else math.inf  # as np.exp: overflow is infinity, not an error


# Keeps ASCII word characters (letters, digits, "_"); every other byte becomes a space.
_WORD_BYTES = bytes(c if chr(c).isascii() and (chr(c).isalnum() or c == 95) else 32 for c in range(256))
_LOG_TF = [0.0] + [1.0 + math.log(k) for k in range(1, 256)]


class WordFeatures(NamedTuple):
    """L2-normalised TF-IDF rows of the classifier's word block, as CSR arrays (no SciPy needed).

    Other heads (the risk model) score these with plain NumPy, so a batch is tokenised once.
    """

    indptr: np.ndarray  # (n + 1,) int64
    indices: np.ndarray  # (nnz,) int32, column = term index in the block's vocabulary
    values: np.ndarray  # (nnz,) float64
    width: int  # vocabulary size
    vocabulary_sha256: str

    def dot(self, weights: np.ndarray, block_rows: int = 256) -> np.ndarray:
        """``X @ weights`` for a dense ``(width, k)`` weight matrix (float32 products, float64 result).

        Done ``block_rows`` rows at a time: the gathered weight rows of a block stay in the CPU cache
        (all at once they are tens of MB), about twice as fast; each row's sum is the same either way.
        """
        rows = len(self.indptr) - 1
        out = np.zeros((rows, weights.shape[1]))
        indptr, indices, values = self.indptr, self.indices, self.values
        for a in range(0, rows, block_rows):
            b = min(rows, a + block_rows)
            lo, hi = indptr[a], indptr[b]
            if hi == lo:
                continue  # no terms in these rows: zeros
            contributions = weights[indices[lo:hi]] * values[lo:hi].astype(weights.dtype)[:, None]
            starts = indptr[a:b] - lo
            filled = indptr[a + 1 : b + 1] - lo > starts
            # reduceat sums from each start to the next one, so only rows with terms may be given:
            # an empty row's start would cut the row before it short.
            out[a:b][filled] = np.add.reduceat(contributions, starts[filled], axis=0)
        return out

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        a, b = self.indptr[i], self.indptr[i + 1]
        return self.indices[a:b], self.values[a:b]


class _WordBlock:
    def __init__(self, block: dict, idf: np.ndarray, coef: np.ndarray):
        self.pattern = re.compile(block["token_pattern"])
        # r"(?u)\b\w\w+\b" matches exactly the maximal runs of two or more word characters.
        self.default_pattern = block["token_pattern"] == r"(?u)\b\w\w+\b"
        self.lowercase = block["lowercase"]
        self.min_n, self.max_n = block["ngram_range"]
        self.sublinear = block["sublinear_tf"]
        vocab = block["vocabulary"]
        # term -> (idf, coefficient, column): one lookup per n-gram at scoring time
        self.terms = {t: (float(i), float(c), k) for k, (t, i, c) in enumerate(zip(vocab, idf.tolist(), coef.tolist()))}
        self.width = len(vocab)
        self.vocabulary = vocab
        self.vocabulary_sha256 = vocabulary_digest(vocab, idf)
        self._fast = None  # batch look-up tables, built on first use (see _index)

    def tokens(self, text: str) -> list[str]:
        """``token_pattern.findall(text)``; for scikit-learn's default pattern and an ASCII text,
        the runs of word characters longer than one, found with ``bytes.translate`` (~2x faster)."""
        if self.default_pattern and text.isascii():
            return [w for w in text.encode("ascii").translate(_WORD_BYTES).decode("ascii").split() if len(w) > 1]
        return self.pattern.findall(text)

    def ngrams(self, text: str) -> list[str]:
        """The same n-grams, in the same order, as scikit-learn's word analyzer."""
        tokens = self.tokens(text.lower() if self.lowercase else text)
        if (self.min_n, self.max_n) == (1, 2):
            return tokens + [a + " " + b for a, b in zip(tokens, tokens[1:])]
        grams: list[str] = []
        for n in range(self.min_n, self.max_n + 1):
            if n == 1:
                grams.extend(tokens)
            else:
                grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        return grams

    def tf(self, count: int) -> float:
        if not self.sublinear:
            return float(count)
        return _LOG_TF[count] if count < len(_LOG_TF) else 1.0 + math.log(count)

    def _index(self):
        """Integer look-up tables for batch scoring (built on first use), or None if not applicable.

        Tokens map to ids; a unigram term to its column through an array, a bigram term through
        a sorted array of ``first_id * n_tokens + second_id`` codes. A batch then needs one dict
        look-up per token and NumPy for the rest, instead of building and hashing every bigram string.
        """
        if self._fast is None:
            if (self.min_n, self.max_n) not in ((1, 1), (1, 2)):
                self._fast = False
                return None
            token_id: dict[str, int] = {}
            pairs: list[tuple[str, ...]] = []
            for term in self.vocabulary:
                parts = tuple(term.split(" "))
                if len(parts) > 2 or not all(parts):
                    self._fast = False
                    return None
                pairs.append(parts)
                for part in parts:
                    token_id.setdefault(part, len(token_id))
            n_tokens = len(token_id)
            unigram_column = np.full(n_tokens + 1, -1, dtype=np.int64)  # the extra slot answers id -1
            codes, columns = [], []
            for k, parts in enumerate(pairs):
                if len(parts) == 1:
                    unigram_column[token_id[parts[0]]] = k
                else:
                    codes.append(token_id[parts[0]] * n_tokens + token_id[parts[1]])
                    columns.append(k)
            codes_arr = np.asarray(codes, dtype=np.int64)
            order = np.argsort(codes_arr, kind="stable")
            idf = np.empty(self.width)
            coef = np.empty(self.width)
            for term, (i, c, k) in self.terms.items():
                idf[k], coef[k] = i, c
            self._fast = (token_id, n_tokens, unigram_column, codes_arr[order],
                          np.asarray(columns, dtype=np.int64)[order], idf, coef)
        return self._fast or None

    def score_with_features(self, cleaned: list[str]) -> tuple[np.ndarray, WordFeatures]:
        """Scores and the normalised TF-IDF rows of a batch.

        Bit-for-bit what :meth:`score` computes per text: the same n-grams, each text's terms in
        order of first occurrence (unigrams, then bigrams), and its sums accumulated in that order
        (``np.bincount`` adds its weights one after another).
        """
        index = self._index() if len(cleaned) >= SMALL_BATCH else None
        if index is None:  # NumPy's fixed costs outweigh the loop's for a few texts (single-text latency)
            return self._score_with_features_loop(cleaned)
        token_id, n_tokens, unigram_column, bigram_codes, bigram_columns, idf, coef = index
        n = len(cleaned)
        tokenise = self.tokens
        token_lists = list(map(tokenise, map(str.lower, cleaned) if self.lowercase else cleaned))
        lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=n)
        total = int(lengths.sum())
        ids = np.fromiter(map(token_id.get, chain.from_iterable(token_lists), repeat(-1)), dtype=np.int64, count=total)
        del token_lists
        rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
        token_start = np.cumsum(lengths) - lengths
        position = np.arange(total, dtype=np.int64) - token_start[rows]  # token number within its text
        # Where each text's n-grams start in the order scikit-learn lists them: n unigrams, then n - 1 bigrams.
        grams = lengths * 2 - 1 if self.max_n == 2 else lengths.copy()
        grams[lengths == 0] = 0
        gram_start = np.cumsum(grams) - grams
        uni_cols = unigram_column[ids]
        keep = uni_cols >= 0
        entry_rows, entry_cols = [rows[keep]], [uni_cols[keep]]
        entry_order = [gram_start[rows[keep]] + position[keep]]
        if self.max_n == 2 and total > 1 and len(bigram_codes):
            has_next = position[:-1] < lengths[rows[:-1]] - 1
            first, second = ids[:-1], ids[1:]
            has_next &= (first >= 0) & (second >= 0)
            at = np.flatnonzero(has_next)
            codes = first[at] * n_tokens + second[at]
            slot = np.minimum(np.searchsorted(bigram_codes, codes), len(bigram_codes) - 1)
            found = bigram_codes[slot] == codes
            at, slot = at[found], slot[found]
            bi_rows = rows[at]
            entry_rows.append(bi_rows)
            entry_cols.append(bigram_columns[slot])
            entry_order.append(gram_start[bi_rows] + lengths[bi_rows] + position[at])
        entry_rows_arr = np.concatenate(entry_rows)
        entry_cols_arr = np.concatenate(entry_cols)
        entry_order_arr = np.concatenate(entry_order)
        # One entry per (text, term), counted, at the place of its first occurrence.
        keys = entry_rows_arr * self.width + entry_cols_arr
        unique_keys, first, counts = np.unique(keys, return_index=True, return_counts=True)
        order = np.argsort(entry_order_arr[first], kind="stable")
        unique_keys, counts = unique_keys[order], counts[order]
        term_rows = unique_keys // self.width
        term_cols = unique_keys % self.width
        if self.sublinear:
            top = int(counts.max()) if len(counts) else 0
            table = np.asarray(_LOG_TF + [1.0 + math.log(k) for k in range(len(_LOG_TF), top + 1)])
            tf = table[counts]
        else:
            tf = counts.astype(np.float64)
        values = tf * idf[term_cols]
        dots = np.bincount(term_rows, weights=values * coef[term_cols], minlength=n)
        norm_sq = np.bincount(term_rows, weights=values * values, minlength=n)
        norms = np.ones(n)
        positive = norm_sq > 0
        norms[positive] = np.sqrt(norm_sq[positive])
        scores = np.zeros(n)
        scores[positive] = dots[positive] / norms[positive]
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(term_rows, minlength=n), out=indptr[1:])
        features = WordFeatures(indptr, term_cols.astype(np.int32), values / norms[term_rows], self.width,
                                self.vocabulary_sha256)
        return scores, features

    def _score_with_features_loop(self, cleaned: list[str]) -> tuple[np.ndarray, WordFeatures]:
        """The per-text reference implementation (also used for n-gram ranges beyond (1, 2))."""
        get = self.terms.get
        tf = self.tf
        scores = np.zeros(len(cleaned))
        norms = np.ones(len(cleaned))
        indptr = [0]
        indices: list[int] = []
        values: list[float] = []
        add_index, add_value = indices.append, values.append
        for row, text in enumerate(cleaned):
            dot = norm = 0.0
            for term, count in Counter(self.ngrams(text)).items():
                entry = get(term)
                if entry is not None:
                    value = tf(count) * entry[0]
                    dot += value * entry[1]
                    norm += value * value
                    add_index(entry[2])
                    add_value(value)
            if norm > 0:
                norms[row] = math.sqrt(norm)
                scores[row] = dot / norms[row]
            indptr.append(len(indices))
        indptr_arr = np.asarray(indptr, dtype=np.int64)
        values_arr = np.asarray(values, dtype=np.float64) / np.repeat(norms, np.diff(indptr_arr))
        features = WordFeatures(indptr_arr, np.asarray(indices, dtype=np.int32), values_arr, self.width,
                                self.vocabulary_sha256)
        return scores, features

    def features(self, cleaned: list[str]) -> WordFeatures:
        return self.score_with_features(cleaned)[1]

    def score(self, text: str) -> float:
        # The hot loop of batch triage: locals bound once, counting done by Counter in C.
        get = self.terms.get
        tf = self.tf
        dot = norm = 0.0
        for term, count in Counter(self.ngrams(text)).items():
            entry = get(term)
            if entry is not None:
                value = tf(count) * entry[0]
                dot += value * entry[1]
                norm += value * value
        return dot / math.sqrt(norm) if norm > 0 else 0.0


def vocabulary_digest(vocabulary: list[str], idf: np.ndarray) -> str:
    """SHA-256 of a word block's terms and IDF weights: heads trained on it check they still match."""
    digest = hashlib.sha256("\n".join(vocabulary).encode("utf-8"))
    digest.update(np.asarray(idf, dtype="<f8").tobytes())
    return digest.hexdigest()


class PickledByPath:
    """A model loaded from a folder travels to worker processes as its folder path: each worker loads
    (and caches, through ``_load_cached``) the model once instead of unpickling large arrays with
    every task. A model built in memory (``path`` None) is pickled whole."""

    path: "Path | None"

    @staticmethod
    def _load_cached(path: str):
        raise NotImplementedError

    def __getstate__(self):
        if self.path is not None:
            return {"_path": str(self.path)}
        return self.__dict__

    def __setstate__(self, state):
        if "_path" in state:
            state = self._load_cached(state["_path"]).__dict__
        self.__dict__.update(state)


class CompiledComplaintScorer(PickledByPath):
    """Scores texts with a saved classifier; same interface subset as ``ComplaintClassifier``."""

    def __init__(self, doc: dict, arrays: dict[str, np.ndarray], path: Path | None = None):
        self.path = path
        self.features = doc["params"]["features"]
        self.threshold = float(doc["threshold"])
        self.calibration = doc["calibration"]
        coef = arrays["coef"]
        self.intercept = float(arrays["intercept"][0])
        self._words: _WordBlock | None = None
        self._lexicon: tuple[float, np.ndarray] | None = None
        self._embeddings: list[tuple[str, np.ndarray, np.ndarray, float, np.ndarray]] = []
        offset = 0
        for block in doc["blocks"]:
            if block["kind"] == "tfidf":
                if block["analyzer"] != "word" or block["name"] != "words":
                    raise NotImplementedError(f"block {block['name']!r} ({block['analyzer']}) is not compiled")
                width = len(block["vocabulary"])
                self._words = _WordBlock(block, arrays["words_idf"], coef[offset : offset + width])
            elif block["kind"] == "lexicon":
                width = len(FEATURE_NAMES)
                self._lexicon = (float(block["scale"]), coef[offset : offset + width])
            else:
                mean, std = arrays[f"{block['name']}_mean"], arrays[f"{block['name']}_std"]
                width = len(mean)
                self._embeddings.append(
                    (block["embedder"], mean.astype(np.float32), std.astype(np.float32), float(block["scale"]),
                     coef[offset : offset + width])
                )
            offset += width
        if offset != len(coef):
            raise ValueError(f"saved model has {len(coef)} coefficients but its blocks need {offset}")
        if self.calibration["method"] == "isotonic":
            self._iso = (arrays["isotonic_x"], arrays["isotonic_y"])

    @staticmethod
    def _load_cached(path: str) -> "CompiledComplaintScorer":
        from complaint_insight.triage.triager import load_classifier

        return load_classifier(path)

    @classmethod
    def load(cls, folder: str | Path) -> "CompiledComplaintScorer":
        folder = Path(folder)
        doc, arrays = model_format.read(folder)
        return cls(doc, arrays, folder)

    def decision_function(self, texts) -> np.ndarray:
        cleaned = [clean_for_model(t) for t in texts]
        return self.decision_function_clean(cleaned)

    def decision_function_clean(self, cleaned: list[str], *, words_out: list | None = None) -> np.ndarray:
        scores = np.full(len(cleaned), self.intercept, dtype=np.float64)
        if self._words is not None:
            if words_out is not None:  # the caller also wants the word features (risk heads)
                word_scores, features = self._words.score_with_features(cleaned)
                scores += word_scores
                words_out.append(features)
            else:
                scores += self._words.score_with_features(cleaned)[0]
        if self._lexicon is not None:
            scale, weights = self._lexicon
            # Column by column, not ``@``: a BLAS product may sum a row in another order (and differ
            # in the last bit) depending on the batch size, and a batch must equal one call per text.
            lexicon = sentiment_matrix(cleaned).astype(np.float64) * scale
            contribution = np.zeros(len(cleaned))
            for j, weight in enumerate(np.asarray(weights, dtype=np.float64).tolist()):
                contribution += lexicon[:, j] * weight
            scores += contribution
        for embedder, mean, std, scale, weights in self._embeddings:
            from complaint_insight.embed import get_embedder

            vectors = get_embedder(embedder).encode(cleaned)
            scores += (((vectors - mean) / std * scale).astype(np.float32)).astype(np.float64) @ weights
        return scores

    def calibrate(self, scores: np.ndarray) -> np.ndarray:
        method = self.calibration["method"]
        if method == "sigmoid":
            z = self.calibration["a"] * scores + self.calibration["b"]
            # math.exp per value: NumPy's vectorised exp may round differently from its scalar tail,
            # so a text's probability could depend on its place in the batch.
            return 1.0 / (1.0 + np.fromiter(map(_exp, (-z).tolist()), dtype=np.float64, count=len(z)))
        if method == "isotonic":
            x, y = self._iso
            return np.interp(np.clip(scores, x[0], x[-1]), x, y)
        return 1.0 / (1.0 + np.exp(-scores))

    def predict_proba(self, texts) -> np.ndarray:
        p = np.clip(self.calibrate(self.decision_function(texts)), 0.0, 1.0)
        return np.column_stack([1.0 - p, p])

    def predict_proba_with_words(self, texts) -> tuple[np.ndarray, WordFeatures | None]:
        """``predict_proba`` plus the word-block features it computed on the way (None without a word block)."""
        out: list = []
        scores = self.decision_function_clean([clean_for_model(t) for t in texts], words_out=out)
        p = np.clip(self.calibrate(scores), 0.0, 1.0)
        return np.column_stack([1.0 - p, p]), (out[0] if out else None)

    @property
    def word_block(self) -> "_WordBlock | None":
        return self._words

    def predict(self, texts) -> np.ndarray:
        return (self.predict_proba(texts)[:, 1] >= self.threshold).astype(int)

    def ngram_weights(self) -> dict[str, float]:
        """Signed coefficient of every word n-gram (positive pushes towards 'complaint')."""
        if self._words is None:
            return {}
        return {term: entry[1] for term, entry in self._words.terms.items()}

    def ngram_contributions(self, text: str) -> dict[str, float]:
        """Contribution of each n-gram present in ``text`` to its score (TF-IDF value × weight)."""
        if self._words is None:
            return {}
        block = self._words
        counts = Counter(block.ngrams(clean_for_model(text)))
        values = {}
        norm = 0.0
        for term, count in counts.items():
            entry = block.terms.get(term)
            if entry is not None:
                value = block.tf(count) * entry[0]
                values[term] = (value, entry[1])
                norm += value * value
        norm = math.sqrt(norm) or 1.0
        return {term: value / norm * coef for term, (value, coef) in values.items()}
