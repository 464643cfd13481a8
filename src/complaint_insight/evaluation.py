"""Evaluation helpers shared by recipes, benchmarks and model cards."""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, f1_score, precision_score, recall_score, roc_auc_score


def reliability_table(y_true, p, bins: int = 10) -> pd.DataFrame:
    """Observed complaint rate against mean predicted probability, in equal-width bins."""
    y_true = np.asarray(y_true, dtype=float)
    p = np.asarray(p, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    rows = []
    for b in range(bins):
        mask = idx == b
        rows.append(
            {
                "bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}",
                "n": int(mask.sum()),
                "mean_predicted": float(p[mask].mean()) if mask.any() else float("nan"),
                "observed_rate": float(y_true[mask].mean()) if mask.any() else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def expected_calibration_error(y_true, p, bins: int = 10) -> float:
    table = reliability_table(y_true, p, bins)
    table = table[table.n > 0]
    return float((table.n * (table.mean_predicted - table.observed_rate).abs()).sum() / table.n.sum())


def binary_report(y_true, p, threshold: float = 0.5) -> dict:
    y_true = np.asarray(y_true, dtype=int)
    p = np.asarray(p, dtype=float)
    pred = (p >= threshold).astype(int)
    report = {
        "n": int(len(y_true)),
        "positive_rate": float(y_true.mean()) if len(y_true) else float("nan"),
        "macro_f1": float(f1_score(y_true, pred, average="macro", zero_division=0)),
        "precision": float(precision_score(y_true, pred, zero_division=0)),
        "recall": float(recall_score(y_true, pred, zero_division=0)),
        "brier": float(brier_score_loss(y_true, p)) if len(y_true) else float("nan"),
        "ece": expected_calibration_error(y_true, p),
    }
    report["roc_auc"] = float(roc_auc_score(y_true, p)) if len(set(y_true.tolist())) == 2 else float("nan")
    return report


def markdown_table(frame: pd.DataFrame, floatfmt: str = ".3f") -> str:
    """A GitHub-markdown table without needing the optional ``tabulate`` package."""
    cols = list(frame.columns)
    lines = ["| " + " | ".join(map(str, cols)) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for _, row in frame.iterrows():
        cells = []
        for value in row:
            if isinstance(value, (float, np.floating)):
                cells.append("" if np.isnan(value) else format(value, floatfmt))
            else:
                cells.append(str(value))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
