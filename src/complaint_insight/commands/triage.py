"""``complaint-insight triage INPUT -o OUTPUT --text-column text --id-column id [--model PATH]``"""
from __future__ import annotations

from complaint_insight.commands._common import add_engine_arguments, add_io_arguments, run_spec


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
    add_engine_arguments(parser)
    parser.set_defaults(jobs=-1)  # triage is CPU-bound: use every core unless told otherwise
    parser.set_defaults(handler=run)


def run(args) -> int:
    from complaint_insight.errors import InputError
    from complaint_insight.scale.functions import TriageFunction
    from complaint_insight.triage.triager import Triager

    if args.threshold is not None and not 0 <= args.threshold <= 1:
        raise InputError("--threshold must be between 0 and 1")
    spec = TriageFunction(text_column=args.text_column, id_column=args.id_column, model_path=args.model,
                          threshold=args.threshold, policy=args.policy, patterns=args.patterns,
                          risk_model=args.risk_model)
    spec.model()  # load here: a bad model or policy is a one-line error before any work starts
    run_spec(args, spec, task_rows=Triager.MIN_ROWS_PER_JOB)
    return 0
