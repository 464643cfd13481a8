"""Improvement actions and the learning log: from a theme to what was done and whether it worked.

    from complaint_insight.actions import suggest_actions
    suggest_actions("Waited six hours in A&E and nobody told us anything", k=3)
    suggest_actions(theme="damp_mould")
    suggest_actions(category="qdc:discharge", log="learning_log.sqlite")

The action library is data (``actions/library/*.yaml``); organisations add their own file with
``load_library([path])``. See docs/actions.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Loaded on first use: the impact test pulls in scipy and pandas, which a CLI call to
# "actions suggest" should not pay for.
_EXPORTS = {
    "Action": "schema",
    "ActionLibrary": "loader",
    "ActionSuggester": "suggest",
    "ActionSuggestion": "result",
    "CategorySource": "categories",
    "CommonTheme": "schema",
    "EntryNotFound": "log",
    "ImpactResult": "impact",
    "LearningLog": "log",
    "LibraryError": "loader",
    "LogEntry": "log",
    "PastAction": "result",
    "SQLiteLearningLog": "sqlite_log",
    "SimilarityCategorySource": "categories",
    "TrainedCategorySource": "categories",
    "categoriser_source": "categories",
    "load_library": "loader",
    "measure_impact": "impact",
    "open_log": "log",
    "record_impact": "impact",
    "suggest_actions": "suggest",
    "you_said_we_did": "publish",
}
__all__ = [
    "Action",
    "ActionLibrary",
    "ActionSuggester",
    "ActionSuggestion",
    "CategorySource",
    "CommonTheme",
    "EntryNotFound",
    "ImpactResult",
    "LearningLog",
    "LibraryError",
    "LogEntry",
    "PastAction",
    "SQLiteLearningLog",
    "SimilarityCategorySource",
    "TrainedCategorySource",
    "categoriser_source",
    "load_library",
    "measure_impact",
    "open_log",
    "record_impact",
    "suggest_actions",
    "you_said_we_did",
]

if TYPE_CHECKING:  # pragma: no cover
    from complaint_insight.actions.categories import (
        CategorySource,
        SimilarityCategorySource,
        TrainedCategorySource,
        categoriser_source,
    )
    from complaint_insight.actions.impact import ImpactResult, measure_impact, record_impact
    from complaint_insight.actions.loader import ActionLibrary, LibraryError, load_library
    from complaint_insight.actions.log import EntryNotFound, LearningLog, LogEntry, open_log
    from complaint_insight.actions.publish import you_said_we_did
    from complaint_insight.actions.result import ActionSuggestion, PastAction
    from complaint_insight.actions.schema import Action, CommonTheme
    from complaint_insight.actions.sqlite_log import SQLiteLearningLog
    from complaint_insight.actions.suggest import ActionSuggester, suggest_actions


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'complaint_insight.actions' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"complaint_insight.actions.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
