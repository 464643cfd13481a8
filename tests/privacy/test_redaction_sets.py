"""The labelled sets in training_data/privacy: recall per type on the tuned set, and the files' sanity."""
from __future__ import annotations

from pathlib import Path

import pytest

from complaint_insight.privacy import TYPES
from complaint_insight.privacy.scoring import load_cases, score

DATA = Path(__file__).resolve().parents[2] / "training_data" / "privacy"


@pytest.fixture(scope="module")
def tuned():
    return load_cases(DATA / "redaction_cases.jsonl")


def test_sets_are_large_enough_and_cover_every_type(tuned):
    holdout = load_cases(DATA / "redaction_holdout.jsonl")
    hard = load_cases(DATA / "redaction_holdout_hard.jsonl")
    assert len(tuned) >= 300 and len(holdout) >= 100 and len(hard) >= 50
    for cases in (tuned, holdout, hard):
        present = {s.type for c in cases for s in c.spans}
        assert present == set(TYPES)
    # Hard negatives: sentences with nothing to redact.
    assert sum(not c.spans for c in tuned) >= 60


def test_tuned_set_recall_per_type(tuned):
    scores, errors = score(tuned)
    low = {s.type: s.span_recall for s in scores if s.span_recall is None or s.span_recall < 0.95}
    assert not low, f"recall below 0.95: {low}; misses: {[e for e in errors if e['kind'] == 'missed'][:10]}"


def test_tuned_set_precision_per_type(tuned):
    scores, errors = score(tuned)
    low = {s.type: s.span_precision for s in scores if s.span_precision is not None and s.span_precision < 0.9}
    assert not low, f"precision below 0.9: {low}; false alarms: {[e for e in errors if e['kind'] != 'missed'][:10]}"


def test_jsonl_matches_its_source():
    """The JSONL files are generated from the .src.txt files; a hand edit of one would drift."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_cases", DATA / "build_cases.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    import random

    for name, seed in module.SETS:
        rng = random.Random(seed)
        lines = [
            line.strip()
            for line in (DATA / f"{name}.src.txt").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.strip().startswith("#")
        ]
        built = [module.parse(line, rng) for line in lines]
        stored = load_cases(DATA / f"{name}.jsonl")
        assert [b["text"] for b in built] == [c.text for c in stored]
        assert [[(s["start"], s["end"], s["type"]) for s in b["spans"]] for b in built] == [
            [(s.start, s.end, s.type) for s in c.spans] for c in stored
        ]
