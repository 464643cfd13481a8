"""Multi-label scores for categorisers: per category, macro and micro."""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, f1_score, precision_recall_fscore_support


def multilabel_report(Y: np.ndarray, P: np.ndarray, category_ids: list[str], scores: np.ndarray | None = None) -> tuple[pd.DataFrame, dict]:
    """Per-category precision/recall/F1/support (and average precision when ``scores`` is given),
    plus ``{"macro_f1", "micro_f1", "macro_precision", "macro_recall", "n", "categories"}``.

    Macro averages are over the categories with at least one positive in ``Y``; a category with
    no positives has no recall to measure, so including it would only add an arbitrary 0 or 1.
    Micro F1 counts every column given, so false alarms in such a category still count.
    """
    Y = np.asarray(Y).astype(int)
    P = np.asarray(P).astype(int)
    precision, recall, f1, support = precision_recall_fscore_support(Y, P, average=None, zero_division=0)
    table = pd.DataFrame(
        {"category": category_ids, "support": support, "predicted": P.sum(axis=0), "precision": precision,
         "recall": recall, "f1": f1}
    )
    if scores is not None:
        table["avg_precision"] = [
            average_precision_score(Y[:, j], scores[:, j]) if Y[:, j].any() else np.nan for j in range(Y.shape[1])
        ]
    present = support > 0
    summary = {
        "n": int(len(Y)),
        "categories": int(present.sum()),
        "macro_f1": float(f1[present].mean()) if present.any() else float("nan"),
        "macro_precision": float(precision[present].mean()) if present.any() else float("nan"),
        "macro_recall": float(recall[present].mean()) if present.any() else float("nan"),
        "micro_f1": float(f1_score(Y, P, average="micro", zero_division=0)),
    }
    if scores is not None:
        summary["macro_avg_precision"] = float(table.loc[present, "avg_precision"].mean())
    return table, summary


def roll_up_to_parents(M: np.ndarray, category_ids: list[str], taxonomy) -> tuple[np.ndarray, list[str]]:
    """(n, k) indicators (or scores) of categories → (n, m) of their parent categories: a parent is
    on when any of its children is (scores: the highest child score). Categories without a
    parent stand for themselves. Parents in order of first appearance."""
    parents = [taxonomy.by_id[c].parent or c for c in category_ids]
    order = list(dict.fromkeys(parents))
    M = np.asarray(M)
    out = np.column_stack([M[:, [j for j, p in enumerate(parents) if p == parent]].max(axis=1) for parent in order])
    return out, order
