"""Learning reports for boards and governance: volumes, SPC charts, themes, actions, comparison, surveys.

    from complaint_insight.reports import build_report, render_html
    report = build_report(frame, date_column="date", period="quarter")
    html = render_html(report)          # one self-contained file
    report.model_dump_json()            # the same figures as JSON

See docs/reports.md.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Report": "model",
    "XmrChart": "spc",
    "build_report": "build",
    "render_html": "html",
    "wilson_interval": "surveys",
    "xmr": "spc",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    # Lazy: matplotlib, jinja2 and pandas load only when a report is built.
    if name not in _EXPORTS:
        raise AttributeError(f"module 'complaint_insight.reports' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"complaint_insight.reports.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
