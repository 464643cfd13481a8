"""The batch and text limits every /v1/ endpoint applies (the same numbers /healthz shows)."""
from __future__ import annotations

from collections.abc import Sequence

from fastapi import HTTPException

from complaint_insight.service.settings import ServiceSettings

TOO_LARGE = {413: {"description": "Body, batch or one text over the limits shown by /healthz"}}
UNAUTHORISED = {401: {"description": "Bearer token missing or wrong"}}


def check_batch(settings: ServiceSettings, texts: Sequence[str | None], *, allow_empty: bool = False) -> None:
    """422 for an empty batch (unless allowed), 413 for too many items or a text over the limit."""
    if not texts and not allow_empty:
        raise HTTPException(422, "items is empty: send at least one item")
    if len(texts) > settings.max_batch_items:
        raise HTTPException(
            413, f"{len(texts)} items in one request; the limit is {settings.max_batch_items}: split the batch"
        )
    for position, text in enumerate(texts):
        if text is not None and len(text) > settings.max_text_chars:
            raise HTTPException(
                413, f"items[{position}].text has {len(text)} characters; the limit is {settings.max_text_chars}"
            )
