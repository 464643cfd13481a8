"""``POST /v1/triage``: the Python ``Triager.assess_many`` over HTTP, same fields, same order."""
from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from complaint_insight.service.limits import TOO_LARGE, UNAUTHORISED, check_batch
from complaint_insight.triage.result import TriageResult

router = APIRouter(tags=["triage"])


class TriageItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str | int | None = Field(default=None, description="Your reference for the item; returned unchanged")
    text: str | None = Field(description="The feedback, as written; null or empty counts as an empty answer")


class TriageRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"items": [{"id": "F001", "text": "Nobody called me back about mum's tablets."}]}]},
    )
    items: list[TriageItem] = Field(description="Feedback to triage; at most max_batch_items (see /healthz)")


class TriageResponse(BaseModel):
    results: list[TriageResult] = Field(description="One result per item, in the order of the items")


# Batches up to this many characters (a few ms of scoring) run on the event loop; larger ones in a
# worker thread so that the loop keeps serving. Why not always a thread: the hop costs ~25% more
# CPU per single-item request (measured with benchmarks/service_load.py) plus GIL hand-over delays.
INLINE_CHARS = 5_000



@router.post(
    "/v1/triage",
    response_model=TriageResponse,
    summary="Triage a batch of feedback",
    responses={**UNAUTHORISED, **TOO_LARGE},
)
async def triage(body: TriageRequest, request: Request, response: Response) -> TriageResponse:
    texts, ids = [i.text for i in body.items], [i.id for i in body.items]
    check_batch(request.app.state.settings, texts, allow_empty=True)
    assess_many = request.app.state.triager.assess_many
    if sum(len(t) for t in texts if t) <= INLINE_CHARS:
        results = assess_many(texts, ids=ids)
    else:
        results = await run_in_threadpool(assess_many, texts, ids=ids)
    response.headers["Cache-Control"] = "no-store"  # results describe personal feedback
    return TriageResponse(results=results)
