"""Errors a user can act on. The CLI and HTTP service turn these into one-line messages / 4xx."""
from __future__ import annotations


class ComplaintInsightError(Exception):
    """Base class for errors caused by input or configuration rather than by a bug."""


class InputError(ComplaintInsightError, ValueError):
    """Input data is unusable: a missing column, an unreadable file, a malformed value."""


class ConfigError(ComplaintInsightError, ValueError):
    """A configuration, policy or taxonomy file is invalid."""


class InputTypeError(InputError, TypeError):
    """A value has the wrong type (a list where text belongs): a TypeError for Python callers,
    and an InputError so that the CLI and the service report it as the user's input problem."""
