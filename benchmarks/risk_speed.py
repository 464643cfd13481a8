"""Speed of risk triage: what the risk layer adds per 1,000 texts, batch texts/s, import -> first result.

Run: ``COMPLAINT_INSIGHT_DATASETS=/path/to/shared/datasets python benchmarks/risk_speed.py [--rows N]``.
Writes the "speed" section of docs/benchmarks/risk.md.

- Risk layer alone, per corpus (xfincorp, cesamard, NHS FFT; readable texts): red-flag rules
  (prefilter, windows, spaCy only where needed) + the learned heads on the classifier's word
  features, as ``Triager`` calls it. The classifier is timed separately on the same texts.
- Batch triage (``Triager.assess_many``) on all three corpora, with the risk layer and with it
  replaced by a no-op, so the difference is what risk costs inside the whole pipeline.
- Import -> first result in a fresh interpreter (``import complaint_insight; triage(text)``), for an
  ordinary text and for a red-flag text (which also imports spaCy), best of 3.

Both wall-clock and CPU (process) time are reported: on a shared machine the CPU time of this
process is the steadier of the two. Best of ``--repeats`` runs.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "docs" / "benchmarks" / "risk.md"
START, END = "<!-- speed:start -->", "<!-- speed:end -->"


def write_section(path: Path, start: str, end: str, lines: list[str]) -> None:
    """Replace the text between two markers of ``path`` (append the section when missing)."""
    body = "\n".join([start, *lines, end])
    text = path.read_text(encoding="utf-8") if path.is_file() else "# Risk triage: benchmarks\n"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + body + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + body + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def timed(fn, repeats: int) -> tuple[float, float]:
    """Best wall and best CPU seconds of ``repeats`` calls."""
    wall = cpu = float("inf")
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall = min(wall, time.perf_counter() - w0)
        cpu = min(cpu, time.process_time() - c0)
    return wall, cpu


def first_result(text: str) -> float:
    code = ("import time; t = time.perf_counter(); import complaint_insight as ci; "
            f"ci.triage({text!r}); print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


class _NoRisk:
    """Stands in for the risk layer to time triage without it."""

    def __init__(self, real):
        self.rules = real.rules
        self.model = real.model

    def assess(self, texts, words=None):
        import numpy as np

        from complaint_insight.triage.risk import RiskFinding

        return [RiskFinding([], 1, np.array([0.0, 1.0, 0.0, 0.0, 0.0])) for _ in texts]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=0, help="rows per corpus (0 = all)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from complaint_insight.datasets import load_corpus
    from complaint_insight.triage import Triager
    from complaint_insight.triage.reading import english_probability, reading_status

    triager = Triager()
    english_probability("warm up the language identifier")
    corpora = {}
    for name in ("xfincorp", "cesamard", "nhs_fft"):
        texts = load_corpus(name)["text"].tolist()
        corpora[name] = texts[: args.rows] if args.rows else texts
    load = os.getloadavg()[0]
    state = "quiet machine" if load < 2 else "under load: shared machine"
    lines = [f"## Speed ({state}: 2 cores, load average {load:.1f} at start)", "",
             f"Command: `COMPLAINT_INSIGHT_DATASETS=/path/to/shared/datasets python benchmarks/risk_speed.py"
             f"{' --rows ' + str(args.rows) if args.rows else ''}`; best of {args.repeats}; one process, one core.", "",
             "### The risk layer alone (rules + learned heads), per 1,000 readable texts", "",
             "| corpus | texts | mean chars | texts reaching spaCy | rule flags | classifier ms (wall / CPU) "
             "| risk layer ms (wall / CPU) | of which rules ms (CPU) |", "|---|---|---|---|---|---|---|---|"]
    risk = triager.risk
    for name, texts in corpora.items():
        readable = [t for t in texts if reading_status(t) == "ok"]
        proba, words = triager.classifier.predict_proba_with_words(readable)
        risk.assess(readable[:200], None)  # warm-up: spaCy and the matchers load here
        risk.rules.spacy_calls = 0
        reached = len(risk.rules.candidates(readable))
        flagged = sum(bool(h) for h in risk.rules.find(readable))
        per = 1000 / len(readable)
        c_wall, c_cpu = timed(lambda: triager.classifier.predict_proba_with_words(readable), args.repeats)
        r_wall, r_cpu = timed(lambda: risk.assess(readable, words), args.repeats)
        _, rules_cpu = timed(lambda: risk.rules.find(readable), args.repeats)
        mean_chars = sum(map(len, readable)) / len(readable)
        lines.append(f"| {name} | {len(readable):,} | {mean_chars:.0f} | {reached:,} ({reached / len(readable):.1%}) "
                     f"| {flagged:,} ({flagged / len(readable):.1%}) | {c_wall * per * 1000:.0f} / {c_cpu * per * 1000:.0f} "
                     f"| {r_wall * per * 1000:.0f} / {r_cpu * per * 1000:.0f} | {rules_cpu * per * 1000:.0f} |")
        print(lines[-1], flush=True)

    everything = [t for texts in corpora.values() for t in texts]
    with_risk = timed(lambda: triager.assess_many(everything), args.repeats)
    real = triager.risk
    triager.risk = _NoRisk(real)
    without = timed(lambda: triager.assess_many(everything), args.repeats)
    triager.risk = real
    n = len(everything)
    lines += ["", f"### Batch triage (`Triager.assess_many`, all {n:,} texts of the three corpora)", "",
              "| | texts/s (wall) | texts/s (CPU) | ms per 1,000 (CPU) |", "|---|---|---|---|",
              f"| with risk | {n / with_risk[0]:,.0f} | {n / with_risk[1]:,.0f} | {with_risk[1] / n * 1e6:.0f} |",
              f"| risk replaced by a no-op | {n / without[0]:,.0f} | {n / without[1]:,.0f} | {without[1] / n * 1e6:.0f} |",
              f"| risk adds | | | {(with_risk[1] - without[1]) / n * 1e6:.0f} |"]
    print("\n".join(lines[-6:]), flush=True)

    plain = "Waited four hours in A&E and nobody told us what was happening."
    flag = "My nan has bruises all up her arms and the home can't tell us how she got them."
    lines += ["", "### Import -> first result (fresh interpreter, `import complaint_insight; triage(text)`, best of 3)", "",
              "| first text | seconds |", "|---|---|",
              f"| ordinary complaint (no anchor word: spaCy not imported) | {min(first_result(plain) for _ in range(3)):.2f} |",
              f"| red-flag text (imports spaCy for the matcher) | {min(first_result(flag) for _ in range(3)):.2f} |",
              "", f"Load average at the end: {os.getloadavg()[0]:.1f}."]
    print("\n".join(lines[-6:]), flush=True)
    write_section(OUT, START, END, lines)


if __name__ == "__main__":
    main()
