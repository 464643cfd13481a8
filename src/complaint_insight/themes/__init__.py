"""Theme discovery: named, stable, order-insensitive themes in complaints.

    >>> from complaint_insight.themes import ThemeModel
    >>> model = ThemeModel().fit(frame)            # frame["text"]; number of themes chosen automatically
    >>> model.fitted_assignments(frame.index)      # theme_id, theme_label, theme_distance, theme_status
    >>> model.assign(["The car park was full"])    # new complaints, same ids
"""
from __future__ import annotations

from complaint_insight.themes.clean import clean_for_themes
from complaint_insight.themes.cluster import SphericalKMeans
from complaint_insight.themes.label import PhraseLabeller
from complaint_insight.themes.model import UNASSIGNED, ThemeModel
from complaint_insight.themes.result import Theme, ThemeCountChoice


def load_theme_model(folder) -> ThemeModel:
    from complaint_insight.themes.store import load_theme_model as _load

    return _load(folder)


__all__ = [
    "UNASSIGNED",
    "PhraseLabeller",
    "SphericalKMeans",
    "Theme",
    "ThemeCountChoice",
    "ThemeModel",
    "clean_for_themes",
    "load_theme_model",
]
