"""``complaint-insight categorise INPUT -o OUTPUT --taxonomy NAME_OR_FILE --text-column text``"""
from __future__ import annotations

from complaint_insight.commands._common import add_engine_arguments, add_io_arguments, run_spec


def register(sub) -> None:
    parser = sub.add_parser(
        "categorise",
        help="assign taxonomy categories (HCAT, QDC, your own file) to each row",
        description="Add 'categories' (';'-joined ids, most probable first), 'category_status' and one "
        "probability column p_<category id> per category to every row of INPUT, keeping all rows, columns "
        "and their order. Built-in taxonomies use their shipped trained model when there is one; any other "
        "taxonomy file works zero-shot from its descriptions and examples.",
    )
    add_io_arguments(parser)
    parser.add_argument(
        "--taxonomy",
        default=None,
        metavar="NAME_OR_FILE",
        help="built-in name (hcat, qdc, uk_public_services, retail) or a .yaml/.json taxonomy file; "
        "optional with --model",
    )
    parser.add_argument("--model", default=None, help="a categoriser folder saved with Categoriser.save")
    parser.add_argument("--zero-shot", action="store_true", help="ignore the shipped trained model of a built-in")
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="one probability threshold for every category (default: each category's own, saved with the model)",
    )
    parser.add_argument(
        "--severity-column",
        default=None,
        help="column of overall HCAT severity 0-3 per row (e.g. triage output 'severity'); adds severity_<id> "
        "for each assigned category",
    )
    parser.add_argument(
        "--theme-column",
        default=None,
        help="column of theme ids (e.g. from the themes step); with --theme-map-out, writes how each theme "
        "spreads over the categories",
    )
    parser.add_argument(
        "--theme-map-out",
        default=None,
        metavar="FILE",
        help="write the theme -> category table (n, share of theme, lift, dominant) to FILE (.csv/.parquet/.jsonl)",
    )
    add_engine_arguments(parser)
    parser.set_defaults(handler=run)


def run(args) -> int:
    from complaint_insight.errors import InputError
    from complaint_insight.scale.functions import CategoriseFunction
    from complaint_insight.taxonomy import load_taxonomy

    if args.taxonomy is None and args.model is None:
        raise InputError("give --taxonomy NAME_OR_FILE (or --model FOLDER)")
    if args.threshold is not None and not 0 <= args.threshold <= 1:
        raise InputError("--threshold must be between 0 and 1")
    if args.model is not None and args.zero_shot:
        raise InputError("--zero-shot and --model exclude each other")
    if (args.theme_column is None) != (args.theme_map_out is None):
        raise InputError("--theme-column and --theme-map-out go together")
    if args.theme_map_out is not None:
        from pathlib import Path

        from complaint_insight.io import table_format

        table_format(args.theme_map_out)  # unsupported extension: fail before the long run
        if Path(args.theme_map_out).resolve() in {Path(args.input).resolve(), Path(args.output).resolve()}:
            raise InputError("--theme-map-out must be a different file from INPUT and OUTPUT")
    spec = CategoriseFunction(taxonomy=args.taxonomy, text_column=args.text_column, id_column=args.id_column,
                              model_path=args.model, zero_shot=args.zero_shot, threshold=args.threshold,
                              severity_column=args.severity_column)
    categoriser = spec.model()  # loaded once here; the engine reuses it in this process
    if args.model is not None and args.taxonomy is not None:
        wanted = load_taxonomy(args.taxonomy).id
        if categoriser.taxonomy_.id != wanted:
            raise InputError(f"--model holds a {categoriser.taxonomy_.id!r} categoriser, not {wanted!r}")
    if args.theme_column is not None:
        from complaint_insight.io import iter_table

        header = next(iter_table(args.input, chunksize=1), None)
        if header is not None and args.theme_column not in header.columns:
            raise InputError(
                f"{args.input}: theme column {args.theme_column!r} not found; columns are: "
                + ", ".join(map(str, header.columns))
            )
    run_spec(args, spec)
    if args.theme_map_out is not None:
        # Read back only the two columns the map needs from OUTPUT, whichever engine wrote it.
        from complaint_insight.io import iter_table, write_table
        from complaint_insight.taxonomy.themes import map_themes_to_categories

        themes: list = []
        categories: list = []
        for chunk in iter_table(args.output):
            themes.extend(chunk[args.theme_column].tolist())
            categories.extend(chunk["categories"].tolist())
        mapping = map_themes_to_categories(themes, categories, list(categoriser.classes_), taxonomy=categoriser.taxonomy_)
        write_table(mapping, args.theme_map_out, csv_formula_guard=not args.no_formula_guard)
    return 0
