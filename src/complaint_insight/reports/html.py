"""Render a ``Report`` as one self-contained HTML file: inline CSS and SVG, no script, no fetches.

Every value from the data goes through Jinja2's autoescaping; only the SVG charts (made here by
matplotlib, which escapes its text) are inserted as markup. A Content-Security-Policy meta tag
forbids scripts and remote loads as a second line of defence.
"""

from __future__ import annotations

from markupsafe import Markup

from complaint_insight.reports import charts
from complaint_insight.reports.model import Report


def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("complaint_insight.reports", "templates"),
        autoescape=True,  # every template, whatever its extension
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda v, d=1: "–" if v is None else f"{100 * v:.{d}f}%"
    env.filters["num"] = lambda v, d=0: "–" if v is None else f"{v:,.{d}f}"
    return env


def render_html(report: Report) -> str:
    figures = {
        "volume": Markup(charts.volume_chart(report.periods)) if report.periods else None,
        "spc": [Markup(charts.xmr_chart(s.chart)) for s in report.spc],
        "themes": _topics_chart(report.themes),
        "categories": _topics_chart(report.categories),
        "comparison": _comparison_chart(report),
        "surveys": _survey_chart(report),
        "survey_tables": _survey_tables(report),
    }
    return _environment().get_template("report.html.j2").render(r=report, fig=figures)


def _topics_chart(topics):
    top = topics[:10]
    if not top:
        return None
    return Markup(
        charts.bar_chart(
            [t.label for t in top], [t.share for t in top], xlabel="% of all complaints", percent=True
        )
    )


def _comparison_chart(report: Report):
    c = report.comparison
    if c is None or not c.groups:
        return None
    if c.with_denominator:
        rows = [g for g in c.groups if g.rate_per_1000 is not None]
        if not rows:
            return None
        return Markup(
            charts.bar_chart(
                [g.group for g in rows],
                [g.rate_per_1000 for g in rows],
                xlabel="complaints per 1,000 (denominator units)",
            )
        )
    rows = [g for g in c.groups if g.complaint_rate is not None]
    return Markup(
        charts.bar_chart(
            [g.group for g in rows],
            [g.complaint_rate for g in rows],
            xlabel="complaints per 100 feedback items",
            percent=True,
        )
    )


def _survey_chart(report: Report):
    rows = [s for s in report.surveys if s.period is None and s.proportion is not None]
    if not rows:
        return None
    return Markup(
        charts.interval_chart(
            [f"{s.respondent_type}: {s.theme}" for s in rows],
            [s.proportion for s in rows],
            [s.ci_low for s in rows],
            [s.ci_high for s in rows],
            xlabel="% answering positively (95% Wilson interval)",
        )
    )


def _survey_tables(report: Report) -> dict:
    """Per respondent type: one row per period (and "all"), complaint figures then each question."""
    from complaint_insight.reports.surveys import QUESTIONS

    volumes = {p.label: p for p in report.periods}
    out = {}
    for kind in dict.fromkeys(s.respondent_type for s in report.surveys):
        mine = [s for s in report.surveys if s.respondent_type == kind]
        questions = [q for q in QUESTIONS if any(s.question == q for s in mine)]
        cell = {(s.question, s.period): s for s in mine}
        periods = sorted({s.period for s in mine if s.period is not None})
        covered = [volumes[p] for p in periods if p in volumes]
        n_rows, n_complaints = sum(v.rows for v in covered), sum(v.complaints for v in covered)
        rows = [
            {
                "period": "survey periods together",
                "complaints": n_complaints if covered else None,
                "rate": n_complaints / n_rows if n_rows else None,
                "cells": [cell.get((q, None)) for q in questions],
            }
        ]
        for period in periods:
            v = volumes.get(period)
            rows.append(
                {
                    "period": period,
                    "complaints": v.complaints if v else None,
                    "rate": v.complaint_rate if v else None,
                    "cells": [cell.get((q, period)) for q in questions],
                }
            )
        out[kind] = {"questions": [QUESTIONS[q] for q in questions], "rows": rows}
    return out
