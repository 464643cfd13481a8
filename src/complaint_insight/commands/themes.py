"""``complaint-insight themes INPUT -o OUTPUT --text-column text [--n-themes K] ...``

Fits themes on INPUT (or assigns them with a saved model, ``--model``) and writes every input row
and column, in order, plus ``theme_id``, ``theme_label``, ``theme_distance`` and ``theme_status``.
"""
from __future__ import annotations

import sys


def register(sub) -> None:
    parser = sub.add_parser(
        "themes",
        help="discover named themes (or assign saved ones) and add theme_id/theme_label to each row",
        description="Add theme_id, theme_label, theme_distance and theme_status to every row of INPUT, keeping "
        "all rows, columns and their order. Without --n-themes the number of themes is chosen automatically "
        "and the choice is explained on stderr. With --model, themes saved earlier are assigned instead of "
        "fitted (rows that fit none are 'unassigned').",
    )
    parser.add_argument("input", metavar="INPUT", help="CSV, TSV, Parquet or JSON Lines file")
    parser.add_argument("-o", "--output", required=True, metavar="OUTPUT", help="output file; format from extension")
    parser.add_argument("--text-column", default="text", help="column holding the feedback text (default: text)")
    parser.add_argument("--n-themes", type=int, default=None, metavar="K", help="number of themes (default: automatic)")
    parser.add_argument("--min-themes", type=int, default=5, help="smallest automatic number of themes (default 5)")
    parser.add_argument("--max-themes", type=int, default=40, help="largest automatic number of themes (default 40)")
    parser.add_argument("--granularity", type=float, default=0.75, metavar="T",
                        help="automatic choice: the most themes scoring at least T x the best silhouette "
                        "(default 0.75; lower gives more, finer themes)")
    parser.add_argument("--embedder", default="static", help="'static' (default), 'minilm' or a model folder")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--model", default=None, metavar="DIR", help="assign with a saved theme model instead of fitting")
    parser.add_argument("--save-model", default=None, metavar="DIR", help="save the fitted theme model to DIR")
    parser.add_argument("--themes-out", default=None, metavar="FILE", help="write the themes (labels, key phrases, "
                        "sizes, quotes) as JSON")
    parser.add_argument("--date-column", default=None, help="also write theme counts/rates per period to "
                        "OUTPUT's stem + '.over_time.csv'")
    parser.add_argument("--period", default="month", choices=("week", "month", "quarter"), help="period for "
                        "--date-column (default month)")
    parser.add_argument("--group-column", default=None, help="also write theme counts/rates per group to "
                        "OUTPUT's stem + '.by_group.csv'")
    parser.add_argument("--quiet", action="store_true", help="no summary on stderr")
    parser.add_argument("--no-formula-guard", action="store_true",
                        help="write CSV cells starting with = + - @ as they are (default: prefix a ')")
    parser.set_defaults(handler=run)


def run(args) -> int:
    import json
    from pathlib import Path

    import pandas as pd

    from complaint_insight.commands._common import require_columns
    from complaint_insight.errors import InputError
    from complaint_insight.io import read_table, table_format, write_table
    from complaint_insight.themes import ThemeModel, load_theme_model
    from complaint_insight.themes.trends import themes_by_group, themes_over_time

    table_format(args.input)
    table_format(args.output)
    if not Path(args.input).is_file():
        raise InputError(f"{args.input}: file not found")
    if Path(args.input).resolve() == Path(args.output).resolve():
        raise InputError("OUTPUT must be a different file from INPUT")
    if args.n_themes is not None and args.n_themes < 1:
        raise InputError("--n-themes must be at least 1")
    if not 0 < args.granularity <= 1:
        raise InputError("--granularity must be in (0, 1]")
    if args.model and args.n_themes is not None:
        raise InputError("--model assigns saved themes; --n-themes only applies when fitting")
    frame = read_table(args.input)
    require_columns(frame, args.input, text_column=args.text_column, date_column=args.date_column,
                    group_column=args.group_column)
    if args.model:
        model = load_theme_model(args.model)
        model.text_column = args.text_column
        assigned = model.assign(frame)
    else:
        model = ThemeModel(args.n_themes, embedder=args.embedder, min_themes=args.min_themes,
                           max_themes=args.max_themes, selection_tolerance=args.granularity,
                           text_column=args.text_column, random_state=args.seed)
        model.fit(frame)
        assigned = model.fitted_assignments(frame.index)
        if args.n_themes is None and not args.quiet:
            print(f"themes: {model.selection_.explanation}", file=sys.stderr)
    added = [c for c in assigned.columns if c in frame.columns]
    if added:
        raise InputError(f"{args.input} already has column(s) {', '.join(added)}; rename them first")
    out = pd.concat([frame, assigned], axis=1)
    write_table(out, args.output, csv_formula_guard=not args.no_formula_guard)
    if args.save_model and not args.model:
        model.save(args.save_model)
    if args.themes_out:
        Path(args.themes_out).write_text(json.dumps(model.to_dict(), indent=2, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    stem = Path(args.output).with_suffix("")
    if args.date_column:
        trend = themes_over_time(out, args.date_column, period=args.period)
        write_table(trend, f"{stem}.over_time.csv", csv_formula_guard=not args.no_formula_guard)
    if args.group_column:
        write_table(themes_by_group(out, args.group_column), f"{stem}.by_group.csv",
                    csv_formula_guard=not args.no_formula_guard)
    if not args.quiet:
        status = out["theme_status"].value_counts().to_dict()
        print(f"themes: {len(out)} rows, {len(model.themes_)} themes, "
              f"{status.get('unassigned', 0)} unassigned, {status.get('empty', 0)} empty -> {args.output}",
              file=sys.stderr)
        for t in model.themes_:
            print(f"  {t.id}  {t.size:>7}  {t.label}", file=sys.stderr)
    return 0
