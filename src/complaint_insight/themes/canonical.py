"""A canonical, order-free view of a batch of texts.

Clustering results must not depend on row order (BERTopic's do: #2276). Texts are cleaned,
de-duplicated and sorted by a stable hash of their cleaned form; models only ever see this
canonical list (with a count per text as the sample weight) and results are mapped back to rows.
Shuffled input therefore gives the same canonical list, hence the same themes, bit for bit.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from complaint_insight.themes.clean import clean_for_themes


def stable_hash(text: str) -> int:
    """A 64-bit hash that is the same in every process (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


@dataclass(frozen=True)
class Canonical:
    texts: list[str]  # distinct cleaned texts (non-empty), sorted by stable hash
    hashes: np.ndarray  # uint64 hash of each distinct text, ascending
    counts: np.ndarray  # how many rows carry each distinct text
    row_index: np.ndarray  # per input row: index into ``texts``, or -1 for empty rows

    @property
    def n_rows(self) -> int:
        return len(self.row_index)


def canonicalise(raw_texts, cleaned: list[str] | None = None) -> Canonical:
    cleaned = [clean_for_themes(t) for t in raw_texts] if cleaned is None else cleaned
    codes, uniques = pd.factorize(pd.Series(cleaned, dtype=object), sort=False)
    uniques = list(uniques)
    hashes = np.fromiter((stable_hash(t) for t in uniques), dtype=np.uint64, count=len(uniques))
    # Sort by (hash, text) so even a hash collision has one order.
    order = np.array(sorted(range(len(uniques)), key=lambda i: (int(hashes[i]), uniques[i])), dtype=np.int64)
    keep = np.array([uniques[i] != "" for i in order], dtype=bool)
    order = order[keep]
    new_position = np.full(len(uniques), -1, dtype=np.int64)
    new_position[order] = np.arange(len(order))
    row_index = new_position[codes] if len(codes) else np.zeros(0, dtype=np.int64)
    counts = np.bincount(row_index[row_index >= 0], minlength=len(order)).astype(np.float64)
    return Canonical(
        texts=[uniques[i] for i in order], hashes=hashes[order], counts=counts, row_index=row_index
    )


def hash_sample(hashes: np.ndarray, size: int) -> np.ndarray:
    """Indices of a deterministic pseudo-random sample: the ``size`` smallest hashes (order-free)."""
    if len(hashes) <= size:
        return np.arange(len(hashes))
    return np.sort(np.argpartition(hashes, size)[:size])
