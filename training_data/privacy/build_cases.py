"""Turn the marked-up sentences (*.src.txt) into redaction_*.jsonl with character spans.

Markup, one sentence per line (lines starting with # are comments):
    [[TYPE|text]]   labelled span; TYPE is N, P, E, PC, D, A, H (see ABBREVIATIONS) or a full type name
    {{NHS}}         a synthetic valid NHS number (modulus 11), labelled NHS_NUMBER, in a random layout
    {{NHS_BAD}}     ten digits failing modulus 11, unlabelled (wrap it in [[H|...]] after an "NHS number" cue)
NHS numbers are generated with a fixed seed so that the JSONL files are reproducible:
    python training_data/privacy/build_cases.py
"""
from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))

from complaint_insight.privacy.nhs_number import make_nhs_number  # noqa: E402

ABBREVIATIONS = {
    "N": "NAME", "P": "PHONE", "E": "EMAIL", "PC": "POSTCODE", "D": "DATE_OF_BIRTH", "A": "ADDRESS",
    "H": "HOSPITAL_NUMBER", "NHS": "NHS_NUMBER",
}
_LABEL = re.compile(r"\[\[([A-Z_]+)\|(.+?)\]\]")
_FILL = re.compile(r"\{\{(NHS|NHS_BAD)\}\}")


# (file stem, seed for the synthetic NHS numbers)
SETS = (("redaction_cases", 0), ("redaction_holdout", 1), ("redaction_holdout_hard", 2))


def _layout(digits: str, rng: random.Random) -> str:
    style = rng.choice(["space", "space", "none", "dash"])
    if style == "none":
        return digits
    sep = " " if style == "space" else "-"
    return sep.join((digits[:3], digits[3:6], digits[6:]))


def parse(line: str, rng: random.Random) -> dict:
    def fill(m: re.Match) -> str:
        number = _layout(make_nhs_number(rng, valid=m.group(1) == "NHS"), rng)
        return f"[[NHS|{number}]]" if m.group(1) == "NHS" else number

    line = _FILL.sub(fill, line)
    text, spans, pos = "", [], 0
    for m in _LABEL.finditer(line):
        text += line[pos : m.start()]
        kind = ABBREVIATIONS.get(m.group(1), m.group(1))
        if kind not in ABBREVIATIONS.values():
            raise ValueError(f"unknown type {m.group(1)!r} in: {line}")
        spans.append({"start": len(text), "end": len(text) + len(m.group(2)), "type": kind})
        text += m.group(2)
        pos = m.end()
    text += line[pos:]
    if "[[" in text or "]]" in text or "{{" in text:
        raise ValueError(f"unbalanced markup in: {line}")
    return {"text": text, "spans": spans}


def build(source: Path, target: Path, seed: int) -> int:
    rng = random.Random(seed)
    rows = []
    for n, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        row = parse(line, rng)
        row["id"] = f"{target.stem}-{len(rows) + 1:03d}"
        rows.append({"id": row["id"], "text": row["text"], "spans": row["spans"]})
    with target.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(rows)


if __name__ == "__main__":
    for name, seed in SETS:
        src = HERE / f"{name}.src.txt"
        if src.exists():
            print(name, build(src, HERE / f"{name}.jsonl", seed))
