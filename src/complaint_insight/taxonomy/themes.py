"""Local themes in the shared language: how each theme's complaints spread over taxonomy categories."""
from __future__ import annotations

import pandas as pd

from complaint_insight.errors import InputError
from complaint_insight.text import is_missing

UNCATEGORISED = "(none)"
COLUMNS = ("theme_id", "category", "theme_size", "complaints", "share_of_theme", "share_of_category")


def _category_list(value) -> list[str]:
    if isinstance(value, str):
        return [c for c in value.split(";") if c]
    if isinstance(value, (list, tuple, set)):
        return [str(c) for c in value]
    if is_missing(value):
        return []
    raise InputError(f"categories must be ';'-joined text or a list, got {type(value).__name__}")


def theme_category_shares(
    frame: pd.DataFrame, *, theme_column: str = "theme_id", categories_column: str = "categories"
) -> pd.DataFrame:
    """One row per (theme, category) pair that occurs, with

    - ``theme_size``: complaints in the theme;
    - ``complaints``: complaints in the theme that carry the category;
    - ``share_of_theme``: ``complaints / theme_size`` — "62% of theme 4 is Communication";
    - ``share_of_category``: ``complaints`` / all complaints with that category — "theme 4 is 30%
      of all Communication complaints".

    A complaint can carry several categories, so a theme's shares can add up to more than 1.
    Complaints with no category appear under ``category="(none)"``; rows without a theme id
    (missing value) are left out. Sorted by theme, then by share of theme (largest first).
    """
    for column in (theme_column, categories_column):
        if column not in frame.columns:
            raise InputError(f"column {column!r} not found; columns are: {', '.join(map(str, frame.columns))}")
    pairs = []
    for theme, value in zip(frame[theme_column].tolist(), frame[categories_column].tolist()):
        if is_missing(theme):
            continue
        for category in dict.fromkeys(_category_list(value)) or [UNCATEGORISED]:
            pairs.append((theme, category))
    if not pairs:
        return pd.DataFrame(columns=list(COLUMNS))
    table = pd.DataFrame(pairs, columns=["theme_id", "category"]).value_counts(sort=False).rename("complaints").reset_index()
    theme_size = frame.loc[~frame[theme_column].map(is_missing), theme_column].value_counts()
    category_total = table.groupby("category")["complaints"].sum()
    table["theme_size"] = table["theme_id"].map(theme_size).astype(int)
    table["share_of_theme"] = table["complaints"] / table["theme_size"]
    table["share_of_category"] = table["complaints"] / table["category"].map(category_total)
    table = table.sort_values(["theme_id", "share_of_theme", "category"], ascending=[True, False, True], kind="stable")
    return table[list(COLUMNS)].reset_index(drop=True)
