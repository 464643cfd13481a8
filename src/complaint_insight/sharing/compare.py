"""Line up another organisation's sharing export against ours on the shared taxonomy."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from complaint_insight.errors import InputError
from complaint_insight.sharing.schema import SharingExport

MAX_FILE_BYTES = 50 * 1024 * 1024
COLUMNS = (
    "category_id", "category_name", "our_count", "our_rate", "their_count", "their_rate",
    "rate_difference", "rate_ratio", "our_themes", "their_actions",
)


def read_export(path: str | Path) -> SharingExport:
    """Read and validate an export file; any problem is an :class:`InputError` with one line."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if size > MAX_FILE_BYTES:
        raise InputError(f"{path}: {size} bytes is larger than a sharing export can be ({MAX_FILE_BYTES})")
    try:
        raw = path.read_bytes().decode("utf-8")
        data = json.loads(raw)
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"{path}: not valid JSON ({str(exc)[:120]})") from None
    return parse_export(data, source=str(path))


def parse_export(data, *, source: str = "export") -> SharingExport:
    if isinstance(data, dict) and data.get("schema_version") not in (None, "1.0"):
        raise InputError(f"{source}: schema_version {str(data.get('schema_version'))[:20]!r} is not supported (1.0)")
    try:
        return SharingExport.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"]) or "document"
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise InputError(f"{source}: {where}: {error['msg']}{more}") from None


def compare_exports(ours: SharingExport, theirs: SharingExport) -> pd.DataFrame:
    """One row per category of the shared taxonomy (ours first, in our order).

    Rates are shares of each organisation's own complaints, so different sizes compare fairly.
    ``their_actions`` lists their actions only for categories where we have at least one theme.
    """
    if ours.taxonomy is None or theirs.taxonomy is None:
        raise InputError("both exports need a taxonomy (export with --taxonomy) to be compared")
    if ours.taxonomy != theirs.taxonomy:
        raise InputError(f"different taxonomies: ours is {ours.taxonomy!r}, theirs is {theirs.taxonomy!r}")
    their_categories = {c.id: c for c in theirs.categories}
    ids = [c.id for c in ours.categories] + [c.id for c in theirs.categories if c.id not in
                                             {o.id for o in ours.categories}]
    our_categories = {c.id: c for c in ours.categories}
    our_themes: dict[str, list[str]] = {}
    for theme in ours.themes:
        for cid in theme.categories:
            our_themes.setdefault(cid, []).append(theme.label)
    their_actions: dict[str, list[str]] = {}
    for action in theirs.actions:
        for cid in action.categories:
            their_actions.setdefault(cid, []).append(f"{action.action} [{action.status}]")
    rows = []
    for cid in ids:
        o, t = our_categories.get(cid), their_categories.get(cid)
        our_rate = o.rate if o else None
        their_rate = t.rate if t else None
        rows.append(
            {
                "category_id": cid,
                "category_name": (o.name if o and o.name else (t.name if t else "")),
                "our_count": o.count if o else None,
                "our_rate": our_rate,
                "their_count": t.count if t else None,
                "their_rate": their_rate,
                "rate_difference": None if our_rate is None or their_rate is None else our_rate - their_rate,
                "rate_ratio": None if our_rate is None or not their_rate else our_rate / their_rate,
                "our_themes": "; ".join(our_themes.get(cid, [])),
                "their_actions": " | ".join(their_actions.get(cid, [])) if cid in our_themes else "",
            }
        )
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    for column in ("our_count", "their_count"):
        frame[column] = frame[column].astype("Int64")
    for column in ("our_rate", "their_rate", "rate_difference", "rate_ratio"):
        frame[column] = frame[column].astype("float64")
    return frame
