"""Find and replace personal data in complaint text: a safeguard before quotes leave the organisation."""
from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any

from complaint_insight.privacy.detectors import DETECTORS, PRIORITY
from complaint_insight.privacy.spans import TYPES, PersonalDataSpan
from complaint_insight.text import coerce_text


def _as_text(text: Any) -> str:
    try:
        return coerce_text(text)
    except TypeError as exc:
        raise TypeError(f"redaction needs text (str): {exc}") from None


def find_personal_data(text: Any, *, types: Iterable[str] | None = None) -> list[PersonalDataSpan]:
    """Typed spans of personal data in ``text``, in text order, never overlapping.

    None/NaN give ``[]``; bytes are decoded as UTF-8 (undecodable bytes replaced); other non-text
    values raise ``TypeError``. ``types`` limits the search to some of :data:`TYPES`.
    """
    text = _as_text(text)
    wanted = set(TYPES if types is None else types)
    unknown = wanted - set(TYPES)
    if unknown:
        raise ValueError(f"unknown personal-data type(s): {', '.join(sorted(unknown))}; known: {', '.join(TYPES)}")
    if not text:
        return []
    found = [f for detect in DETECTORS for f in detect(text) if f[2] in wanted and f[1] > f[0]]
    rank = {t: i for i, t in enumerate(PRIORITY)}
    # Higher-priority types first, then longer spans; a span overlapping one already kept is dropped.
    found.sort(key=lambda f: (rank[f[2]], f[0] - f[1], f[0]))
    starts: list[int] = []  # kept spans, sorted by start; they never overlap, so ends are sorted too
    kept: dict[int, tuple[int, str]] = {}
    for start, end, kind in found:
        i = bisect.bisect_left(starts, start)
        if i > 0 and kept[starts[i - 1]][0] > start:
            continue
        if i < len(starts) and starts[i] < end:
            continue
        starts.insert(i, start)
        kept[start] = (end, kind)
    return [PersonalDataSpan(start=s, end=kept[s][0], type=kept[s][1]) for s in starts]


def redact(text: Any, *, types: Iterable[str] | None = None) -> str:
    """``text`` with each personal-data span replaced by its placeholder, e.g. ``[NHS_NUMBER]``.

    Same input rules as :func:`find_personal_data` (None gives ``""``).
    """
    text = _as_text(text)
    spans = find_personal_data(text, types=types)
    if not spans:
        return text
    parts, pos = [], 0
    for span in spans:
        parts.append(text[pos : span.start])
        parts.append(span.placeholder)
        pos = span.end
    parts.append(text[pos:])
    return "".join(parts)
