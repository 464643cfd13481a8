"""Labelled data for the built-in taxonomies, with fixed train/test splits (training time only).

- ``hcat``: ``training_data/taxonomy/hcat_examples.jsonl`` (labels ``{category: severity}``);
- ``uk_public_services``: ``training_data/taxonomy/public_services_examples.jsonl``;
- ``qdc``: the NHS FFT corpus in the shared datasets folder, its one-hot columns mapped to QDC
  ids through each category's ``corpus_column``, de-duplicated by the loader before an 80/20
  random split (seed 0), so no comment sits on both sides.

Every function returns a DataFrame with ``text``, ``labels`` and ``split`` columns; ``labels``
is in any form :func:`complaint_insight.taxonomy.labels.label_matrix` accepts.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from complaint_insight.datasets import load_authored, load_nhs_fft
from complaint_insight.taxonomy.loader import load_taxonomy

AUTHORED = {
    "hcat": ("hcat_examples.jsonl", "hcat"),
    "uk_public_services": ("public_services_examples.jsonl", "categories"),
}
QDC_TEST_SIZE = 0.2
SEED = 0


def authored_examples(taxonomy_id: str) -> pd.DataFrame:
    """The project's own labelled examples for a built-in taxonomy."""
    if taxonomy_id not in AUTHORED:
        raise ValueError(f"no authored examples for {taxonomy_id!r}; available: {', '.join(AUTHORED)}")
    filename, column = AUTHORED[taxonomy_id]
    df = load_authored("taxonomy", filename)
    return pd.DataFrame({"text": df["text"], "labels": df[column], "split": df["split"]})


def qdc_corpus() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows with text and split, 0/1 label frame with QDC category ids as columns), same index."""
    taxonomy = load_taxonomy("qdc")
    raw = load_nhs_fft(include_unlabelled=True)  # categories are labelled even where sentiment is not
    columns = {taxonomy.by_id[cid].extra("corpus_column"): cid for cid in taxonomy.predicted_ids}
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise ValueError(f"NHS FFT corpus lacks the QDC columns {missing}")
    labels = raw[list(columns)].rename(columns=columns).astype(int)
    rng = np.random.default_rng(SEED)
    test = np.zeros(len(raw), bool)
    test[rng.permutation(len(raw))[: int(round(QDC_TEST_SIZE * len(raw)))]] = True
    rows = pd.DataFrame({"text": raw["text"], "split": np.where(test, "test", "train"), "trust": raw["trust"]})
    return rows, labels
