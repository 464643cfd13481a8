"""Actions from the learning log, with status, whether they are overdue and their measured effect."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from complaint_insight.errors import InputError
from complaint_insight.reports.model import ActionRow, ActionsSection


def actions_section(log, *, as_of: dt.date) -> ActionsSection:
    """``log``: a learning-log file path (must exist; the report never creates one) or a LearningLog."""
    from complaint_insight.actions import open_log

    if isinstance(log, (str, Path)) and not Path(log).is_file():
        raise InputError(f"{log}: learning log not found")
    entries = open_log(log, create=False).entries()
    rows = [
        ActionRow(
            id=e.id,
            theme_id=e.theme_id,
            theme_label=e.theme_label,
            action_text=e.action_text,
            owner=e.owner,
            date_agreed=e.date_agreed,
            due_date=e.due_date,
            status=e.status,
            overdue=e.due_date is not None and e.due_date < as_of and e.status in ("planned", "in_progress"),
            effect=e.effect,
            effect_ratio=e.effect_ratio,
            effect_p=e.effect_p,
            effect_fell=e.effect_fell,
        )
        for e in entries
    ]
    status = Counter(r.status for r in rows)
    return ActionsSection(
        log=Path(log).name if isinstance(log, (str, Path)) else type(log).__name__,
        by_status={s: status.get(s, 0) for s in ("planned", "in_progress", "done", "abandoned")},
        overdue=sum(r.overdue for r in rows),
        measured=sum(r.effect is not None or r.effect_ratio is not None for r in rows),
        fell=sum(r.effect_fell for r in rows),
        entries=rows,
    )
