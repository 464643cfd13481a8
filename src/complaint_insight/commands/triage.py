"""``complaint-insight triage INPUT -o OUTPUT --text-column text --id-column id [--model PATH]``"""
from __future__ import annotations

from functools import partial

from complaint_insight.commands._common import add_io_arguments, process_table


def register(sub) -> None:
    parser = sub.add_parser(
        "triage",
        help="is each row a complaint? (+ risk, cues and a staff prompt)",
        description="Add triage columns (is_complaint, complaint_probability, red_flags, severity, "
        "intensity, cues, prompt) to every row of INPUT, keeping all rows, columns and their order.",
    )
    add_io_arguments(parser)
    parser.add_argument("--model", default=None, help="classifier folder (default: the shipped model)")
    parser.add_argument("--threshold", type=float, default=None, help="probability threshold (default 0.5)")
    parser.add_argument("--policy", default=None, metavar="PATH",
                        help="policy YAML with your routes, timescales and prompt wording (merged over the defaults)")
    parser.add_argument("--patterns", default=None, metavar="DIR", help="folder of red-flag pattern files")
    parser.add_argument("--risk-model", default=None, metavar="DIR", help="risk model folder (default: the shipped model)")
    parser.add_argument("--jobs", type=int, default=-1,
                        help="worker processes for large inputs (default -1: all cores; 1: this process only)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from complaint_insight.errors import InputError
    from complaint_insight.triage import Triager

    if args.threshold is not None and not 0 <= args.threshold <= 1:
        raise InputError("--threshold must be between 0 and 1")
    if args.jobs == 0 or args.jobs < -1:
        raise InputError("--jobs must be -1 (all cores) or at least 1")
    triager = Triager(args.model, threshold=args.threshold, policy=args.policy, patterns=args.patterns,
                      risk_model=args.risk_model)
    process_table(
        args,
        # a partial of a bound method (not a lambda over ``args``) is what each worker task receives
        partial(triager.assess_frame, text_column=args.text_column, id_column=args.id_column),
        desc="triage",
        jobs=args.jobs,
        task_rows=Triager.MIN_ROWS_PER_JOB,
    )
    return 0
