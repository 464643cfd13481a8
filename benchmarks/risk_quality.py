"""Quality of the risk layer, written to docs/benchmarks/risk.md.

Run: ``COMPLAINT_INSIGHT_DATASETS=/path/to/shared/datasets python benchmarks/risk_quality.py``.
- red flags (rules + learned, as triage combines them) on the authored TEST split: per-type recall
  and false-alarm rate; false-alarm rate on the ordinary-complaint test rows; flag rate on NHS FFT;
- severity (the Triager's final level) on the authored TEST rows: confusion table;
- intensity: TF-IDF + logistic regression, the shipped head's recipe, macro-F1 in-corpus (80/20
  stratified split) and leave-one-corpus-out, with confusion tables.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from complaint_insight.datasets import INTENSITY_LEVELS, load_authored, load_corpus
from complaint_insight.evaluation import markdown_table
from complaint_insight.text import clean_for_model
from complaint_insight.triage import Triager
from complaint_insight.triage.risk_model import make_vectorizer

OUT = Path(__file__).resolve().parents[1] / "docs" / "benchmarks" / "risk.md"


def confusion(y_true, y_pred, labels) -> pd.DataFrame:
    m = confusion_matrix(y_true, y_pred, labels=list(labels))
    frame = pd.DataFrame(m, columns=[f"pred {l}" for l in labels])
    frame.insert(0, "true", list(labels))
    return frame


def flags_section(triager: Triager) -> list[str]:
    test = load_authored("risk", split="test")
    results = triager.assess_many(test["text"].tolist())
    got = [{f.type for f in r.red_flags} for r in results]
    by_rule = [{f.type for f in r.red_flags if f.source == "rule"} for r in results]
    rows = []
    for flag in triager.risk.rules.flags:
        has = test["flags"].map(lambda fs, f=flag: f in fs).to_numpy()
        hit = np.array([flag in g for g in got])
        rule_hit = np.array([flag in g for g in by_rule])
        rows.append({"flag": flag, "positives": int(has.sum()), "recall": hit[has].mean(),
                     "recall (rules only)": rule_hit[has].mean(), "negatives": int((~has).sum()),
                     "false-alarm rate": hit[~has].mean()})
    table = pd.DataFrame(rows)
    any_gold = test["flags"].map(len).to_numpy() > 0
    any_hit = np.array([bool(g) for g in got])
    ordinary = test["source_file"].eq("ordinary.jsonl").to_numpy()
    complaints = ordinary & test["kind"].eq("ordinary_complaint").to_numpy()
    near = test["kind"].isin(["near_miss", "negated", "hypothetical"]).to_numpy() & ~any_gold
    fft = load_corpus("nhs_fft")
    fft_results = triager.assess_many(fft["text"].tolist())
    fft_flagged = pd.Series([f.type for r in fft_results for f in r.red_flags if f.type != "needs_human_reader"])
    fft_any = np.mean([any(f.type != "needs_human_reader" for f in r.red_flags) for r in fft_results])
    lines = ["## Red flags (authored TEST split; rules + learned layer, as triage combines them)", "",
             markdown_table(table), "",
             f"- any flag on a text with at least one flag: recall {any_hit[any_gold].mean():.3f} ({int(any_gold.sum())} texts)",
             f"- false-alarm rate on the ordinary-complaint test rows: {any_hit[complaints].mean():.3f} ({int(complaints.sum())} texts)",
             f"- false-alarm rate on near-miss, negated and hypothetical test rows without a flag: {any_hit[near].mean():.3f} ({int(near.sum())} texts)",
             f"- NHS FFT (real comments, not used in training): {fft_any:.3%} of {len(fft)} comments get a red flag "
             f"({', '.join(f'{k} {v}' for k, v in fft_flagged.value_counts().items())})", ""]
    sev_true = test["severity"].astype(int).to_numpy()
    sev_pred = np.array([r.severity for r in results])
    lines += ["## Severity (HCAT 0-3, authored TEST split of the risk examples)", "",
              f"Exact agreement {np.mean(sev_true == sev_pred):.3f}, within one level {np.mean(abs(sev_true - sev_pred) <= 1):.3f}, "
              f"macro-F1 {f1_score(sev_true, sev_pred, average='macro'):.3f} ({len(test)} texts).", "",
              markdown_table(confusion(sev_true, sev_pred, (0, 1, 2, 3))), ""]
    return lines


def intensity_model():
    return make_pipeline(make_vectorizer(), LogisticRegression(C=2.0, class_weight="balanced", max_iter=3000, random_state=0))


def intensity_section() -> list[str]:
    corpora = {c: load_corpus(c).dropna(subset=["intensity"]) for c in ("xfincorp", "cesamard")}
    rows, tables = [], []
    for name, data in corpora.items():
        train, test = train_test_split(data, test_size=0.2, stratify=data["intensity"], random_state=0)
        pred = intensity_model().fit(train["text"].map(clean_for_model), train["intensity"]).predict(test["text"].map(clean_for_model))
        rows.append({"train": name, "test": f"{name} (held-out 20%)", "n_test": len(test),
                     "macro_f1": f1_score(test["intensity"], pred, average="macro")})
        tables.append((f"{name} in-corpus", confusion(test["intensity"], pred, INTENSITY_LEVELS)))
    for source, target in (("xfincorp", "cesamard"), ("cesamard", "xfincorp")):
        train, test = corpora[source], corpora[target]
        pred = intensity_model().fit(train["text"].map(clean_for_model), train["intensity"]).predict(test["text"].map(clean_for_model))
        rows.append({"train": source, "test": target, "n_test": len(test),
                     "macro_f1": f1_score(test["intensity"], pred, average="macro")})
        tables.append((f"train {source}, test {target}", confusion(test["intensity"], pred, INTENSITY_LEVELS)))
    lines = ["## Intensity (reproach level; TF-IDF 1-2-grams + logistic regression, as in the shipped head)", "",
             markdown_table(pd.DataFrame(rows)), ""]
    for title, table in tables:
        lines += [f"### {title}", "", markdown_table(table, floatfmt=".0f"), ""]
    return lines


def main() -> None:
    triager = Triager()
    lines = ["# Risk triage: quality", "",
             "Command: `COMPLAINT_INSIGHT_DATASETS=/path/to/shared/datasets python benchmarks/risk_quality.py`", ""]
    lines += flags_section(triager)
    if "--no-intensity" not in sys.argv:
        lines += intensity_section()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
