"""``complaint-insight share ...``: anonymised export for other organisations, and comparison with theirs.

share export themed.csv -o share.json [--taxonomy qdc] [--log learning.db] [--organisation NAME]
share compare ours.json theirs.json -o comparison.csv
share schema -o sharing_schema.json
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from complaint_insight.errors import InputError


def register(sub) -> None:
    parser = sub.add_parser(
        "share",
        help="anonymised export of themes, counts, quotes and actions; compare with another organisation",
        description="Anonymised sharing on a shared taxonomy (see docs/sharing.md). Quotes and free text are "
        "redacted by rules: read an export before sending it.",
    )
    commands = parser.add_subparsers(dest="share_command", metavar="SHARE_COMMAND", parser_class=type(parser))
    commands.required = True

    ex = commands.add_parser("export", help="write an anonymised JSON export from a themed, categorised table")
    ex.add_argument("input", metavar="INPUT", help="CSV, TSV, Parquet or JSON Lines with theme_id and categories")
    ex.add_argument("-o", "--output", required=True, metavar="JSON")
    ex.add_argument("--taxonomy", help="taxonomy id or YAML the categories come from (needed to compare)")
    ex.add_argument("--log", metavar="DB", help="learning log (SQLite): adds actions on the exported themes")
    ex.add_argument("--organisation", help="organisation name shown to the recipient")
    ex.add_argument("--text-column", default="text", help="complaint text for quotes (default: text)")
    ex.add_argument("--theme-column", default="theme_id")
    ex.add_argument("--label-column", default="theme_label")
    ex.add_argument("--categories-column", default="categories")
    ex.add_argument("--date-column", help="dates: the export states the period covered")
    ex.add_argument("--group-column", help="service/site column: category counts per group")
    ex.add_argument("--quotes", type=int, default=3, help="redacted quotes per theme (default 3; 0 for none)")
    ex.add_argument("--suppress-below", type=int, default=5, help="withhold counts under this (default 5)")
    ex.set_defaults(handler=_export)

    cmp = commands.add_parser("compare", help="line up their export against ours, per category")
    cmp.add_argument("ours", metavar="OURS.json")
    cmp.add_argument("theirs", metavar="THEIRS.json")
    cmp.add_argument("-o", "--output", required=True, metavar="OUTPUT", help="CSV, Parquet or JSON Lines")
    cmp.set_defaults(handler=_compare)

    sc = commands.add_parser("schema", help="print or write the JSON Schema of the export")
    sc.add_argument("-o", "--output", metavar="JSON")
    sc.set_defaults(handler=_schema)


def _export(args) -> int:
    from complaint_insight.io import read_table
    from complaint_insight.sharing import build_export, write_export

    if not Path(args.input).is_file():
        raise InputError(f"{args.input}: file not found")
    if Path(args.input).resolve() == Path(args.output).resolve():
        raise InputError("OUTPUT must be a different file from INPUT")
    if args.log and not Path(args.log).is_file():
        raise InputError(f"{args.log}: learning log not found")
    frame = read_table(args.input)
    export = build_export(
        frame,
        taxonomy=args.taxonomy,
        log=args.log,
        organisation=args.organisation,
        text_column=args.text_column if args.text_column in frame.columns else None,
        theme_column=args.theme_column,
        label_column=args.label_column,
        categories_column=args.categories_column,
        date_column=args.date_column,
        group_column=args.group_column,
        quotes_per_theme=args.quotes,
        suppress_below=args.suppress_below,
    )
    write_export(export, args.output)
    print(
        f"share export: {export.total_complaints} complaints, {len(export.themes)} themes, "
        f"{len(export.actions)} actions -> {args.output}",
        file=sys.stderr,
    )
    return 0


def _compare(args) -> int:
    from complaint_insight.io import write_table
    from complaint_insight.sharing import compare_exports, read_export

    table = compare_exports(read_export(args.ours), read_export(args.theirs))
    write_table(table, args.output)
    print(f"share compare: {len(table)} categories -> {args.output}", file=sys.stderr)
    return 0


def _schema(args) -> int:
    from complaint_insight.sharing import json_schema

    text = json.dumps(json_schema(), indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


__all__ = ["register"]
