"""complaint_insight: learn from complaints.

    >>> from complaint_insight import triage
    >>> triage("Great, another four hour wait").is_complaint
    1
"""
from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "triage_frame": "complaint_insight.triage",
    "Triager": "complaint_insight.triage",
    "TriageResult": "complaint_insight.triage",
    "ComplaintClassifier": "complaint_insight.triage",
    "load_classifier": "complaint_insight.triage",
    "get_embedder": "complaint_insight.embed",
    "read_table": "complaint_insight.io",
    "ThemeModel": "complaint_insight.themes",
    "load_theme_model": "complaint_insight.themes",
    "write_table": "complaint_insight.io",
    "redact": "complaint_insight.privacy",
    "find_personal_data": "complaint_insight.privacy",
    "build_report": "complaint_insight.reports",
    "render_html": "complaint_insight.reports",
    "stream_table": "complaint_insight.scale",
}


def __getattr__(name: str):
    # Lazy so that `import complaint_insight` stays fast and the CLI starts quickly.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'complaint_insight' has no attribute {name!r}")


# The sub-package ``complaint_insight.triage`` shares its name with the function below. Importing
# the (light) sub-package first and then binding the function makes ``from complaint_insight import
# triage`` give the function, whatever was imported before.
from complaint_insight import triage as _triage_package  # noqa: E402,F401


def triage(text, *, id=None):
    """Assess one piece of feedback with the shipped default models; see :class:`Triager`."""
    from complaint_insight.triage.triager import triage as _triage

    return _triage(text, id=id)


__all__ = ["__version__", "triage", *_LAZY]
