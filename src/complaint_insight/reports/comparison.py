"""Comparing organisations or services on the shared taxonomy: rates, not raw counts.

Without a denominator each group gets its complaint rate (complaints per feedback row) and the
share of its complaints in each shared category. With a denominator table (``group``, ``period``,
``count`` of episodes, contacts, ...) each group also gets complaints per 1,000 units, counted
only over the periods that have a denominator for that group.
"""

from __future__ import annotations

import pandas as pd

from complaint_insight.errors import InputError
from complaint_insight.reports.model import ComparisonSection, GroupRow
from complaint_insight.reports.periods import PeriodName, label_of

TOP_CATEGORIES = 5


def read_denominators(
    table: pd.DataFrame, *, period: PeriodName, source: str = "denominators"
) -> pd.DataFrame:
    """Columns group, period (a label), count (float >= 0), summed per group and period."""
    missing = [c for c in ("group", "period", "count") if c not in table.columns]
    if missing:
        raise InputError(f"{source}: column(s) {', '.join(missing)} missing; expected group,period,count")
    labels = table["period"].map(lambda v: label_of(v, period))
    counts = pd.to_numeric(table["count"], errors="coerce")
    bad = labels.isna() | counts.isna() | (counts < 0)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(
            f"{source}: row {i + 1}: period {str(table['period'].iloc[i])[:30]!r} / count "
            f"{str(table['count'].iloc[i])[:30]!r} unreadable (count must be a number >= 0)"
        )
    out = pd.DataFrame({"group": table["group"].astype(str).str.strip(), "period": labels, "count": counts})
    return out.groupby(["group", "period"], as_index=False)["count"].sum()


def compare(
    frame: pd.DataFrame,
    *,
    group_column: str,
    period_labels: pd.Series,
    categories: pd.DataFrame,
    category_labels: dict[str, str],
    top_categories: list[str],
    denominators: pd.DataFrame | None,
) -> ComparisonSection:
    """``categories``: row, id pairs for complaint rows (the exploded shared-taxonomy column)."""
    groups = frame[group_column].where(frame[group_column].notna(), "").astype(str).str.strip()
    groups = groups.replace("", "(none)")
    cats = top_categories[:TOP_CATEGORIES]
    complaint = frame["_complaint"].to_numpy()
    rows_out = []
    cat_group = groups.to_numpy()[categories["row"].to_numpy()] if len(categories) else []
    cat_table = pd.crosstab(cat_group, categories["id"].to_numpy()) if len(categories) else pd.DataFrame()
    for name in sorted(groups.unique()):
        mine = (groups == name).to_numpy()
        n_rows, n_complaints = int(mine.sum()), int((mine & complaint).sum())
        counts = {
            c: int(cat_table.at[name, c]) if name in cat_table.index and c in cat_table.columns else 0
            for c in cats
        }
        shares = {c: counts[c] / n_complaints for c in cats} if n_complaints else {}
        denom = in_denom = per_1000 = None
        cat_rates: dict[str, float] = {}
        if denominators is not None:
            d = denominators[denominators["group"] == name]
            if len(d):
                covered = set(d["period"])
                in_periods = mine & period_labels.isin(covered).to_numpy()
                denom = float(d["count"].sum())
                in_denom = int((in_periods & complaint).sum())
                if denom > 0:
                    per_1000 = 1000 * in_denom / denom
                    in_rows = set(pd.Index(frame.index[in_periods]).tolist())
                    sub = categories[categories["row"].isin(in_rows)]
                    sub_counts = sub["id"].value_counts()
                    cat_rates = {c: 1000 * int(sub_counts.get(c, 0)) / denom for c in cats}
        rows_out.append(
            GroupRow(
                group=name,
                rows=n_rows,
                complaints=n_complaints,
                complaint_rate=n_complaints / n_rows if n_rows else None,
                denominator=denom,
                complaints_in_denominator_periods=in_denom,
                rate_per_1000=per_1000,
                category_shares=shares,
                category_rates_per_1000=cat_rates,
            )
        )
    return ComparisonSection(
        group_column=group_column,
        with_denominator=denominators is not None,
        categories=cats,
        category_labels={c: category_labels.get(c, c) for c in cats},
        groups=rows_out,
    )
