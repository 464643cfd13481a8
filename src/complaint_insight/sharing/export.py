"""Build an anonymised sharing export from a themed and categorised table (and the learning log)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from complaint_insight.errors import InputError
from complaint_insight.privacy import redact
from complaint_insight.sharing.schema import (
    Period,
    SharedAction,
    SharedCategory,
    SharedTheme,
    SharingExport,
)
from complaint_insight.text import coerce_text, is_missing

QUOTE_CHARS = 300  # a quote shows the point, not the whole letter


def build_export(
    frame: pd.DataFrame,
    *,
    taxonomy: Any = None,
    log: Any = None,
    organisation: str | None = None,
    text_column: str | None = "text",
    theme_column: str = "theme_id",
    label_column: str = "theme_label",
    categories_column: str = "categories",
    date_column: str | None = None,
    group_column: str | None = None,
    quotes_per_theme: int = 3,
    suppress_below: int = 5,
    created: dt.datetime | None = None,
) -> SharingExport:
    """One export for ``frame`` (one row per complaint).

    ``categories`` holds ';'-joined category ids (as written by ``categorise``). With ``taxonomy``
    (id, path or Taxonomy) category names are filled in and unknown ids are an error. ``log`` (a
    learning log or its SQLite path) adds the actions agreed against the themes in ``frame``.
    Counts under ``suppress_below`` are withheld, and their themes carry no quotes.
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    if suppress_below < 1:
        raise InputError("suppress_below must be at least 1")
    if quotes_per_theme < 0:
        raise InputError("quotes_per_theme must be 0 or more")
    needed = {"theme column": theme_column, "categories column": categories_column}
    if text_column is not None and quotes_per_theme > 0:
        needed["text column"] = text_column
    for role, column in {**needed, "date column": date_column, "group column": group_column}.items():
        if column is not None and column not in frame.columns:
            raise InputError(f"{role} {column!r} not found; columns are: {', '.join(map(str, frame.columns))}")

    frame = frame.reset_index(drop=True)  # read_table concatenates chunks, so labels may repeat
    tax = _load_taxonomy(taxonomy)
    names = {c.id: c.label for c in tax.categories} if tax is not None else {}
    total = len(frame)
    theme_ids = frame[theme_column].map(lambda v: "" if is_missing(v) else str(v).strip())
    cats = frame[categories_column].map(_split_categories)
    if tax is not None:
        unknown = sorted({c for row in cats for c in row} - set(names))
        if unknown:
            raise InputError(
                f"categories not in taxonomy {tax.id!r}: {', '.join(unknown[:10])}"
                + (" ..." if len(unknown) > 10 else "")
            )

    def hide(n: int) -> int | None:
        # Zero singles nobody out; 1..suppress_below-1 might.
        return n if n == 0 or n >= suppress_below else None

    # -- categories
    category_counts: dict[str, int] = {}
    for row in cats:
        for c in row:
            category_counts[c] = category_counts.get(c, 0) + 1
    order = list(names) if names else sorted(category_counts)
    order += sorted(set(category_counts) - set(order))
    groups = frame[group_column].map(lambda v: "" if is_missing(v) else str(v)) if group_column else None
    categories = []
    for cid in order:
        n = category_counts.get(cid, 0)
        by_group = None
        if groups is not None:
            mask = cats.map(lambda row, cid=cid: cid in row)
            counted = groups[mask].value_counts()
            by_group = {redact(str(g))[:200]: hide(int(k)) for g, k in counted.items() if g}
        categories.append(
            SharedCategory(
                id=cid,
                name=names.get(cid, ""),
                count=hide(n),
                rate=None if hide(n) is None or total == 0 else n / total,
                suppressed=hide(n) is None,
                by_group=by_group,
            )
        )

    # -- themes
    labels = frame[label_column] if label_column in frame.columns else pd.Series([None] * total, index=frame.index)
    texts = frame[text_column] if text_column is not None and text_column in frame.columns else None
    themes = []
    theme_categories: dict[str, list[str]] = {}
    for tid, index in theme_ids.groupby(theme_ids, sort=True).groups.items():
        if tid == "":
            continue
        n = len(index)
        counted: dict[str, int] = {}
        for row in cats.loc[index]:
            for c in row:
                counted[c] = counted.get(c, 0) + 1
        ranked = sorted(counted, key=lambda c: (-counted[c], c))
        theme_categories[tid] = ranked
        label = next((str(v) for v in labels.loc[index] if not is_missing(v) and str(v).strip()), tid)
        quotes = []
        if texts is not None and hide(n) is not None:
            quotes = _quotes(texts.loc[index], quotes_per_theme)
        themes.append(
            SharedTheme(
                id=redact(tid)[:200],
                label=redact(label)[:300],
                count=hide(n),
                rate=None if hide(n) is None or total == 0 else n / total,
                suppressed=hide(n) is None,
                categories=ranked,
                quotes=quotes,
            )
        )

    actions = _actions(log, theme_categories) if log is not None else []
    period = None
    if date_column is not None:
        dates = pd.to_datetime(frame[date_column], errors="coerce").dropna()
        if len(dates):
            period = Period(start=dates.min().date(), end=dates.max().date())
    return SharingExport(
        organisation=None if organisation is None else " ".join(str(organisation).split())[:300] or None,
        created=created or dt.datetime.now(dt.timezone.utc).replace(microsecond=0),
        taxonomy=tax.id if tax is not None else None,
        taxonomy_version=(tax.version or None) if tax is not None else None,
        period=period,
        total_complaints=total,
        suppress_below=suppress_below,
        categories=categories,
        themes=themes,
        actions=actions,
    )


def write_export(export: SharingExport, path: str | Path) -> None:
    Path(path).write_text(export.model_dump_json(indent=2) + "\n", encoding="utf-8")


def _load_taxonomy(taxonomy: Any):
    if taxonomy is None:
        return None
    from complaint_insight.taxonomy import load_taxonomy

    return load_taxonomy(taxonomy)


def _split_categories(value: Any) -> list[str]:
    if is_missing(value):
        return []
    if isinstance(value, (list, tuple, set)):
        items = [str(v) for v in value]
    else:
        items = coerce_text(value).split(";")
    out: list[str] = []
    for item in items:
        item = item.strip()
        if item and item not in out:
            out.append(item)
    return out


def _quotes(texts: pd.Series, k: int) -> list[str]:
    """Up to ``k`` redacted quotes: readable lengths first, in a fixed order (no randomness)."""
    candidates = []
    for position, value in enumerate(texts):
        try:
            text = " ".join(coerce_text(value).split())
        except TypeError:
            continue
        if len(text) < 15:
            continue
        # Prefer quotes of 40-300 characters; then the earliest rows.
        candidates.append((0 if 40 <= len(text) <= QUOTE_CHARS else 1, position, text))
    candidates.sort()
    quotes: list[str] = []
    for _, _, text in candidates:
        # Redact before shortening so that a cut cannot split an identifier into an unrecognised part.
        quote = redact(text)
        if len(quote) > QUOTE_CHARS:
            quote = quote[: QUOTE_CHARS - 1].rsplit(" ", 1)[0] + "…"
        if quote not in quotes:
            quotes.append(quote)
        if len(quotes) == k:
            break
    return quotes


def _actions(log: Any, theme_categories: dict[str, list[str]]) -> list[SharedAction]:
    from complaint_insight.actions import open_log

    store = open_log(log, create=False) if isinstance(log, (str, Path)) else open_log(log)
    shared = []
    for entry in store.entries():
        if entry.theme_id not in theme_categories:
            continue
        shared.append(
            SharedAction(
                theme_id=redact(entry.theme_id)[:200],
                theme_label=redact(entry.theme_label)[:300],
                categories=theme_categories[entry.theme_id],
                action=redact(entry.action_text)[:2000],
                status=entry.status,
                agreed=entry.date_agreed.strftime("%Y-%m"),
                public_summary=None if entry.public_summary is None else redact(entry.public_summary)[:1000],
                effect=None if entry.effect is None else redact(entry.effect)[:1000],
                effect_ratio=entry.effect_ratio,
            )
        )
    return shared
