"""Quality of the risk layer, written to the "quality" section of docs/benchmarks/risk.md.

Run: ``COMPLAINT_INSIGHT_DATASETS=/path/to/shared/datasets python benchmarks/risk_quality.py``.
- red flags (rules + learned, as triage combines them) on (a) the authored TEST split and (b) two
  blind hold-outs (``training_data/risk/red_flags_holdout.jsonl`` and ``red_flags_holdout2.jsonl``,
  never used to write patterns or train): per-type recall and false-alarm rate; false alarms on
  ordinary complaints; the share of real corpus texts flagged (counts only, no quotes);
- severity (the Triager's final level): confusion tables on both sets;
- intensity: the shipped head's recipe (logistic regression on the complaint classifier's word
  features), macro-F1 in-corpus (80/20 stratified split) and leave-one-corpus-out, confusion tables.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score
from sklearn.model_selection import train_test_split

from complaint_insight.datasets import INTENSITY_LEVELS, load_authored, load_corpus
from complaint_insight.evaluation import markdown_table
from complaint_insight.triage import Triager
from complaint_insight.triage.risk_model import word_block, word_matrix

sys.path.insert(0, str(Path(__file__).resolve().parent))
from risk_speed import write_section  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "docs" / "benchmarks" / "risk.md"
START, END = "<!-- quality:start -->", "<!-- quality:end -->"


def confusion(y_true, y_pred, labels) -> pd.DataFrame:
    m = confusion_matrix(y_true, y_pred, labels=list(labels))
    frame = pd.DataFrame(m, columns=[f"pred {l}" for l in labels])
    frame.insert(0, "true", list(labels))
    return frame


def flag_table(triager: Triager, rows: pd.DataFrame) -> tuple[pd.DataFrame, list]:
    results = triager.assess_many(rows["text"].tolist())
    got = [{f.type for f in r.red_flags} for r in results]
    by_rule = [{f.type for f in r.red_flags if f.source == "rule"} for r in results]
    table = []
    for flag in triager.risk.rules.flags:
        has = rows["flags"].map(lambda fs, f=flag: f in fs).to_numpy()
        hit = np.array([flag in g for g in got])
        rule_hit = np.array([flag in g for g in by_rule])
        table.append({"flag": flag, "positives": int(has.sum()), "recall": hit[has].mean() if has.any() else np.nan,
                      "recall (rules only)": rule_hit[has].mean() if has.any() else np.nan,
                      "missed": int((has & ~hit).sum()), "negatives": int((~has).sum()),
                      "false alarms": int((~has & hit).sum()), "false-alarm rate": hit[~has].mean()})
    return pd.DataFrame(table), results


def flag_summary(rows: pd.DataFrame, results: list) -> list[str]:
    got = np.array([any(f.type != "needs_human_reader" for f in r.red_flags) for r in results])
    gold = rows["flags"].map(len).to_numpy() > 0
    lines = [f"- any flag on a text with at least one flag: recall {got[gold].mean():.3f} ({int(gold.sum())} texts)"]
    if "kind" in rows:
        ordinary = rows["kind"].eq("ordinary_complaint").to_numpy()
        if ordinary.any():
            lines.append(f"- ordinary complaints flagged: {int(got[ordinary].sum())} of {int(ordinary.sum())} "
                         f"({got[ordinary].mean():.1%})")
        near = rows["kind"].isin(["near_miss", "negated", "hypothetical"]).to_numpy() & ~gold
        if near.any():
            lines.append(f"- near-miss, negated and hypothetical texts without a flag, flagged: {int(got[near].sum())} "
                         f"of {int(near.sum())} ({got[near].mean():.1%})")
    negatives = ~gold
    lines.append(f"- any false alarm on texts without a flag: {int(got[negatives].sum())} of {int(negatives.sum())} "
                 f"({got[negatives].mean():.1%})")
    return lines


def severity_lines(title: str, rows: pd.DataFrame, results: list) -> list[str]:
    keep = rows["severity"].notna().to_numpy()
    sev_true = rows.loc[keep, "severity"].astype(int).to_numpy()
    sev_pred = np.array([r.severity for r, k in zip(results, keep) if k])
    return [f"### {title}", "",
            f"Exact agreement {np.mean(sev_true == sev_pred):.3f}, within one level {np.mean(abs(sev_true - sev_pred) <= 1):.3f}, "
            f"macro-F1 {f1_score(sev_true, sev_pred, average='macro'):.3f} ({len(sev_true)} texts).", "",
            markdown_table(confusion(sev_true, sev_pred, (0, 1, 2, 3))), ""]


def flags_section(triager: Triager, corpus_rows: int) -> list[str]:
    lines = []
    severity = []
    for title, rows in (("authored TEST split (patterns were written with sight of these)",
                         load_authored("risk", split="test")),
                        ("BLIND hold-out (red_flags_holdout.jsonl, never used for patterns or training)",
                         load_authored("risk", "red_flags_holdout.jsonl", split="holdout")),
                        ("second BLIND hold-out (red_flags_holdout2.jsonl, written by another author without sight "
                         "of the patterns, the model or the other examples)",
                         load_authored("risk", "red_flags_holdout2.jsonl", split="holdout2"))):
        table, results = flag_table(triager, rows)
        lines += [f"## Red flags, {title}", "", "Rules + learned layer, as triage combines them.", "",
                  markdown_table(table), "", *flag_summary(rows, results), ""]
        severity += severity_lines(f"Severity, {title.split(' (')[0]}", rows, results)
    lines += ["## Red flags on real corpora (share of texts flagged; counts only, no quotes)", "",
              "xfincorp and cesamard rows are extra negatives in the learned layer's training; NHS FFT is not "
              "used anywhere in training, so its rate is the fairest alarm-fatigue check. The corpora carry no "
              "red-flag labels: a flagged text is not necessarily a false alarm.", "",
              "| corpus | texts | flagged (any red flag) | by rules | by the learned layer only | by type |",
              "|---|---|---|---|---|---|"]
    for name in ("nhs_fft", "xfincorp", "cesamard"):
        texts = load_corpus(name)["text"].tolist()
        if corpus_rows:
            texts = texts[:corpus_rows]
        results = triager.assess_many(texts)
        flagged = [[f for f in r.red_flags if f.type != "needs_human_reader"] for r in results]
        anyf = sum(bool(f) for f in flagged)
        rule = sum(any(x.source == "rule" for x in f) for f in flagged)
        types = pd.Series([x.type for f in flagged for x in f]).value_counts()
        lines.append(f"| {name} | {len(texts):,} | {anyf} ({anyf / len(texts):.1%}) | {rule} | {anyf - rule} | "
                     f"{', '.join(f'{k} {v}' for k, v in types.items())} |")
    lines += ["", "## Severity (HCAT 0-3; the Triager's final level: red-flag floor, else the learned head)", "", *severity]
    return lines


def intensity_model():
    return LogisticRegression(C=2.0, class_weight="balanced", max_iter=3000, random_state=0)


def intensity_section() -> list[str]:
    block = word_block()
    corpora = {c: load_corpus(c).dropna(subset=["intensity"]).reset_index(drop=True) for c in ("xfincorp", "cesamard")}
    features = {c: word_matrix(block, data["text"]) for c, data in corpora.items()}
    rows, tables = [], []
    for name, data in corpora.items():
        train, test = train_test_split(np.arange(len(data)), test_size=0.2, stratify=data["intensity"], random_state=0)
        X, y = features[name], data["intensity"].to_numpy()
        pred = intensity_model().fit(X[train], y[train]).predict(X[test])
        test = data.iloc[test]
        rows.append({"train": name, "test": f"{name} (held-out 20%)", "n_test": len(test),
                     "macro_f1": f1_score(test["intensity"], pred, average="macro")})
        tables.append((f"{name} in-corpus", confusion(test["intensity"], pred, INTENSITY_LEVELS)))
    for source, target in (("xfincorp", "cesamard"), ("cesamard", "xfincorp")):
        test = corpora[target]
        pred = intensity_model().fit(features[source], corpora[source]["intensity"]).predict(features[target])
        rows.append({"train": source, "test": target, "n_test": len(test),
                     "macro_f1": f1_score(test["intensity"], pred, average="macro")})
        tables.append((f"train {source}, test {target}", confusion(test["intensity"], pred, INTENSITY_LEVELS)))
    lines = ["## Intensity (reproach level; logistic regression on the classifier's word features, as the shipped head)", "",
             "The shipped head is trained on all rows of both corpora; these are refits of its recipe on the stated "
             "split. The word vocabulary and IDF come from the complaint classifier, which saw both corpora "
             "(unsupervised, but a mild optimism for leave-one-corpus-out).", "",
             markdown_table(pd.DataFrame(rows)), ""]
    for title, table in tables:
        lines += [f"### {title}", "", markdown_table(table, floatfmt=".0f"), ""]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-rows", type=int, default=0, help="rows per real corpus for the flag rate (0 = all)")
    parser.add_argument("--no-intensity", action="store_true")
    args = parser.parse_args()
    triager = Triager()
    lines = ["# Risk triage: quality", "",
             "Command: `COMPLAINT_INSIGHT_DATASETS=/path/to/shared/datasets python benchmarks/risk_quality.py"
             f"{' --corpus-rows ' + str(args.corpus_rows) if args.corpus_rows else ''}`", ""]
    lines += flags_section(triager, args.corpus_rows)
    if not args.no_intensity:
        lines += intensity_section()
    write_section(OUT, START, END, lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
