"""``complaint-insight actions ...``: suggest improvement actions, keep the learning log, measure impact.

actions suggest --text "..." | --theme waiting_times | --category hcat:institutional_waiting_times
actions log add|list|update --db learning_log.sqlite ...
actions impact complaints.csv --db learning_log.sqlite --entry 3
actions you-said-we-did --db learning_log.sqlite --since 2024-01-01
actions library validate our_actions.yaml
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from complaint_insight.commands._common import parse_date_option
from complaint_insight.errors import InputError

FORMATS = ("text", "json")


def register(sub) -> None:
    parser = sub.add_parser(
        "actions",
        help="suggest improvement actions, keep the learning log, measure impact",
        description="Improvement actions and the learning log (see docs/actions.md).",
    )
    commands = parser.add_subparsers(
        dest="actions_command", metavar="ACTION_COMMAND", parser_class=type(parser)
    )
    commands.required = True
    _register_suggest(commands)
    _register_log(commands)
    _register_impact(commands)
    _register_publish(commands)
    _register_library(commands)


# -- suggest ---------------------------------------------------------------------------------------
def _register_suggest(commands) -> None:
    p = commands.add_parser(
        "suggest",
        help="ranked improvement actions for a complaint, a theme or a category",
        description="Ranked actions with why they fit, the usual owner and their RCA2 strength. "
        "Past actions from --log on similar themes come first.",
    )
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--text", help="one complaint")
    what.add_argument(
        "--theme",
        help="a built-in theme id (e.g. waiting_times), a theme id or label from --themes, or a free label",
    )
    what.add_argument("--category", help="taxonomy:category_id, e.g. qdc:discharge")
    p.add_argument(
        "--themes", metavar="JSON", help="themes file from the themes command (looked up by --theme)"
    )
    p.add_argument("-k", "--k", type=int, default=3, help="how many actions (default 3)")
    p.add_argument(
        "--log", metavar="DB", help="learning log (SQLite file): past actions on similar themes first"
    )
    p.add_argument(
        "--library",
        action="append",
        default=[],
        metavar="YAML",
        help="your organisation's action file (repeatable)",
    )
    p.add_argument("--format", choices=FORMATS, default="text")
    p.set_defaults(handler=_suggest)


def _suggest(args) -> int:
    from complaint_insight.actions import ActionSuggester, load_library

    suggester = ActionSuggester(load_library(args.library)) if args.library else None
    theme: Any = args.theme
    if args.theme is not None and args.themes:
        theme = _find_theme(args.themes, args.theme)
    elif args.themes:
        raise InputError("--themes is only used with --theme")
    from complaint_insight.actions import suggest_actions

    results = suggest_actions(
        args.text, theme=theme, category=args.category, k=args.k, log=args.log, suggester=suggester
    )
    if args.format == "json":
        _print_json([r.to_dict() for r in results])
        return 0
    if not results:
        print("No action in the library fits this input well enough. Try --theme or --category.")
        return 0
    for r in results:
        source = "your learning log" if r.source == "learning_log" else f"library {r.library}"
        strength = r.strength or "strength unknown"
        print(f"{r.rank}. [{strength}] {r.text}")
        print(
            f"   owner: {r.owner or '-'} | RCA2: {r.action_type or '-'} | from {source}"
            + (f" ({r.action_id})" if r.action_id else "")
        )
        print(f"   why: {r.why}")
        if r.measure:
            print(f"   measure: {r.measure}")
    return 0


def _find_theme(path: str, wanted: str) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a JSON file ({exc})") from None
    themes = data.get("themes") if isinstance(data, dict) else data
    if not isinstance(themes, list):
        raise InputError(f"{path}: expected a list of themes or an object with a 'themes' list")
    for theme in themes:
        if not isinstance(theme, dict):
            continue
        if (
            wanted in (str(theme.get("theme_id", "")), str(theme.get("id", "")))
            or wanted.lower() == str(theme.get("label", "")).lower()
        ):
            return theme
    raise InputError(f"theme {wanted!r} not found in {path}")


# -- learning log ----------------------------------------------------------------------------------
def _register_log(commands) -> None:
    p = commands.add_parser(
        "log", help="record and review actions taken against themes", description="The learning log."
    )
    ops = p.add_subparsers(dest="log_command", metavar="LOG_COMMAND", parser_class=type(p))
    ops.required = True

    add = ops.add_parser("add", help="record an action agreed against a theme")
    add.add_argument("--db", required=True, help="learning log SQLite file (created if missing)")
    add.add_argument(
        "--theme-id", required=True, help="theme id (built-in theme, themes model id, or your own)"
    )
    add.add_argument(
        "--theme-label", help="theme label as it should read in reports (default: the built-in theme's label)"
    )
    add.add_argument("--action-id", help="library action id (fills in the text and owner)")
    add.add_argument("--action-text", help="what was agreed (required without --action-id)")
    add.add_argument("--owner", help="the owning role, e.g. 'ward manager' (not a person's name)")
    add.add_argument("--agreed", default=None, help="date agreed, YYYY-MM-DD (default today)")
    add.add_argument("--due", help="due date, YYYY-MM-DD")
    add.add_argument(
        "--status", default="planned", help="planned, in_progress, done or abandoned (default planned)"
    )
    add.add_argument("--evidence", help="what shows it was done (internal, never published)")
    add.add_argument("--public-summary", help="one plain-English sentence for 'you said, we did'")
    add.add_argument(
        "--library", action="append", default=[], metavar="YAML", help="your organisation's action file"
    )
    add.add_argument("--format", choices=FORMATS, default="text")
    add.set_defaults(handler=_log_add)

    ls = ops.add_parser("list", help="list entries")
    ls.add_argument("--db", required=True)
    ls.add_argument("--theme-id")
    ls.add_argument("--status", nargs="+", help="only these statuses")
    ls.add_argument("--format", choices=(*FORMATS, "csv"), default="text")
    ls.set_defaults(handler=_log_list)

    up = ops.add_parser("update", help="change an entry (status, evidence, due date ...)")
    up.add_argument("--db", required=True)
    up.add_argument("id", type=int, help="entry id (see 'log list')")
    up.add_argument("--status")
    up.add_argument("--evidence")
    up.add_argument("--due")
    up.add_argument("--owner")
    up.add_argument("--action-text")
    up.add_argument("--theme-label")
    up.add_argument("--public-summary")
    up.add_argument("--format", choices=FORMATS, default="text")
    up.set_defaults(handler=_log_update)


def _open_log(path: str, *, create: bool):
    from complaint_insight.actions import SQLiteLearningLog

    return SQLiteLearningLog(path, create=create)


def _log_add(args) -> int:
    from pydantic import ValidationError

    from complaint_insight.actions import LogEntry, load_library

    library = load_library(args.library)
    action = None
    if args.action_id:
        action = library.actions.get(args.action_id)
        if action is None:
            raise InputError(
                f"unknown action id {args.action_id!r}; see 'complaint-insight actions library list'"
            )
    text = args.action_text or (action.text if action else None)
    if not text:
        raise InputError("give --action-text or --action-id")
    owner = args.owner or (action.owner if action else None)
    if not owner:
        raise InputError("give --owner (a role, e.g. 'ward manager')")
    label = args.theme_label or (
        library.themes[args.theme_id].label if args.theme_id in library.themes else None
    )
    if not label:
        raise InputError("give --theme-label (the theme id is not a built-in theme)")
    try:
        entry = LogEntry(
            theme_id=args.theme_id,
            theme_label=label,
            action_id=args.action_id,
            action_text=" ".join(text.split()),
            owner=owner,
            date_agreed=parse_date_option(args.agreed, "--agreed") or dt.date.today(),
            due_date=parse_date_option(args.due, "--due"),
            status=args.status,
            evidence=args.evidence,
            public_summary=args.public_summary,
        )
    except ValidationError as exc:
        raise InputError(_validation_message(exc)) from None
    stored = _open_log(args.db, create=True).add(entry)
    _show_entries([stored], args.format)
    return 0


def _log_list(args) -> int:
    entries = _open_log(args.db, create=False).entries(theme_id=args.theme_id, status=args.status)
    _show_entries(entries, args.format)
    return 0


def _log_update(args) -> int:
    from complaint_insight.actions import EntryNotFound

    changes = {
        field: getattr(args, field)
        for field in ("status", "evidence", "owner", "action_text", "theme_label", "public_summary")
        if getattr(args, field) is not None
    }
    if args.due is not None:
        changes["due_date"] = parse_date_option(args.due, "--due")
    if not changes:
        raise InputError(
            "nothing to change: give --status, --evidence, --due, --owner, --action-text, --theme-label or --public-summary"
        )
    try:
        entry = _open_log(args.db, create=False).update(args.id, **changes)
    except EntryNotFound as exc:
        raise InputError(str(exc)) from None
    _show_entries([entry], args.format)
    return 0


def _show_entries(entries, fmt: str) -> None:
    if fmt == "json":
        _print_json([e.to_dict() for e in entries])
        return
    if fmt == "csv":
        import pandas as pd

        from complaint_insight.io import neutralise_formula

        frame = pd.DataFrame([e.to_dict() for e in entries])
        frame = frame.apply(lambda col: col.map(neutralise_formula)) if len(frame) else frame
        frame.to_csv(sys.stdout, index=False)
        return
    if not entries:
        print("(no entries)")
    for e in entries:
        due = f", due {e.due_date}" if e.due_date else ""
        print(f"#{e.id} [{e.status}] {e.theme_label} ({e.theme_id}): {e.action_text}")
        print(
            f"    owner: {e.owner}; agreed {e.date_agreed}{due}"
            + (f"; effect: {e.effect}" if e.effect else "")
        )


# -- impact ----------------------------------------------------------------------------------------
def _register_impact(commands) -> None:
    p = commands.add_parser(
        "impact",
        help="did complaints on a theme fall after an action? (before/after test)",
        description="Compare complaints on a theme before and after an action date. INPUT has one row per "
        "complaint with a date and a theme id column. Before/after is not proof of cause.",
    )
    p.add_argument("input", metavar="INPUT", help="CSV, TSV, Parquet or JSON Lines file")
    p.add_argument("--db", help="learning log: with --entry, takes the theme and date from the entry")
    p.add_argument("--entry", type=int, help="learning-log entry id")
    p.add_argument("--theme", help="theme id (instead of --entry)")
    p.add_argument("--action-date", help="YYYY-MM-DD (instead of --entry)")
    p.add_argument("--date-column", default="date")
    p.add_argument("--theme-column", default="theme_id")
    p.add_argument("--period", choices=("week", "month", "quarter"), default="month")
    p.add_argument(
        "--share", action="store_true", help="compare the theme's share of all complaints instead of its rate"
    )
    p.add_argument(
        "--lag-days", type=int, default=0, help="days after the action left out while it takes effect"
    )
    p.add_argument("--window-days", type=int, help="compare at most this many days on each side")
    p.add_argument(
        "--min-count", type=int, default=10, help="fewer complaints than this: 'too few to tell' (default 10)"
    )
    p.add_argument("--dayfirst", action="store_true", help="read 03/04/2024 as 3 April")
    p.add_argument("--record", action="store_true", help="store the measured effect on the --entry")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.set_defaults(handler=_impact)


def _impact(args) -> int:
    from complaint_insight.actions import EntryNotFound, measure_impact, record_impact
    from complaint_insight.io import read_table

    log = entry = None
    if args.entry is not None:
        if not args.db:
            raise InputError("--entry needs --db")
        log = _open_log(args.db, create=False)
        try:
            entry = log.get(args.entry)
        except EntryNotFound as exc:
            raise InputError(str(exc)) from None
    elif args.record:
        raise InputError("--record needs --entry and --db")
    theme = args.theme or (entry.theme_id if entry else None)
    action_date = args.action_date or (entry.date_agreed if entry else None)
    if theme is None or action_date is None:
        raise InputError("give --entry (with --db), or --theme and --action-date")
    if not Path(args.input).is_file():
        raise InputError(f"{args.input}: file not found")
    frame = read_table(args.input)
    result = measure_impact(
        frame,
        theme=theme,
        action_date=action_date,
        date_column=args.date_column,
        theme_column=args.theme_column,
        period=args.period,
        share=args.share,
        lag_days=args.lag_days,
        window_days=args.window_days,
        min_count=args.min_count,
        dayfirst=args.dayfirst,
    )
    if args.record:
        record_impact(log, args.entry, result)
    if args.format == "json":
        _print_json(result.to_dict())
        return 0
    print(result.summary)
    ratio = "-" if result.ratio is None else f"{result.ratio:.2f}"
    ci = (
        ""
        if result.ci_low is None
        else f" (95% CI {result.ci_low:.2f} to {'-' if result.ci_high is None else f'{result.ci_high:.2f}'})"
    )
    print(f"ratio after/before: {ratio}{ci}; test: {result.test}")
    print("caveats:")
    for caveat in result.caveats:
        print(f"  - {caveat}")
    if args.record:
        print(f"recorded on entry #{args.entry}")
    return 0


# -- you said, we did ------------------------------------------------------------------------------
def _register_publish(commands) -> None:
    p = commands.add_parser(
        "you-said-we-did",
        help="plain-English 'you said, we did' summary from the learning log",
        description="A summary for publication: themes and actions only (no owners, evidence or personal data). "
        "Read it before publishing.",
    )
    p.add_argument("--db", required=True)
    p.add_argument("--since", help="entries agreed or updated on/after this date")
    p.add_argument("--until", help="entries agreed or updated on/before this date")
    p.add_argument(
        "--status",
        nargs="+",
        default=["done", "in_progress"],
        help="statuses to include (default done in_progress)",
    )
    p.add_argument("--templates", help="your own templates YAML (default: the shipped wording)")
    p.add_argument("--plain", action="store_true", help="plain text instead of Markdown")
    p.add_argument("-o", "--output", help="write to this file instead of the screen")
    p.set_defaults(handler=_publish)


def _publish(args) -> int:
    from complaint_insight.actions import you_said_we_did

    log = _open_log(args.db, create=False)
    text = you_said_we_did(
        log,
        since=args.since,
        until=args.until,
        statuses=args.status,
        templates=args.templates,
        markdown=not args.plain,
    )
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"you said, we did -> {args.output}", file=sys.stderr)
    else:
        print(text)
    return 0


# -- library ---------------------------------------------------------------------------------------
def _register_library(commands) -> None:
    p = commands.add_parser(
        "library", help="check or list the action library", description="The action library."
    )
    ops = p.add_subparsers(dest="library_command", metavar="LIBRARY_COMMAND", parser_class=type(p))
    ops.required = True
    check = ops.add_parser(
        "validate", help="check your organisation's action files (with the built-in library)"
    )
    check.add_argument("files", nargs="+", metavar="YAML")
    check.set_defaults(handler=_library_validate)
    ls = ops.add_parser("list", help="list actions")
    ls.add_argument("--library", action="append", default=[], metavar="YAML")
    ls.add_argument("--theme", help="only actions for this built-in theme id")
    ls.add_argument("--format", choices=FORMATS, default="text")
    ls.set_defaults(handler=_library_list)


def _library_validate(args) -> int:
    from complaint_insight.actions import load_library

    library = load_library(args.files)
    print(f"ok: {len(library.actions)} actions, {len(library.themes)} themes ({library.versions()})")
    return 0


def _library_list(args) -> int:
    from complaint_insight.actions import load_library

    library = load_library(args.library)
    if args.theme is not None and args.theme not in library.themes:
        raise InputError(f"unknown theme {args.theme!r}; themes: {', '.join(library.themes)}")
    actions = [a for a in library.actions.values() if args.theme is None or args.theme in a.applies_to.themes]
    if args.format == "json":
        _print_json([a.model_dump(mode="json") for a in actions])
        return 0
    for a in actions:
        print(f"{a.id} [{a.strength}] owner: {a.owner}\n    {a.text}")
    return 0


# -- helpers ---------------------------------------------------------------------------------------
def _validation_message(exc) -> str:
    error = exc.errors()[0]
    field = ".".join(str(p) for p in error["loc"]) or "entry"
    return f"{field}: {error['msg'].removeprefix('Value error, ')}"


def _print_json(data) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


__all__ = ["register"]
