"""``POST /v1/actions/suggest``: ranked improvement actions for complaints, categories or themes.

``suggest_actions`` over HTTP, one list per item, in the order of the items. Each item names
exactly one of ``text`` (a complaint), ``category`` (``taxonomy:category_id``) or ``theme`` (a
built-in theme id, a free label, or a theme with key phrases). An item the suggester cannot use
(an empty text, an unknown category) gets a status and a reason instead of failing the batch.
"""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, model_validator

from complaint_insight.actions.result import ActionSuggestion
from complaint_insight.errors import ComplaintInsightError
from complaint_insight.service.limits import TOO_LARGE, UNAUTHORISED, check_batch
from complaint_insight.text import coerce_text, content_status

router = APIRouter(tags=["actions"])
MAX_K = 10


class ThemeSpec(BaseModel):
    """A theme as the themes model describes one (only a label or key phrases are needed)."""

    model_config = ConfigDict(extra="forbid")
    id: str | None = Field(default=None, max_length=200, description="Theme id (kept for the learning log)")
    label: str | None = Field(default=None, max_length=500)
    key_phrases: list[str] = Field(default_factory=list, max_length=50)


class SuggestItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str | int | None = Field(default=None, description="Your reference for the item; returned unchanged")
    text: str | None = Field(default=None, description="A complaint, as written")
    category: str | None = Field(
        default=None, max_length=200, description="taxonomy:category_id, e.g. qdc:discharge (a bare id if unique)"
    )
    theme: str | ThemeSpec | None = Field(
        default=None, description="A built-in theme id (e.g. waiting_times), a free label, or a theme object"
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> SuggestItem:
        given = [name for name in ("text", "category", "theme") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of text, category or theme" + (f" (got {', '.join(given)})" if given else "")
            )
        return self


class SuggestRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"items": [{"id": "C1", "text": "Dad was sent home at midnight without his tablets."},
                           {"id": "T1", "theme": "waiting_times"}, {"id": "Q1", "category": "qdc:discharge"}], "k": 3}
            ]
        },
    )
    items: list[SuggestItem] = Field(description="What to suggest actions for: 1 to max_batch_items (see /healthz)")
    k: int = Field(default=3, ge=1, le=MAX_K, description="Actions per item")


class SuggestResult(BaseModel):
    id: str | int | None = None
    status: Literal["ok", "empty", "unreadable", "invalid"] = Field(
        description="ok; empty or unreadable text (no actions); invalid: see detail (e.g. an unknown category)"
    )
    detail: str | None = Field(default=None, description="Why there are no actions, when status is not ok")
    actions: list[ActionSuggestion] = Field(
        default_factory=list,
        description="Ranked actions: text, why it fits, owner and RCA2 strength (stronger ones preferred)",
    )


class SuggestResponse(BaseModel):
    results: list[SuggestResult] = Field(description="One per item, in the order of the items")


def _suggest_all(suggester, items: list[SuggestItem], k: int, log: str | None) -> list[SuggestResult]:
    results = []
    for item in items:
        if item.text is not None:
            status = content_status(coerce_text(item.text))
            if status != "ok":
                results.append(SuggestResult(id=item.id, status=status, detail=f"the text is {status}"))
                continue
        theme = item.theme.model_dump(exclude_none=True) if isinstance(item.theme, ThemeSpec) else item.theme
        try:
            actions = suggester.suggest(item.text, theme=theme, category=item.category, k=k, log=log)
        except ComplaintInsightError as exc:  # the item's content, not the request, is at fault
            results.append(SuggestResult(id=item.id, status="invalid", detail=str(exc)))
            continue
        results.append(SuggestResult(id=item.id, status="ok", actions=actions))
    return results


@router.post(
    "/v1/actions/suggest",
    response_model=SuggestResponse,
    summary="Suggest improvement actions for complaints, categories or themes",
    responses={**UNAUTHORISED, **TOO_LARGE, 422: {"description": "No items, or an item without exactly one input"}},
)
async def suggest(body: SuggestRequest, request: Request, response: Response) -> SuggestResponse:
    state = request.app.state
    check_batch(state.settings, [item.text for item in body.items])
    suggester = await run_in_threadpool(state.models.suggester)
    results = await run_in_threadpool(_suggest_all, suggester, body.items, body.k, state.models.log)
    response.headers["Cache-Control"] = "no-store"
    return SuggestResponse(results=results)
