"""The ``complaint-insight`` command line: one sub-command per job.

User mistakes (missing column, unreadable file, bad option) end with one line on stderr and a
non-zero exit status; only bugs produce a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from complaint_insight import __version__

# Each module registers one sub-command with ``register(subparsers)``.
COMMANDS = ("triage", "categorise", "actions", "serve", "share", "report", "themes")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit status 2, like argparse but without the usage dump
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="complaint-insight", description="Learn from complaints: triage, themes, actions.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMANDS:
        importlib.import_module(f"complaint_insight.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from complaint_insight.artifacts import ArtifactError
    from complaint_insight.errors import ComplaintInsightError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except (ComplaintInsightError, ArtifactError) as exc:
        print(f"complaint-insight: error: {_one_line(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("complaint-insight: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1


def _one_line(message: str) -> str:
    """Escape line breaks and control characters (e.g. from a column name in a hostile file), so the
    error stays one line and cannot smuggle terminal escape sequences."""
    return "".join(c if c.isprintable() or c == " " else ascii(c)[1:-1] for c in message)


if __name__ == "__main__":
    sys.exit(main())
