"""The HTML report: self-contained, no script, complaint text always escaped."""

import re

import pandas as pd

from complaint_insight.reports import build_report, render_html
from complaint_insight.reports.surveys import QUESTIONS


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _hostile_frame(make_frame):
    frame = make_frame({"waiting": [2, 3, 2, 4], "parking": [1, 1, 2, 1]})
    frame.loc[frame["theme_id"] == "waiting", "theme_label"] = HOSTILE
    frame.loc[frame["theme_id"] == "waiting", "text"] = "Smith said " + HOSTILE + " and we waited five hours."
    frame.loc[frame["theme_id"] == "parking", "service"] = HOSTILE
    return frame


def test_script_in_complaints_stays_text(fake_privacy, make_frame):
    report = build_report(_hostile_frame(make_frame), period="month", group_column="service", embed=None)
    assert any(HOSTILE in q for t in report.themes for q in t.quotes)  # the quote really carries it
    html = render_html(report)
    assert "<script" not in html.lower()
    assert "onerror=" not in html.replace("onerror=alert(1)&gt;", "")  # only as escaped text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "[NAME] said" in html


def test_self_contained_and_charts_inline(make_frame):
    html = render_html(build_report(_hostile_frame(make_frame), period="month", group_column="service", quotes=False))
    assert html.count("<svg") >= 5  # volumes, 2 overall SPC, themes, categories, comparison
    # nothing is fetched when the file opens: no external src/href, no @import, no url()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)
    assert "@import" not in html
    assert re.findall(r"url\((.)", html) == ["#"] * html.count("url(")  # only references inside the SVG
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_sections_for_surveys_and_an_empty_input(make_frame):
    frame = make_frame({"waiting": [2, 3]}, start="2025-01")
    surveys = pd.DataFrame(
        {
            "respondent_type": ["complainant", "staff"],
            "period": ["2025-01", "2025-02"],
            "kept_informed": ["yes", "2"],
        }
    )
    html = render_html(build_report(frame, period="month", surveys=surveys, quotes=False))
    assert QUESTIONS["kept_informed"] in html and "95% CI" in html
    empty = render_html(
        build_report(pd.DataFrame({"text": [], "is_complaint": [], "severity": [], "red_flags": []}))
    )
    assert "No dated rows." in empty and "<svg" not in empty
