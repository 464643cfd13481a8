"""'You said, we did': plain-English summaries of the learning log, for publication.

Only the theme, the action and whether complaints fell are published; owners, evidence, names
and measured figures are not. Text is passed through ``complaint_insight.privacy.redact`` as a safety net, but the log should hold no
personal data in the first place, and a person should read the summary before it is published.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from complaint_insight.actions.log import STATUSES, LearningLog, LogEntry, normalise_status, open_log
from complaint_insight.errors import ConfigError, InputError
from complaint_insight.resources import package_data

class Templates(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal[1] = 1
    version: str
    title: str
    intro: str = ""
    period: str = ""
    you_said: str
    we_did: dict[Literal["done", "in_progress", "planned"], str]
    result: dict[Literal["fell", "rose", "no_clear_change", "too_few"], str]
    empty: str


def load_templates(path: str | Path | None = None) -> Templates:
    path = Path(path) if path is not None else package_data("actions", "library", "you_said_we_did.yaml")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Templates.model_validate(data)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (yaml.YAMLError, ValidationError) as exc:
        raise ConfigError(f"{path}: invalid 'you said, we did' templates: {exc}") from None


def redact(text: str) -> str:
    """The library's personal-data redactor (one implementation for every outbound text)."""
    from complaint_insight.privacy import redact as redact_personal_data

    return redact_personal_data(text)


def _markdown_safe(text: str) -> str:
    # Log text is typed by staff; in Markdown, raw "<script>" would pass through a Markdown-to-HTML renderer.
    return html.escape(text, quote=False)


def you_said_we_did(
    log: "LearningLog | str | Path",
    *,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    statuses: Sequence[str] = ("done", "in_progress"),
    templates: Templates | str | Path | None = None,
    markdown: bool = True,
) -> str:
    """A publishable summary of the entries agreed or updated between ``since`` and ``until``."""
    tpl = templates if isinstance(templates, Templates) else load_templates(templates)
    wanted = [normalise_status(s) for s in statuses]
    bad = [s for s in wanted if s not in STATUSES]
    if bad:
        raise InputError(f"unknown status {bad[0]!r}; use: {', '.join(STATUSES)}")
    wanted = [s for s in wanted if s != "abandoned"]  # an abandoned action is not something "we did"
    start, end = _date(since, "since"), _date(until, "until")
    entries = [e for e in open_log(log, create=False).entries(status=wanted) if _in_period(e, start, end)] if wanted else []

    lines = [f"# {tpl.title}" if markdown else tpl.title, ""]
    if tpl.intro:
        lines += [tpl.intro.strip(), ""]
    if tpl.period and (start or end):
        lines += [tpl.period.format(start=start or "the start", end=end or "today"), ""]
    if not entries:
        return "\n".join(lines + [tpl.empty, ""])
    by_theme: dict[str, list[LogEntry]] = {}
    for entry in sorted(entries, key=lambda e: (e.theme_label.lower(), e.date_agreed, e.id or 0)):
        by_theme.setdefault(entry.theme_label, []).append(entry)
    for theme, group in by_theme.items():
        said = tpl.you_said.format(theme=redact(theme.rstrip(". ")))
        said = _markdown_safe(said) if markdown else said
        lines.append(f"## {said}" if markdown else said)
        for entry in group:
            sentence = _we_did(entry, tpl)
            lines.append("- " + _markdown_safe(sentence) if markdown else "  " + sentence)
        lines.append("")
    return "\n".join(lines)


def _we_did(entry: LogEntry, tpl: Templates) -> str:
    if entry.public_summary:
        sentence = entry.public_summary.strip()
    else:
        due = f" by {entry.due_date:%B %Y}" if entry.due_date and entry.status != "done" else ""
        sentence = tpl.we_did[entry.status].format(
            action=_lower_first(entry.action_text.strip().rstrip(".")), due=due
        )
    verdict = _verdict(entry)
    extra = tpl.result.get(verdict, "") if verdict else ""
    return redact(" ".join(part for part in (sentence, extra) if part))


def _verdict(entry: LogEntry) -> str | None:
    if not entry.effect:
        return None
    head = entry.effect.split(":", 1)[0].strip().replace(" ", "_")
    return head if head in ("fell", "rose", "no_clear_change", "too_few") else None


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _date(value, what: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"{what} must be a date like 2024-04-01, got {value!r}") from None


def _in_period(entry: LogEntry, start: dt.date | None, end: dt.date | None) -> bool:
    touched = [entry.date_agreed] + ([entry.updated_at.date()] if entry.updated_at else [])
    return any((start is None or d >= start) and (end is None or d <= end) for d in touched)
