"""Authored, synthetic feedback tables for the report tests (no corpus rows)."""

from __future__ import annotations

import sys
import types

import pandas as pd
import pytest

TEXTS = {
    "waiting": "Waited five hours in the emergency department and nobody explained the delay.",
    "parking": "The car park machines were broken again and I got a fine while visiting.",
    "praise": "Lovely staff on the ward, thank you for looking after my mum.",
}


def _make_frame(
    monthly: dict[str, list[int]], *, praise_per_month: int = 4, start: str = "2024-01"
) -> pd.DataFrame:
    """``monthly[theme]`` = complaints per month (first day of each month onwards), plus praise rows.

    Every complaint is dated on the 10th; praise alternates between the first and the last day of the
    month, so the data cover whole months. The frame has precomputed triage columns.
    """
    rows = []
    months = pd.period_range(start, periods=max(len(v) for v in monthly.values()), freq="M")
    for theme, counts in monthly.items():
        for month, n in zip(months, counts):
            for _ in range(n):
                rows.append(
                    dict(
                        date=f"{month.year}-{month.month:02d}-10",
                        text=TEXTS[theme],
                        is_complaint=1,
                        severity=2,
                        red_flags="",
                        theme_id=theme,
                        theme_label=theme.capitalize(),
                        categories=f"qdc_{theme}",
                        service="A",
                    )
                )
    for month in months:
        for i in range(praise_per_month):
            day = month.start_time if i % 2 == 0 else month.end_time
            rows.append(
                dict(
                    date=day.strftime("%Y-%m-%d"),
                    text=TEXTS["praise"],
                    is_complaint=0,
                    severity=0,
                    red_flags="",
                    theme_id="-1",
                    theme_label="",
                    categories="",
                    service="B",
                )
            )
    return pd.DataFrame(rows)


@pytest.fixture
def fake_privacy(monkeypatch):
    """Stand-in for complaint_insight.privacy (built on another branch): marks what it redacted."""
    module = types.ModuleType("complaint_insight.privacy")
    module.redact = lambda text: text.replace("Smith", "[NAME]")
    monkeypatch.setitem(sys.modules, "complaint_insight.privacy", module)
    return module


@pytest.fixture
def make_frame():
    """``make_frame(monthly, praise_per_month=4, start="2024-01")``: see ``_make_frame``."""
    return _make_frame
