"""Local themes in the shared language: how each theme's complaints spread over taxonomy categories.

Works from plain columns — a theme id per complaint (from any theme model) and the categories of
each complaint (the ``;``-joined ``categories`` column of ``complaint-insight categorise``, lists
of ids, or a 0/1 matrix) — so it needs nothing from the themes code.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from complaint_insight.errors import InputError
from complaint_insight.text import is_missing

UNCATEGORISED = "(none)"
COLUMNS = ("theme_id", "category", "theme_size", "complaints", "share_of_theme", "share_of_category")
MAP_COLUMNS = (
    "theme_id", "theme_size", "category_id", "category_name", "n", "share_of_theme", "overall_share", "lift",
    "share_of_category", "dominant",
)


def _category_list(value) -> list[str]:
    if isinstance(value, str):
        return [c.strip() for c in value.split(";") if c.strip()]
    if isinstance(value, (list, tuple, set, np.ndarray)):
        return [str(c) for c in value]
    if is_missing(value):
        return []
    raise InputError(f"categories must be ';'-joined text or a list, got {type(value).__name__}")


def _no_theme(value) -> bool:
    # CSV input reads a blank cell as "" (io.read_table keeps no NA values)
    return is_missing(value) or (isinstance(value, str) and not value.strip())


def _category_sets(categories, category_ids: Sequence[str] | None, n: int) -> tuple[list[list[str]], list[str] | None]:
    """One list of category ids per complaint, from lists/joined text or a 0/1 matrix."""
    if isinstance(categories, pd.DataFrame):
        ids = [str(c) for c in (category_ids if category_ids is not None else categories.columns)]
        matrix = categories[list(category_ids)] if category_ids is not None else categories
        categories = matrix.to_numpy()
        category_ids = ids
    if hasattr(categories, "ndim") and getattr(categories, "ndim") == 2:
        matrix = np.asarray(categories)
        if category_ids is None:
            raise InputError("a category matrix needs category_ids, one per column")
        if matrix.shape != (n, len(category_ids)):
            raise InputError(f"category matrix has shape {matrix.shape}; expected ({n}, {len(category_ids)})")
        numeric = pd.DataFrame(matrix).apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
        if np.isnan(numeric).any() or not np.isin(numeric, (0, 1)).all():
            raise InputError("a category matrix must hold only 0 and 1")
        ids = [str(c) for c in category_ids]
        return [[ids[j] for j in np.flatnonzero(row)] for row in numeric], ids
    lists = [list(dict.fromkeys(_category_list(v))) for v in categories]
    if len(lists) != n:
        raise InputError(f"got {n} theme ids but {len(lists)} category rows")
    if category_ids is not None:
        known = set(map(str, category_ids))
        unknown = sorted({c for row in lists for c in row} - known)
        if unknown:
            raise InputError(f"categories not in category_ids: {', '.join(unknown[:10])}")
        return lists, [str(c) for c in category_ids]
    return lists, None


def _names(taxonomy) -> dict[str, str]:
    if taxonomy is None:
        return {}
    from complaint_insight.taxonomy.loader import load_taxonomy

    resolved = load_taxonomy(taxonomy)
    return {c.id: c.label for c in resolved.categories}


def map_themes_to_categories(
    theme_ids: Sequence[Any],
    categories,
    category_ids: Sequence[str] | None = None,
    *,
    taxonomy: "str | Path | Any | None" = None,
    min_share: float = 0.0,
    min_n: int = 1,
) -> pd.DataFrame:
    """How each theme's complaints spread over taxonomy categories.

    ``theme_ids``: one theme id per complaint (missing or blank: the complaint is left out).
    ``categories``: per complaint, ``;``-joined ids or a list of ids (the ``categories`` column of
    ``complaint-insight categorise``), or an ``(n, k)`` 0/1 matrix / DataFrame whose columns are
    ``category_ids``. With lists, ``category_ids`` (optional) is the set of valid ids.
    ``taxonomy`` (optional, name or file) supplies ``category_name``; otherwise the name is the id.

    One row per (theme, category) that occurs, with ``n`` complaints in the theme carrying the
    category, ``share_of_theme = n / theme_size``, ``overall_share`` (the category's share of
    all themed complaints), ``lift = share_of_theme / overall_share`` (above 1: the theme is
    over-represented in the category), ``share_of_category`` (the theme's part of the category)
    and ``dominant`` (the theme's category with the largest share; ties go to the higher lift).
    Complaints with no category count under ``category_id="(none)"``, never dominant. A complaint
    can carry several categories, so a theme's shares can add up to more than 1. Rows with
    ``share_of_theme < min_share`` or ``n < min_n`` are left out (after ``dominant`` is decided).
    Sorted by theme, then largest share first.
    """
    if not 0.0 <= float(min_share) <= 1.0:
        raise ValueError(f"min_share must be between 0 and 1, got {min_share}")
    themes = list(theme_ids)
    lists, _ = _category_sets(categories, category_ids, len(themes))
    pairs = []
    for theme, row in zip(themes, lists):
        if _no_theme(theme):
            continue
        for category in row or [UNCATEGORISED]:
            pairs.append((theme, category))
    if not pairs:
        return pd.DataFrame(columns=list(MAP_COLUMNS))
    table = pd.DataFrame(pairs, columns=["theme_id", "category_id"]).value_counts(sort=False).rename("n").reset_index()
    themed = pd.Series([t for t in themes if not _no_theme(t)])
    theme_size = themed.value_counts()
    total = len(themed)
    category_total = table.groupby("category_id")["n"].sum()
    table["theme_size"] = table["theme_id"].map(theme_size).astype(int)
    table["share_of_theme"] = table["n"] / table["theme_size"]
    table["overall_share"] = table["category_id"].map(category_total) / total
    table["lift"] = table["share_of_theme"] / table["overall_share"]
    table["share_of_category"] = table["n"] / table["category_id"].map(category_total)
    names = _names(taxonomy)
    table["category_name"] = [names.get(c, c) for c in table["category_id"]]
    table = table.sort_values(
        ["theme_id", "share_of_theme", "lift", "category_id"], ascending=[True, False, False, True], kind="stable"
    ).reset_index(drop=True)
    real = table["category_id"] != UNCATEGORISED
    first = table[real].groupby("theme_id", sort=False).head(1).index
    table["dominant"] = table.index.isin(first)
    keep = (table["share_of_theme"] >= float(min_share)) & (table["n"] >= int(min_n))
    return table.loc[keep, list(MAP_COLUMNS)].reset_index(drop=True)


def dominant_categories(mapping: pd.DataFrame) -> pd.DataFrame:
    """One row per theme of a :func:`map_themes_to_categories` table: its dominant category
    (``category_id``/``category_name`` empty when none of its complaints has a category), with
    that category's ``n``, ``share_of_theme`` and ``lift``."""
    missing = [c for c in ("theme_id", "theme_size", "category_id", "dominant") if c not in mapping.columns]
    if missing:
        raise InputError(f"not a theme map: columns {missing} are missing")
    themes = mapping.drop_duplicates("theme_id")[["theme_id", "theme_size"]]
    top = mapping.loc[mapping["dominant"], ["theme_id", "category_id", "category_name", "n", "share_of_theme", "lift"]]
    return themes.merge(top, on="theme_id", how="left").reset_index(drop=True)


def theme_category_shares(
    frame: pd.DataFrame, *, theme_column: str = "theme_id", categories_column: str = "categories"
) -> pd.DataFrame:
    """One row per (theme, category) pair that occurs, with

    - ``theme_size``: complaints in the theme;
    - ``complaints``: complaints in the theme that carry the category;
    - ``share_of_theme``: ``complaints / theme_size`` — "62% of theme 4 is Communication";
    - ``share_of_category``: ``complaints`` / all complaints with that category — "theme 4 is 30%
      of all Communication complaints".

    The frame form of :func:`map_themes_to_categories` (which adds lift and the dominant category).
    """
    for column in (theme_column, categories_column):
        if column not in frame.columns:
            raise InputError(f"column {column!r} not found; columns are: {', '.join(map(str, frame.columns))}")
    table = map_themes_to_categories(frame[theme_column].tolist(), frame[categories_column].tolist())
    table = table.rename(columns={"category_id": "category", "n": "complaints"})
    return table[list(COLUMNS)]
