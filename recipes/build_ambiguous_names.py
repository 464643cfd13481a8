"""Rebuild src/complaint_insight/privacy/data/ambiguous_names.txt.

A listed name counts as ambiguous when its lower-case form is a common English word: log probability
above -12.5 in spaCy's English lexeme table (spacy-lookups-data, MIT). "Will", "Mark", "Hope" are then
only taken as names after a cue ("my son Will"), never on their own.
Run: python recipes/build_ambiguous_names.py
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import spacy_lookups_data

THRESHOLD = -12.5
DATA = Path(__file__).resolve().parents[1] / "src" / "complaint_insight" / "privacy" / "data"


def names(path: Path) -> list[str]:
    return [w for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#") for w in line.split()]


def main() -> None:
    table = Path(spacy_lookups_data.__file__).parent / "data" / "en_lexeme_prob.json.gz"
    prob = json.load(gzip.open(table))
    listed = sorted(set(names(DATA / "first_names.txt")) | set(names(DATA / "surnames.txt")))
    ambiguous = [n for n in listed if prob.get(n.lower(), -99.0) > THRESHOLD]
    header = f"# Names that are also common words (lower-case log probability > {THRESHOLD}); see recipes/build_ambiguous_names.py\n"
    (DATA / "ambiguous_names.txt").write_text(header + "\n".join(ambiguous) + "\n", encoding="utf-8")
    print(len(ambiguous), "ambiguous of", len(listed))


if __name__ == "__main__":
    main()
