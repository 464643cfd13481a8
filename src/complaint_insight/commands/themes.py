"""``complaint-insight themes INPUT -o OUTPUT --text-column text [--n-themes K] ...``

Fits themes on INPUT (or assigns them with a saved model, ``--model``) and writes every input row
and column, in order, plus ``theme_id``, ``theme_label``, ``theme_distance`` and ``theme_status``.

A full fit holds INPUT in memory. Assigning with ``--model``, and ``--fit-sample N`` (fit on a uniform
sample of N rows drawn in one streamed pass, then assign every row), run on the scale engines
(streaming or Dask, resumable) like ``triage`` and ``categorise``; those outputs also carry
``processing_error``.
"""
from __future__ import annotations

import sys

from complaint_insight.commands._common import add_engine_arguments, add_io_arguments

THEME_COLUMNS = ("theme_id", "theme_label", "theme_distance", "theme_status")


def register(sub) -> None:
    parser = sub.add_parser(
        "themes",
        help="discover named themes (or assign saved ones) and add theme_id/theme_label to each row",
        description="Add theme_id, theme_label, theme_distance and theme_status to every row of INPUT, keeping "
        "all rows, columns and their order. Without --n-themes the number of themes is chosen automatically "
        "and the choice is explained on stderr. With --model, themes saved earlier are assigned instead of "
        "fitted (rows that fit none are 'unassigned'). With --model or --fit-sample, rows are streamed "
        "(--engine, --resume apply); a full fit holds INPUT in memory.",
    )
    add_io_arguments(parser)
    parser.add_argument("--n-themes", type=int, default=None, metavar="K", help="number of themes (default: automatic)")
    parser.add_argument("--min-themes", type=int, default=5, help="smallest automatic number of themes (default 5)")
    parser.add_argument("--max-themes", type=int, default=40, help="largest automatic number of themes (default 40)")
    parser.add_argument("--granularity", type=float, default=0.75, metavar="T",
                        help="automatic choice: the most themes scoring at least T x the best silhouette "
                        "(default 0.75; lower gives more, finer themes)")
    parser.add_argument("--embedder", default="static", help="'static' (default), 'minilm' or a model folder")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--model", default=None, metavar="DIR", help="assign with a saved theme model instead of fitting")
    parser.add_argument("--fit-sample", type=int, default=None, metavar="N",
                        help="for data larger than memory: fit on a uniform random sample of N rows (one streamed "
                        "pass, seeded), then assign every row streamed; themes rarer than about 1/N may be missed")
    parser.add_argument("--save-model", default=None, metavar="DIR", help="save the fitted theme model to DIR")
    parser.add_argument("--themes-out", default=None, metavar="FILE", help="write the themes (labels, key phrases, "
                        "sizes, quotes) as JSON")
    parser.add_argument("--date-column", default=None, help="also write theme counts/rates per period to "
                        "OUTPUT's stem + '.over_time.csv'")
    parser.add_argument("--period", default="month", choices=("week", "month", "quarter"), help="period for "
                        "--date-column (default month)")
    parser.add_argument("--group-column", default=None, help="also write theme counts/rates per group to "
                        "OUTPUT's stem + '.by_group.csv'")
    add_engine_arguments(parser)
    parser.set_defaults(handler=run)


def run(args) -> int:
    import json
    import tempfile
    from pathlib import Path

    from complaint_insight.commands._common import check_paths
    from complaint_insight.errors import InputError

    check_paths(args)
    if args.n_themes is not None and args.n_themes < 1:
        raise InputError("--n-themes must be at least 1")
    if not 0 < args.granularity <= 1:
        raise InputError("--granularity must be in (0, 1]")
    if args.model and args.n_themes is not None:
        raise InputError("--model assigns saved themes; --n-themes only applies when fitting")
    if args.model and args.fit_sample is not None:
        raise InputError("--model assigns saved themes; --fit-sample only applies when fitting")
    if args.fit_sample is not None and args.fit_sample < 2:
        raise InputError("--fit-sample must be at least 2")
    streamed = bool(args.model) or args.fit_sample is not None
    if not streamed and (args.engine != "stream" or args.resume or args.workers is not None or args.scheduler):
        raise InputError("--engine, --workers, --scheduler and --resume apply when assigning (--model) or fitting "
                         "on a sample (--fit-sample); a full fit holds INPUT in memory")
    if args.fit_sample is not None and not args.save_model and (args.resume or args.scheduler):
        raise InputError("--fit-sample with --resume or --scheduler needs --save-model DIR (a path the "
                         "resumed run / the cluster's workers can read)")
    if not streamed:
        model, out = _fit_in_memory(args)
    else:
        _check_header(args)
        with tempfile.TemporaryDirectory(prefix="themes-model-") as scratch:
            model, out = _streamed(args, scratch)
    if args.themes_out:
        Path(args.themes_out).write_text(json.dumps(model.to_dict(), indent=2, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    _trends(args, out)
    if not args.quiet:
        if not streamed:
            status = out["theme_status"].value_counts().to_dict()
            print(f"themes: {len(out)} rows, {len(model.themes_)} themes, "
                  f"{status.get('unassigned', 0)} unassigned, {status.get('empty', 0)} empty -> {args.output}",
                  file=sys.stderr)
        sizes = "sample rows" if args.fit_sample is not None else "rows when fitted"
        print(f"  theme  size ({sizes})  label", file=sys.stderr)
        for t in model.themes_:
            print(f"  {t.id}  {t.size:>7}  {t.label}", file=sys.stderr)
    return 0


def _fit_in_memory(args):
    import pandas as pd

    from complaint_insight.commands._common import require_columns
    from complaint_insight.errors import InputError
    from complaint_insight.io import read_table, write_table

    frame = read_table(args.input)
    require_columns(frame, args.input, text_column=args.text_column, id_column=args.id_column,
                    date_column=args.date_column, group_column=args.group_column)
    model = _new_model(args).fit(frame)
    assigned = model.fitted_assignments(frame.index)
    if args.n_themes is None and not args.quiet:
        print(f"themes: {model.selection_.explanation}", file=sys.stderr)
    added = [c for c in assigned.columns if c in frame.columns]
    if added:
        raise InputError(f"{args.input} already has column(s) {', '.join(added)}; rename them first")
    out = pd.concat([frame, assigned], axis=1)
    write_table(out, args.output, csv_formula_guard=not args.no_formula_guard)
    if args.save_model:
        model.save(args.save_model)
    return model, out


def _new_model(args):
    from complaint_insight.themes import ThemeModel

    return ThemeModel(args.n_themes, embedder=args.embedder, min_themes=args.min_themes, max_themes=args.max_themes,
                      selection_tolerance=args.granularity, text_column=args.text_column, random_state=args.seed)


def _check_header(args) -> None:
    """Columns are checked on the first rows, before a long run (the engines read the rest)."""
    from complaint_insight.commands._common import require_columns
    from complaint_insight.errors import InputError
    from complaint_insight.io import iter_table

    header = next(iter_table(args.input, chunksize=1), None)
    if header is None:
        return
    require_columns(header, args.input, text_column=args.text_column, id_column=args.id_column,
                    date_column=args.date_column, group_column=args.group_column)
    added = [c for c in THEME_COLUMNS if c in header.columns]
    if added:
        raise InputError(f"{args.input} already has column(s) {', '.join(added)}; rename them first")


def _streamed(args, scratch: str):
    """Assign (after fitting on a sample with --fit-sample) on the scale engines; return the model and
    the output's columns that the trend tables need, read back from OUTPUT."""
    from pathlib import Path

    import pandas as pd

    from complaint_insight.commands._common import run_spec
    from complaint_insight.io import iter_table
    from complaint_insight.scale.functions import ThemeAssignFunction

    folder = args.model
    if args.fit_sample is not None:
        from complaint_insight.scale.incremental_fit import reservoir_sample

        # One pass, memory for N rows; seeded, so the same command draws the same sample.
        sample = reservoir_sample(iter_table(args.input, chunksize=args.chunk_size), args.fit_sample,
                                  random_state=args.seed, row_number_column="__row_number__")
        model = _new_model(args).fit(sample[[args.text_column]] if len(sample) else sample)
        if args.n_themes is None and not args.quiet:
            print(f"themes: fitted on a sample of {len(sample)} rows; {model.selection_.explanation}", file=sys.stderr)
        folder = args.save_model or str(Path(scratch) / "model")
        model.save(folder)
    spec = ThemeAssignFunction(model_path=folder, text_column=args.text_column, id_column=args.id_column)
    model = spec.model()  # loaded here: a bad model is a one-line error before any work starts
    run_spec(args, spec)
    wanted = [c for c in dict.fromkeys([args.date_column, args.group_column]) if c]
    if not wanted:
        return model, None
    columns = [*wanted, "theme_id", "theme_label"]
    parts = [chunk[columns] for chunk in iter_table(args.output, chunksize=max(args.chunk_size, 50_000))]
    return model, pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def _trends(args, out) -> None:
    from pathlib import Path

    from complaint_insight.io import write_table
    from complaint_insight.themes.trends import themes_by_group, themes_over_time

    stem = Path(args.output).with_suffix("")
    if args.date_column:
        trend = themes_over_time(out, args.date_column, period=args.period)
        write_table(trend, f"{stem}.over_time.csv", csv_formula_guard=not args.no_formula_guard)
    if args.group_column:
        write_table(themes_by_group(out, args.group_column), f"{stem}.by_group.csv",
                    csv_formula_guard=not args.no_formula_guard)
