"""Train and ship ``models/risk-model``: learned red flags, HCAT severity and reproach intensity.

Run (needs the shared corpora): ``COMPLAINT_INSIGHT_DATASETS=/path/to/shared/datasets
python recipes/train_risk_model.py``. Trains on the authored TRAIN split (training_data/risk,
taxonomy/hcat_examples, complaints) plus xfincorp and cesamard (intensity labels, and extra
red-flag negatives). Quality is measured by ``benchmarks/risk_quality.py`` on the TEST split.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from complaint_insight.resources import model_path
from complaint_insight.triage.risk_model import RiskModel, training_frame
from complaint_insight.triage.rules import PatternSet

RECIPE = "python recipes/train_risk_model.py"

CARD = """# risk-model

Learned half of complaint_insight's risk triage (the other half is the rule layer in
`complaint_insight/triage/patterns/`). One TF-IDF word 1-2-gram vectoriser (min_df 2, at most
60,000 terms) feeds three linear heads:

- **flags**: a logistic regression per red-flag type ({flags}); each threshold is set on 5-fold
  out-of-fold scores so that at most 0.5% of training negatives would be flagged. It backs up the
  rules; a flag is raised when either layer fires.
- **severity**: HCAT 0-3 (Reader, Gillespie & Roberts 2014), multinomial logistic regression.
- **intensity**: reproach level (Jin & Aletras 2021): none, no_explicit_reproach, disapproval,
  accusation, blame.

## Training data
- Authored examples written by the project, TRAIN split only: `training_data/risk/*.jsonl`
  ({n_risk} rows), `training_data/taxonomy/hcat_examples.jsonl` (overall severity = highest category
  severity), `training_data/complaints/*.jsonl` (negatives for flags; non-complaints are severity 0).
- xfincorp (financial tweets) and cesamard (product reviews) from the shared corpora: every row is an
  extra red-flag negative and carries an intensity label. NHS FFT is not used, so its flag rate is
  a fair alarm-fatigue check.

## Quality
Measured on the authored TEST split and by leave-one-corpus-out for intensity: see
`docs/benchmarks/risk.md` (`python benchmarks/risk_quality.py`).

## Limits
- English only; non-English text is routed to a human reader before this model runs.
- The authored red-flag examples are few (about 30 positives per type in train): the learned flags
  are a safety net for phrasings the rules miss, not a replacement for them.
- Intensity is learned from tweets about banks and product reviews; on NHS feedback it is a rough guide.

## Rebuild
`{recipe}`
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(model_path("risk-model")))
    args = parser.parse_args()
    flags = tuple(PatternSet().flags)
    texts, Y = training_frame(flags)
    model = RiskModel(flag_types=flags).fit(texts, Y)
    n_risk = int(Y[list(flags)].notna().all(axis=1).sum())
    card = CARD.format(flags=", ".join(flags), n_risk=n_risk, recipe=RECIPE)
    thresholds = {f: float(t) for f, t in zip(model.flag_types_, model.flag_threshold_)}
    model.save(Path(args.out), recipe=RECIPE, card=card,
               metrics={"flag_thresholds": thresholds, "n_training_texts": len(texts)})
    print(f"saved {args.out} ({len(texts)} training texts)")


if __name__ == "__main__":
    main()
