"""Red-flag recall and false alarms on the authored DEV set and TEST split (never the blind hold-out).

Run: ``python benchmarks/risk_dev.py`` (add ``--corpus`` with ``COMPLAINT_INSIGHT_DATASETS`` set to
also report the share of real corpus texts that pass the rule prefilter and the share flagged).
- DEV: ``training_data/risk/red_flags_dev.jsonl`` (split "dev"), written to probe phrasings unlike the
  training examples; used to judge pattern and training changes, never trained on.
- PROBE: ``red_flags_probe.jsonl`` (split "probe"), written after the first pattern changes and
  never used to tune them: a fresher estimate than DEV, whose misses guided those changes.
- PROBE2: ``red_flags_probe2.jsonl`` (split "probe2"), written last and scored once before and once
  after the changes; its misses were not read (``--show`` never prints them).
- PROBE3: ``red_flags_probe3.jsonl`` (split "probe3"), written after every pattern and model change
  (round 3 was written knowing PROBE2's topics), scored once before and once after, misses unread.
- TEST: the ``split == "test"`` rows of the other authored files in ``training_data/risk``.
Per flag type: recall (rules + learned model, as triage combines them), recall of the rules alone,
and false alarms among texts without that flag; overall: "any flag" recall and the share of
no-flag texts (ordinary complaints, near misses, negated and hypothetical mentions) given any flag.
"""
from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from complaint_insight.datasets import load_authored, load_corpus
from complaint_insight.triage import Triager

HUMAN = "needs_human_reader"


def score(triager: Triager, rows: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    results = triager.assess_many(rows["text"].tolist())
    got = [{f.type for f in r.red_flags if f.type != HUMAN} for r in results]
    rule = [{f.type for f in r.red_flags if f.source == "rule"} for r in results]
    table = []
    for flag in triager.risk.rules.flags:
        has = rows["flags"].map(lambda fs, f=flag: f in fs).to_numpy()
        hit = np.array([flag in g for g in got])
        rhit = np.array([flag in g for g in rule])
        table.append({"flag": flag, "pos": int(has.sum()), "recall": round(hit[has].mean(), 2),
                      "rules": round(rhit[has].mean(), 2), "missed": int((has & ~hit).sum()),
                      "false alarms": int((~has & hit).sum())})
    pos = rows["flags"].map(len).to_numpy() > 0
    anyhit = np.array([bool(g) for g in got])
    summary = {"texts": len(rows), "any-flag recall": round(anyhit[pos].mean(), 3),
               "no-flag texts": int((~pos).sum()), "no-flag texts flagged": int(anyhit[~pos].sum()),
               "no-flag false-alarm rate": round(anyhit[~pos].mean(), 3),
               "no-flag texts flagged by rules": int(np.array([bool(g) for g in rule])[~pos].sum())}
    return pd.DataFrame(table), summary, [sorted(g) for g in got]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="store_true", help="also measure prefilter and flagged shares on corpora")
    parser.add_argument("--n", type=int, default=20000, help="corpus texts per corpus")
    parser.add_argument("--risk-model", default=None, help="risk model folder to score (default: the shipped one)")
    parser.add_argument("--show", action="store_true", help="print DEV misses and false alarms")
    args = parser.parse_args()
    triager = Triager(risk_model=args.risk_model)
    dev = load_authored("risk", "red_flags_dev.jsonl", split="dev")
    authored = pd.concat([load_authored("risk", "red_flags.jsonl", split="test"),
                          load_authored("risk", "ordinary.jsonl", split="test")], ignore_index=True)
    probe = load_authored("risk", "red_flags_probe.jsonl", split="probe")
    probe2 = load_authored("risk", "red_flags_probe2.jsonl", split="probe2")
    probe3 = load_authored("risk", "red_flags_probe3.jsonl", split="probe3")
    for name, rows in (("DEV", dev), ("PROBE", probe), ("PROBE2", probe2), ("PROBE3", probe3), ("TEST", authored)):
        table, summary, got = score(triager, rows)
        print(f"## {name}\n{table.to_string(index=False)}\n{summary}\n")
        if args.show and name in ("DEV", "PROBE"):
            for text, want, g in zip(rows["text"], rows["flags"], got):
                if set(want) - set(g) or set(g) - set(want):
                    print(f"  want={sorted(want)} got={g}: {text[:110]}")
    if args.corpus:
        for corpus in ("nhs_fft", "xfincorp", "cesamard"):
            frame = load_corpus(corpus)
            texts = frame["text"].astype(str).head(args.n).tolist()
            cands = triager.risk.rules.candidates(texts)
            results = triager.assess_many(texts)
            flagged = sum(any(f.type != HUMAN for f in r.red_flags) for r in results)
            rule_flagged = sum(any(f.source == "rule" for f in r.red_flags) for r in results)
            print(f"{corpus}: n={len(texts)} prefilter share={len(cands) / len(texts):.4f} "
                  f"flagged share={flagged / len(texts):.4f} (rules {rule_flagged / len(texts):.4f})")


if __name__ == "__main__":
    main()
