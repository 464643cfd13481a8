"""Charts as inline SVG text (matplotlib, Agg backend): nothing to fetch when the report opens offline.

Text from the data (theme labels, group names) reaches the SVG only through matplotlib, which
escapes it; mathtext is switched off so a ``$`` in a label is just a dollar sign.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from complaint_insight.reports.model import PeriodVolume
from complaint_insight.reports.spc import XmrChart

# Making Data Count colours: grey common cause, orange concern, blue improvement.
GREY, ORANGE, BLUE, INK = "#7f7f7f", "#ed8b00", "#005eb8", "#231f20"
_RC = {
    "svg.hashsalt": "complaint-insight",  # stable element ids: same data, same file
    "svg.fonttype": "path",  # glyphs as paths: no font needed where the report is opened
    "text.parse_math": False,
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _svg(fig) -> str:
    plt = _plt()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    # Inline in HTML: drop the XML prolog/DOCTYPE and the metadata block; keep the <svg> element.
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    return text.replace("<svg ", '<svg role="img" ', 1)


def _label(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ticks(ax, labels: Sequence[str]) -> None:
    step = max(1, len(labels) // 12)
    ax.set_xticks(range(0, len(labels), step))
    ax.set_xticklabels([labels[i] for i in range(0, len(labels), step)], rotation=45, ha="right")


def volume_chart(periods: Sequence[PeriodVolume]) -> str:
    """Complaints per period (bars) and complaint rate (line); partial periods hatched and labelled."""
    plt = _plt()
    with plt.rc_context(_RC):
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(7.5, 4.6), sharex=True, height_ratios=[3, 2])
        x = range(len(periods))
        labels = [p.label for p in periods]
        colours = ["#d9d9d9" if p.partial else BLUE for p in periods]
        bars = top.bar(x, [p.complaints for p in periods], color=colours)
        for bar, p in zip(bars, periods):
            if p.partial:
                bar.set_hatch("//")
                top.annotate(
                    "partial",
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center",
                    va="bottom",
                    fontsize=7,
                    color=GREY,
                )
        top.set_ylabel("complaints")
        rates = [100 * p.complaint_rate if p.complaint_rate is not None else float("nan") for p in periods]
        full = [r if not p.partial else float("nan") for r, p in zip(rates, periods)]
        bottom.plot(x, rates, color="#d9d9d9", linestyle=":", marker="o", markersize=3)
        bottom.plot(x, full, color=INK, marker="o", markersize=3)
        bottom.set_ylabel("per 100 feedback")
        _ticks(bottom, labels)
        fig.align_ylabels()
        return _svg(fig)


def xmr_chart(chart: XmrChart) -> str:
    """Making Data Count style: values, mean (solid), process limits (dashed), special causes coloured."""
    plt = _plt()
    with plt.rc_context(_RC):
        fig, ax = plt.subplots(figsize=(7.5, 2.8))
        x = list(range(len(chart.values)))
        ax.plot(x, chart.values, color=GREY, marker="o", markersize=4, zorder=2)
        if chart.mean is not None:
            ax.axhline(chart.mean, color=INK, linewidth=1)
        if chart.upper_limit is not None:
            ax.axhline(chart.upper_limit, color=GREY, linestyle="--", linewidth=1)
            ax.axhline(chart.lower_limit, color=GREY, linestyle="--", linewidth=1)
        for s in chart.signals:
            good = (chart.higher_is == "improvement") == (s.direction == "up")
            colour = GREY if chart.higher_is == "neutral" else (BLUE if good else ORANGE)
            idx = list(range(s.start, s.end + 1))
            ax.scatter(idx, [chart.values[i] for i in idx], color=colour, s=28, zorder=3)
        ax.set_title(
            _label(chart.title, 80) + (" (limits provisional: few points)" if chart.provisional else ""),
            loc="left",
            fontsize=9,
        )
        _ticks(ax, chart.labels)
        return _svg(fig)


def bar_chart(labels: Sequence[str], values: Sequence[float], *, xlabel: str, percent: bool = False) -> str:
    """Horizontal bars, largest at the top."""
    plt = _plt()
    with plt.rc_context(_RC):
        fig, ax = plt.subplots(figsize=(7.5, 0.35 * max(len(labels), 2) + 0.8))
        y = list(range(len(labels)))[::-1]
        vals = [100 * v for v in values] if percent else list(values)
        ax.barh(y, vals, color=BLUE)
        ax.set_yticks(y)
        ax.set_yticklabels([_label(lab) for lab in labels])
        ax.set_xlabel(xlabel)
        return _svg(fig)


def interval_chart(
    labels: Sequence[str],
    values: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    *,
    xlabel: str,
) -> str:
    """Proportions with their confidence intervals (percent)."""
    plt = _plt()
    with plt.rc_context(_RC):
        fig, ax = plt.subplots(figsize=(7.5, 0.35 * max(len(labels), 2) + 0.8))
        y = list(range(len(labels)))[::-1]
        v = [100 * a for a in values]
        err = [
            [100 * (a - lo) for a, lo in zip(values, lows)],
            [100 * (hi - a) for a, hi in zip(values, highs)],
        ]
        ax.errorbar(v, y, xerr=err, fmt="o", color=BLUE, ecolor=GREY, capsize=3)
        ax.set_yticks(y)
        ax.set_yticklabels([_label(lab, 60) for lab in labels])
        ax.set_xlim(0, 100)
        ax.set_xlabel(xlabel)
        return _svg(fig)
