"""complaint_insight: learn from complaints.

    >>> from complaint_insight import triage
    >>> triage("Great, another four hour wait").is_complaint
    1
"""
from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "triage": "complaint_insight.triage",
    "triage_frame": "complaint_insight.triage",
    "Triager": "complaint_insight.triage",
    "TriageResult": "complaint_insight.triage",
    "ComplaintClassifier": "complaint_insight.triage",
    "load_classifier": "complaint_insight.triage",
    "get_embedder": "complaint_insight.embed",
    "read_table": "complaint_insight.io",
    "write_table": "complaint_insight.io",
}


def __getattr__(name: str):
    # Lazy so that `import complaint_insight` stays fast and the CLI starts quickly.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'complaint_insight' has no attribute {name!r}")


__all__ = ["__version__", *_LAZY]
