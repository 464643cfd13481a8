"""Rebuild ``triage/data/english_words.txt``: the most frequent English word forms.

The list is in frequency order (the red-flag rules use the rank to pick rare anchor words). The reading check (``complaint_insight.triage.reading``) uses the share of a text's words found
in this list as its cheap "is this English?" signal, so the language identifier only runs on the
few texts where that share is low. Source: the English word probabilities in spacy-lookups-data
(MIT), already a dependency. Run: ``python recipes/build_english_words.py [--size 20000]``.
"""
from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

import spacy_lookups_data

OUT = Path(__file__).resolve().parents[1] / "src" / "complaint_insight" / "triage" / "data" / "english_words.txt"
# British spellings and NHS words the (US, web-text) frequency list ranks low or lacks.
EXTRA = """mould mouldy colour colours favour behaviour centre centres theatre neighbour neighbours programme
travelling cancelled organised apologise apologised realise realised recognise paediatric paediatrics
anaesthetic anaesthetist haematology gynaecology orthopaedic oesophagus oedema physio physiotherapist
receptionist receptionists midwife midwives ward wards gp gps nhs hcat triage discharge discharged
appalling shambles rubbish queue queues queueing knackered gutted fuming whilst amongst towards
mum mums nan nanna grandad carer carers careworker hospice ambulance paramedics paramedic a&e""".split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20_000)
    args = parser.parse_args()
    path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lexeme_prob.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        probs = json.load(fh)
    ranked = sorted(
        (word for word in probs if word.isascii() and word.isalpha() and word.islower()),
        key=lambda w: -probs[w],
    )
    words = ranked[: args.size]
    words += sorted({w for w in EXTRA if w.isalpha()} - set(words))
    OUT.write_text(
        f"# {len(words)} frequent English word forms, most frequent first; rebuilt by recipes/build_english_words.py\n"
        + "\n".join(words) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {len(words)} words to {OUT}")


if __name__ == "__main__":
    main()
