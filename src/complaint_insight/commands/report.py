"""``complaint-insight report INPUT -o report.html [--json report.json] ...``: the learning report."""

from __future__ import annotations

from pathlib import Path

from complaint_insight.commands._common import parse_date_option


def register(sub) -> None:
    parser = sub.add_parser(
        "report",
        help="build the learning report (self-contained HTML, and JSON of the same figures)",
        description="Volumes and complaint rate over time, XmR charts with special-cause signals, top themes "
        "and categories, severity and red flags, new and growing themes, actions from the learning log, "
        "comparison across groups and experience surveys. Triage runs first when INPUT has no "
        "is_complaint/severity/red_flags columns. See docs/reports.md.",
    )
    parser.add_argument(
        "input", metavar="INPUT", help="CSV, TSV, Parquet or JSON Lines file of feedback rows"
    )
    parser.add_argument("-o", "--output", required=True, metavar="REPORT.html", help="HTML file to write")
    parser.add_argument("--json", default=None, metavar="REPORT.json", help="also write the figures as JSON")
    parser.add_argument(
        "--text-column", default="text", help="column holding the feedback text (default: text)"
    )
    parser.add_argument("--date-column", default=None, help="column of dates (default: 'date' when present)")
    parser.add_argument("--dayfirst", action="store_true", help="read 03/04/2025 as 3 April")
    parser.add_argument(
        "--group-column", default=None, help="column naming the organisation or service to compare"
    )
    parser.add_argument("--period", choices=("month", "quarter"), default="quarter", help="default: quarter")
    parser.add_argument(
        "--taxonomy",
        default=None,
        metavar="NAME_OR_FILE",
        help="categorise rows with this taxonomy when INPUT has no 'categories' column "
        "(e.g. qdc); also gives category names",
    )
    parser.add_argument(
        "--top", type=int, default=5, help="themes/categories given their own SPC chart (default 5)"
    )
    parser.add_argument(
        "--start", default=None, help="first day the data cover (YYYY-MM-DD; default: first date)"
    )
    parser.add_argument(
        "--end", default=None, help="last day the data cover (YYYY-MM-DD; default: last date)"
    )
    parser.add_argument(
        "--log", default=None, metavar="LEARNING.db", help="learning log (SQLite) to report actions from"
    )
    parser.add_argument("--surveys", default=None, metavar="SURVEYS.csv", help="experience survey responses")
    parser.add_argument(
        "--denominators",
        default=None,
        metavar="D.csv",
        help="group,period,count table (episodes, contacts...) for rates per 1,000",
    )
    parser.add_argument("--title", default="Complaints learning report")
    parser.add_argument("--no-quotes", action="store_true", help="leave complaint quotes out")
    parser.set_defaults(handler=run)


def run(args) -> int:
    import sys

    from complaint_insight.errors import InputError
    from complaint_insight.io import read_table, table_format
    from complaint_insight.reports import build_report, render_html

    out = Path(args.output)
    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"{args.output}: the report is HTML; give a .html file")
    for path in (args.output, args.json):
        if path is not None and not Path(path).resolve().parent.is_dir():
            raise InputError(f"{path}: folder {Path(path).parent} does not exist")
    if args.json is not None and Path(args.json).suffix.lower() != ".json":
        raise InputError(f"{args.json}: give a .json file for --json")
    if args.top < 1:
        raise InputError("--top must be at least 1")
    table_format(args.input)
    frame = read_table(args.input)
    surveys = _side_table(args.surveys, "--surveys")
    denominators = _side_table(args.denominators, "--denominators")
    report = build_report(
        frame,
        text_column=args.text_column,
        date_column=args.date_column,
        group_column=args.group_column,
        period=args.period,
        taxonomy=args.taxonomy,
        top_n=args.top,
        start=parse_date_option(args.start, "--start"),
        end=parse_date_option(args.end, "--end"),
        dayfirst=args.dayfirst,
        log=args.log,
        surveys=surveys,
        denominators=denominators,
        title=args.title,
        source=args.input,
        quotes=not args.no_quotes,
    )
    html = render_html(report)
    try:
        out.write_text(html, encoding="utf-8")
        if args.json is not None:
            Path(args.json).write_text(report.model_dump_json(indent=1), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the report: {exc.strerror or exc}") from None
    print(f"report: {report.rows} rows, {report.complaints} complaints -> {args.output}", file=sys.stderr)
    return 0


def _side_table(path: str | None, option: str):
    from complaint_insight.errors import InputError
    from complaint_insight.io import read_table

    if path is None:
        return None
    if not Path(path).is_file():
        raise InputError(f"{option} {path}: file not found")
    return read_table(path)
