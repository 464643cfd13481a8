"""Triage: is it a complaint, how serious, what needs a person now, and what to tell staff."""
from __future__ import annotations

import importlib

_LAZY = {
    "ComplaintClassifier": "complaint_insight.triage.classifier",
    "CompiledComplaintScorer": "complaint_insight.triage.scorer",
    "Cue": "complaint_insight.triage.result",
    "RedFlag": "complaint_insight.triage.result",
    "Span": "complaint_insight.triage.result",
    "TriageResult": "complaint_insight.triage.result",
    "Triager": "complaint_insight.triage.triager",
    "load_classifier": "complaint_insight.triage.triager",
    "triage": "complaint_insight.triage.triager",
    "triage_frame": "complaint_insight.triage.triager",
}


def __getattr__(name: str):
    # Lazy: importing the triage package must not pull in scikit-learn (slow to import).
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'complaint_insight.triage' has no attribute {name!r}")


__all__ = list(_LAZY)
