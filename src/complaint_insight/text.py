"""Turning whatever arrives in a text field into text, and text into model input.

Two representations are kept apart on purpose:
- the *original* text (what the user sent), on which every span offset (cues, red flags) is given;
- the *model* text (``clean_for_model``): Unicode-normalised, HTML stripped, @mentions and URLs
  replaced by placeholders and capped in length, so that training and inference see the same thing.
"""
from __future__ import annotations

import html
import math
import re
import unicodedata
from decimal import Decimal
from numbers import Number
from typing import Any

# Longer texts are scored on their first MAX_MODEL_CHARS characters; the result says so.
MAX_MODEL_CHARS = 20_000

_TAG = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->|</?[a-zA-Z][^>]{0,2000}>", re.S | re.I)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_MENTION = re.compile(r"(?<![\w@])@\w{1,50}")
_HASHTAG = re.compile(r"(?<![\w#])#(\w{1,80})")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_LETTER = re.compile(r"[^\W\d_]")


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return True
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return isinstance(value, float) and math.isnan(value)


def coerce_text(value: Any, *, row: Any = None) -> str:
    """Return ``value`` as text, or raise ``TypeError`` naming the row.

    Defined results: None/NaN → ``""`` (an empty answer); numbers → their decimal form;
    bytes → decoded as UTF-8 with undecodable bytes replaced (binary content is then
    detected as unreadable). Anything else (lists, dicts, objects) is a ``TypeError``.
    """
    if isinstance(value, str):
        return value
    if is_missing(value):
        return ""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, (Number, Decimal)) and not isinstance(value, complex):
        return str(value)
    where = f"row {row!r}: " if row is not None else ""
    from complaint_insight.errors import InputTypeError

    raise InputTypeError(f"{where}expected text (str), got {type(value).__name__}")


def strip_html(text: str) -> str:
    if "<" in text and ">" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return text


def clean_for_model(text: str) -> str:
    """Normalise text for the models (not for display; offsets are not preserved)."""
    text = text[: MAX_MODEL_CHARS * 2]
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        # Curly quotes would split "couldn’t" differently from "couldn't".
        text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = strip_html(text)
    text = _CONTROL.sub(" ", text)
    # Each substitution is skipped when its trigger character is absent: this runs on every text.
    if "://" in text or "www." in text:
        text = _URL.sub(" URL ", text)
    if "@" in text:
        text = _MENTION.sub(" @USER ", text)
    if "#" in text:
        text = _HASHTAG.sub(r" \1 ", text)
    if "\\n" in text:
        text = text.replace("\\n", " ")  # literal "\n" left by some exports
    # split/join equals re.sub(r"\s+", " ", text).strip() (\s and str.isspace agree on every code point), 5x faster
    return " ".join(text.split())[:MAX_MODEL_CHARS]


def content_status(text: str) -> str:
    """``"empty"`` (nothing to read), ``"unreadable"`` (binary, mash, symbols only) or ``"ok"``.

    Language is judged separately (the risk layer), so this only looks at characters.
    """
    stripped = text.strip()
    if not stripped:
        return "empty"
    sample = stripped[:2000]
    if "\x00" in sample or sample.count("\ufffd") > max(2, len(sample) // 20):
        return "unreadable"
    if not _LETTER.search(sample):  # a regex, not a per-character loop: this runs on every text
        return "unreadable"
    return "ok"
