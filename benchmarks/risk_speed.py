"""Time the risk layer adds per 1,000 texts (reading check + red flags + severity + intensity).

Run: ``COMPLAINT_INSIGHT_DATASETS=/path/to/shared/datasets python benchmarks/risk_speed.py``.
Texts: every row of xfincorp, cesamard and NHS FFT. The complaint classifier is not timed here.
"""
from __future__ import annotations

import time

from complaint_insight.datasets import load_corpus
from complaint_insight.triage.policy import load_policy
from complaint_insight.triage.reading import english_probability, reading_status
from complaint_insight.triage.risk import RiskAssessor


def main() -> None:
    texts = [t for c in ("xfincorp", "cesamard", "nhs_fft") for t in load_corpus(c)["text"].tolist()]
    assessor = RiskAssessor(load_policy())
    english_probability("warm up the language identifier")
    assessor.assess(texts[:100])
    best = {}
    for _ in range(3):
        t0 = time.perf_counter()
        statuses = [reading_status(t) for t in texts]
        t1 = time.perf_counter()
        readable = [t for t, s in zip(texts, statuses) if s == "ok"]
        candidates = len(assessor.rules.candidates(readable))
        t2 = time.perf_counter()
        assessor.assess(readable)
        t3 = time.perf_counter()
        for name, seconds in (("reading check", t1 - t0), ("red flags + severity + intensity", t3 - t2)):
            best[name] = min(best.get(name, float("inf")), seconds)
    n = len(texts)
    print(f"{n} texts (mean {sum(map(len, texts)) / n:.0f} chars); {candidates} of {len(readable)} readable texts reach spaCy")
    total = 0.0
    for name, seconds in best.items():
        total += seconds
        print(f"{name:35s} {seconds / n * 1000 * 1000:7.1f} ms per 1,000 texts")
    print(f"{'risk layer total':35s} {total / n * 1000 * 1000:7.1f} ms per 1,000 texts ({n / total:,.0f} texts/s, 1 core)")


if __name__ == "__main__":
    main()
