"""Themes and taxonomy categories among complaints: counts, shares, counts per period, what is new
or growing, and representative quotes (anonymised by complaint_insight.privacy)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from complaint_insight.reports.model import Emerging, Topic
from complaint_insight.reports.periods import PeriodInfo

QUOTE_CHARS = 280
QUOTE_SAMPLE = 200
EARLIER_PERIODS = 4  # a "growing" topic is compared with up to this many full periods before the last
MIN_NEW = 3  # complaints in the last period for a topic to count as new
MIN_GROWING = 5
ALPHA = 0.05


def topic_table(
    members: pd.DataFrame, frame: pd.DataFrame, labels: dict[str, str], kind: str, total: int
) -> list[Topic]:
    """Topics sorted by complaints (largest first, then id). ``members``: row, id for complaint rows."""
    if members.empty:
        return []
    joined = members.assign(
        high=frame["_severity"].to_numpy()[members["row"].to_numpy()] >= 2,
        flagged=frame["_flags"].to_numpy()[members["row"].to_numpy()] != "",
    )
    stats = joined.groupby("id").agg(
        complaints=("row", "size"), high=("high", "sum"), flagged=("flagged", "sum")
    )
    stats = stats.reset_index().sort_values(["complaints", "id"], ascending=[False, True])
    return [
        Topic(
            kind=kind,
            id=str(r.id),
            label=labels.get(str(r.id), str(r.id)),
            complaints=int(r.complaints),
            share=float(r.complaints / total) if total else 0.0,
            high_severity=int(r.high),
            red_flag_rows=int(r.flagged),
            quotes=[],
        )
        for r in stats.itertuples()
    ]


def counts_by_period(
    members: pd.DataFrame, period_labels: pd.Series, periods: Sequence[PeriodInfo]
) -> pd.DataFrame:
    """Topic × period complaint counts (every period present as a column, zeros filled)."""
    labels = period_labels.to_numpy()[members["row"].to_numpy()]
    table = pd.crosstab(members["id"].to_numpy(), labels)
    return table.reindex(columns=[p.label for p in periods], fill_value=0)


def emerging(
    by_period: pd.DataFrame, periods: Sequence[PeriodInfo], labels: dict[str, str], kind: str
) -> list[Emerging]:
    """New topics (none before the last full period) and growing ones (exact one-sided Poisson-rate
    test of the last full period against up to four full periods before it)."""
    from scipy.stats import binomtest

    full = [i for i, p in enumerate(periods) if not p.partial]
    if len(full) < 2 or by_period.empty:
        return []
    last = full[-1]
    earlier = [i for i in full if i < last][-EARLIER_PERIODS:]
    days = lambda idx: sum((periods[i].end - periods[i].start).days + 1 for i in idx)  # noqa: E731
    d1, d0 = days([last]), days(earlier)
    out = []
    for topic, row in by_period.iterrows():
        counts = row.to_numpy()
        c1, c0 = int(counts[last]), int(counts[earlier].sum())
        before_all = int(counts[:last].sum())
        common = dict(
            kind=kind,
            id=str(topic),
            label=labels.get(str(topic), str(topic)),
            period=periods[last].label,
            count=c1,
            earlier_count=c0,
            earlier_periods=len(earlier),
        )
        if before_all == 0 and c1 >= MIN_NEW:
            out.append(Emerging(status="new", ratio=None, p_value=None, **common))
        elif c0 > 0 and c1 >= MIN_GROWING:
            ratio = (c1 / d1) / (c0 / d0)
            p = binomtest(c1, c0 + c1, d1 / (d0 + d1), alternative="greater").pvalue
            if ratio > 1 and p < ALPHA:
                out.append(Emerging(status="growing", ratio=float(ratio), p_value=float(p), **common))
    return sorted(out, key=lambda e: (e.status != "new", -(e.ratio or 0), -e.count, e.id))


def pick_quotes(texts: Sequence[str], k: int, embed: Callable[[list[str]], np.ndarray] | None) -> list[str]:
    """``k`` representative texts: closest to the centroid of (a fixed sample of) the topic's complaints.

    Texts of 20-600 characters are preferred (one-word or essay-length complaints quote badly);
    without an embedder the medium-length texts come first.
    """
    pool = [t for t in dict.fromkeys(str(t).strip() for t in texts) if t]
    good = [t for t in pool if 20 <= len(t) <= 600] or pool
    if not good:
        return []
    if len(good) > QUOTE_SAMPLE:
        rng = np.random.default_rng(0)
        good = [good[i] for i in sorted(rng.choice(len(good), QUOTE_SAMPLE, replace=False))]
    if embed is None or len(good) <= k:
        order = sorted(range(len(good)), key=lambda i: (abs(len(good[i]) - 160), i))
    else:
        vectors = np.asarray(embed(good), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
        centroid = vectors.mean(axis=0)
        order = list(np.argsort(-(vectors @ centroid), kind="stable"))
    return [good[i] for i in order[:k]]


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
