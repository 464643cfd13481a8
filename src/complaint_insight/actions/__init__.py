"""Improvement actions and the learning log: from a theme to what was done and whether it worked.

    from complaint_insight.actions import suggest_actions
    suggest_actions("Waited six hours in A&E and nobody told us anything", k=3)
    suggest_actions(theme="damp_mould")
    suggest_actions(category="qdc:discharge", log="learning_log.sqlite")

The action library is data (``actions/library/*.yaml``); organisations add their own file with
``load_library([path])``. See docs/actions.md.
"""

from __future__ import annotations

from complaint_insight.actions.categories import (
    CategorySource,
    SimilarityCategorySource,
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
    "categoriser_source",
    "load_library",
    "measure_impact",
    "open_log",
    "record_impact",
    "suggest_actions",
    "you_said_we_did",
]
