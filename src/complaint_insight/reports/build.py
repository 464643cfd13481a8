"""Compute every figure of the learning report from a feedback table (``build_report``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from complaint_insight.errors import InputError
from complaint_insight.reports import spc
from complaint_insight.reports.model import (
    PeriodVolume,
    RedFlagCount,
    Report,
    SeverityCount,
    SpcSection,
)
from complaint_insight.reports.periods import PeriodName, labels_of_dates, period_range
from complaint_insight.reports.prepare import explode_ids, prepare
from complaint_insight.reports.topics import counts_by_period, emerging, pick_quotes, shorten, topic_table

SEVERITY_LABELS = {
    -1: "not assessed",
    0: "not present",
    1: "low",
    2: "medium",
    3: "high",
}  # default triage policy
QUOTES_PER_TOPIC = 2


def load_redactor():
    """The redactor every quote passes through (``complaint_insight.privacy.redact``)."""
    from complaint_insight.privacy import redact

    return redact


def build_report(
    frame: pd.DataFrame,
    *,
    text_column: str = "text",
    date_column: str | None = None,
    group_column: str | None = None,
    period: PeriodName = "quarter",
    taxonomy: str | None = None,
    top_n: int = 5,
    start: dt.date | None = None,
    end: dt.date | None = None,
    dayfirst: bool = False,
    log: Any = None,
    surveys: pd.DataFrame | None = None,
    denominators: pd.DataFrame | None = None,
    title: str = "Complaints learning report",
    source: str = "",
    as_of: dt.date | None = None,
    quotes: bool = True,
    triager=None,
    categoriser=None,
    embed=None,
) -> Report:
    """All figures of the report. ``date_column`` None uses a column called ``date`` when there is one.

    ``log`` is a learning-log path or object, ``surveys`` a survey table (docs/reports.md layout),
    ``denominators`` a table of group, period, count. ``embed`` (texts -> vectors) picks
    representative quotes; by default the static embedder is used when quotes can be shown.
    """
    if period not in ("month", "quarter"):
        raise InputError(f"period must be month or quarter, got {period!r}")
    if top_n < 1:
        raise InputError("top N must be at least 1")
    if group_column is not None and group_column not in frame.columns:
        raise InputError(
            f"group column {group_column!r} not found; columns are: {', '.join(map(str, frame.columns))}"
        )
    if start and end and start > end:
        raise InputError(f"start {start} is after end {end}")
    # Side inputs first: a bad log or survey file should fail before a slow triage run.
    actions = None
    if log is not None:
        from complaint_insight.reports.learning import actions_section

        actions = actions_section(log, as_of=as_of or dt.date.today())
    survey_results = []
    if surveys is not None:
        from complaint_insight.reports.surveys import read_surveys, summarise

        survey_results = summarise(read_surveys(surveys, period=period))
    denoms = None
    if denominators is not None:
        if group_column is None:
            raise InputError("denominators need a group column: give --group-column")
        from complaint_insight.reports.comparison import read_denominators

        denoms = read_denominators(denominators, period=period)
    notes: list[str] = []
    if date_column is None and "date" in frame.columns:
        date_column = "date"
    prepared = prepare(
        frame.reset_index(drop=True),
        text_column=text_column,
        date_column=date_column,
        taxonomy=taxonomy,
        dayfirst=dayfirst,
        triager=triager,
        categoriser=categoriser,
    )
    notes += prepared.notes
    df = prepared.frame
    if date_column is None:
        notes.append("No date column: the figures over time and the SPC charts are left out.")
    dates = df["_date"]
    if start is not None or end is not None:
        keep = dates.notna()
        if start is not None:
            keep &= dates >= pd.Timestamp(start)
        if end is not None:
            keep &= dates <= pd.Timestamp(end)
        dropped = int((~keep & dates.notna()).sum())
        if dropped:
            notes.append(f"{dropped} rows dated outside {start or '...'} to {end or '...'} are left out.")
        df = df[keep | dates.isna()].reset_index(drop=True)
        dates = df["_date"]
    complaint = df["_complaint"].to_numpy()
    undated = int(dates.isna().sum()) if date_column else 0
    if date_column and undated:
        notes.append(
            f"{undated} rows have no readable date in {date_column!r}; they count in totals, not over time."
        )

    # Periods
    periods = []
    labels = pd.Series([None] * len(df), index=df.index, dtype=object)
    if date_column and dates.notna().any():
        first, last = dates.min().date(), dates.max().date()
        periods = period_range(first, last, period, start=start, end=end)
        ok = dates.notna()
        labels[ok] = labels_of_dates(dates[ok], period)
    volumes = _volumes(periods, labels, complaint)
    if any(p.partial for p in periods):
        partial = ", ".join(p.label for p in periods if p.partial)
        notes.append(
            f"Partial period(s) {partial}: the data do not cover the whole period; marked, not shown "
            "as drops, and left out of SPC charts."
        )

    # Topics
    total_complaints = int(complaint.sum())
    complaint_rows = pd.Series(complaint)
    themes_members = categories_members = pd.DataFrame({"row": [], "id": []})
    theme_labels: dict[str, str] = {}
    if "theme_id" in df.columns:
        themes_members = _members(df["theme_id"], complaint_rows)
        theme_labels = _theme_labels(df)
    cat_labels = _category_labels(taxonomy)
    all_categories = pd.DataFrame({"row": [], "id": []})
    if "categories" in df.columns:
        all_categories = explode_ids(df["categories"])
        categories_members = (
            all_categories[complaint[all_categories["row"].to_numpy().astype(int)]]
            if len(all_categories)
            else all_categories
        )
    if "theme_id" not in df.columns:
        notes.append("No theme_id column: themes are left out (run theme discovery first to add them).")
    if "categories" not in df.columns:
        notes.append(
            "No categories column: taxonomy categories are left out (give --taxonomy to categorise)."
        )
    themes = topic_table(themes_members, df, theme_labels, "theme", total_complaints)
    categories = topic_table(categories_members, df, cat_labels, "category", total_complaints)

    redact = load_redactor() if quotes else None
    if redact is not None and text_column in df.columns:
        embed = embed if embed is not None else _default_embed()
        for topic_list, members in ((themes, themes_members), (categories, categories_members)):
            for topic in topic_list[:top_n]:
                rows = members.loc[members["id"] == topic.id, "row"].to_numpy().astype(int)
                texts = df[text_column].iloc[rows].astype(str).tolist()
                topic.quotes = [shorten(redact(t)) for t in pick_quotes(texts, QUOTES_PER_TOPIC, embed)]

    # Over time: SPC and emerging topics (full periods only)
    spc_sections, changes, emerging_list = [], [], []
    full = [v for v in volumes if not v.partial]
    if full:
        lab = [v.label for v in full]
        overall = spc.xmr([v.complaints for v in full], lab, title="Complaints per " + period)
        rate = spc.xmr(
            [100 * (v.complaint_rate or 0) for v in full], lab, title="Complaints per 100 feedback items"
        )
        spc_sections += [
            SpcSection(subject="all complaints", chart=overall),
            SpcSection(subject="complaint rate", chart=rate),
        ]
        changes += spc.describe(overall, what="All complaints")
        changes += spc.describe(
            rate, what="Complaint rate (per 100 feedback items)", fmt="{:.1f}", stat_fmt="{:.1f}"
        )
        full_idx = [p.label for p in periods if not p.partial]
        for kind, members, tops, lbls in (
            ("theme", themes_members, themes, theme_labels),
            ("category", categories_members, categories, cat_labels),
        ):
            if members.empty:
                continue
            table = counts_by_period(members, labels, periods)
            emerging_list += emerging(table, periods, lbls, kind)
            for topic in tops[:top_n]:
                values = (
                    table.loc[topic.id, full_idx].tolist() if topic.id in table.index else [0] * len(full_idx)
                )
                chart = spc.xmr(values, full_idx, title=f"{kind.capitalize()}: {topic.label}")
                spc_sections.append(SpcSection(subject=f"{kind}: {topic.label}", chart=chart))
                changes += spc.describe(chart, what=f"{kind.capitalize()} '{topic.label}'")

    comparison = None
    if group_column is not None:
        from complaint_insight.reports.comparison import compare

        if denoms is not None and date_column is None:
            raise InputError("denominators need dates: give --date-column")
        comparison = compare(
            df,
            group_column=group_column,
            period_labels=labels,
            categories=categories_members,
            category_labels=cat_labels,
            top_categories=[c.id for c in categories],
            denominators=denoms,
        )

    return Report(
        title=title,
        generated_at=dt.datetime.now(dt.timezone.utc).replace(microsecond=0),
        source=Path(source).name if source else "",
        period=period,
        coverage_start=start or (dates.min().date() if periods else None),
        coverage_end=end or (dates.max().date() if periods else None),
        rows=len(df),
        undated_rows=undated,
        complaints=total_complaints,
        triage_run=prepared.triage_run,
        taxonomy=taxonomy,
        notes=notes,
        changes=changes,
        periods=volumes,
        spc=spc_sections,
        severity=_severity(df, complaint),
        red_flags=_red_flags(df),
        themes=themes,
        categories=categories,
        emerging=emerging_list,
        actions=actions,
        comparison=comparison,
        surveys=survey_results,
    )


def _volumes(periods, labels: pd.Series, complaint) -> list[PeriodVolume]:
    if not periods:
        return []
    rows = labels.value_counts()
    comp = labels[complaint].value_counts()
    out = []
    for p in periods:
        n, c = int(rows.get(p.label, 0)), int(comp.get(p.label, 0))
        out.append(
            PeriodVolume(
                label=p.label,
                start=p.start,
                end=p.end,
                partial=p.partial,
                rows=n,
                complaints=c,
                complaint_rate=c / n if n else None,
            )
        )
    return out


def _members(values: pd.Series, complaint: pd.Series) -> pd.DataFrame:
    members = explode_ids(values)
    return members[complaint.to_numpy()[members["row"].to_numpy().astype(int)]] if len(members) else members


def _theme_labels(df: pd.DataFrame) -> dict[str, str]:
    if "theme_label" not in df.columns:
        return {}
    pairs = df[["theme_id", "theme_label"]].dropna().astype(str)
    pairs = pairs[(pairs["theme_label"].str.strip() != "") & ~pairs["theme_id"].str.contains(";")]
    if pairs.empty:
        return {}
    # The most common label per id (clustering output repeats one label per theme).
    top = pairs.value_counts().reset_index().drop_duplicates("theme_id")
    return dict(zip(top["theme_id"].str.strip(), top["theme_label"].str.strip()))


def _category_labels(taxonomy: str | None) -> dict[str, str]:
    if taxonomy is None:
        return {}
    from complaint_insight.taxonomy import load_taxonomy

    return {c.id: c.name for c in load_taxonomy(taxonomy).categories}


def _severity(df: pd.DataFrame, complaint) -> list[SeverityCount]:
    counts = df.loc[complaint, "_severity"].value_counts()
    return [
        SeverityCount(level=lvl, label=SEVERITY_LABELS[lvl], complaints=int(counts.get(lvl, 0)))
        for lvl in (3, 2, 1, 0, -1)
    ]


def _red_flags(df: pd.DataFrame) -> list[RedFlagCount]:
    flags = explode_ids(df["_flags"])
    counts = flags["id"].value_counts() if len(flags) else pd.Series(dtype=int)
    return [
        RedFlagCount(type=str(t), rows=int(n))
        for t, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def _default_embed():
    try:
        from complaint_insight.embed import get_embedder

        return get_embedder("static").encode
    except Exception:  # quotes then fall back to medium-length texts; the report still builds
        return None
