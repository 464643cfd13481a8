"""Boiler-plate removal before clustering.

Greetings, sign-offs, @mentions, URLs and HTML say nothing about what a complaint is about, but
they are frequent enough to pull unrelated texts together ("Hi, ... Thanks, Kind regards"). They
are removed here; the original text is kept for display (quotes, output rows).
"""
from __future__ import annotations

import re

from complaint_insight.text import clean_for_model, coerce_text

# Placeholders left by text.clean_for_model, and leading/trailing pleasantries.
_PLACEHOLDER = re.compile(r"\b(?:URL|@USER)\b|@\w+")
_GREETING = re.compile(
    r"^\s*(?:(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))(?:\s+[\w.'-]+){0,3}?\s*(?:[,!:\n]+|\.\s|$)\s*)+",
    re.IGNORECASE,
)
# A sign-off closes the text after a sentence boundary and is followed by a name at most.
_SIGN_OFF = re.compile(
    r"(?:(?<=[.!?,\n])|^)\s*(?:(?:many |kind |best |warm )?regards|many thanks|thanks?(?: you)?(?: (?:so|very) much)?"
    r"(?: in advance| again)?|cheers|yours (?:sincerely|faithfully|truly)|sincerely|best wishes)"
    r"(?:[,.!\s]+[A-Z][\w.'-]*){0,3}[\s,.!]*$",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")


def clean_for_themes(value) -> str:
    """Model text with placeholders, greetings and sign-offs removed ("" when nothing is left)."""
    text = clean_for_model(coerce_text(value))
    text = _PLACEHOLDER.sub(" ", text)
    text = _GREETING.sub("", text)
    # Sign-offs can stack ("Thanks. Kind regards"): strip repeatedly, a few times at most.
    for _ in range(3):
        stripped = _SIGN_OFF.sub("", text)
        if stripped == text:
            break
        text = stripped
    return _SPACE.sub(" ", text).strip(" ,;:-")
