"""``POST /v1/categorise``: taxonomy categories, each with its probability, for a batch of feedback.

The Python ``Categoriser.categorise`` over HTTP: same fields, same order. Only built-in
taxonomies can be named (a file path in a request would let a caller read the server's disk);
each is loaded on first use and kept for the life of the process.
"""
from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from complaint_insight.errors import ConfigError
from complaint_insight.service.limits import TOO_LARGE, UNAUTHORISED, check_batch
from complaint_insight.taxonomy.result import Categorisation

router = APIRouter(tags=["taxonomy"])


class CategoriseItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str | int | None = Field(default=None, description="Your reference for the item; returned unchanged")
    text: str | None = Field(description="The feedback, as written; null or empty gives status 'empty'")


class CategoriseRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"taxonomy": "qdc", "items": [{"id": "F001", "text": "Waited four hours and nobody told us why."}]}]
        },
    )
    taxonomy: str = Field(
        min_length=1, max_length=64,
        description="A built-in taxonomy: hcat, qdc, retail or uk_public_services (hcat and qdc have trained models)",
    )
    items: list[CategoriseItem] = Field(description="Feedback to categorise: 1 to max_batch_items (see /healthz)")


class CategoriseResponse(BaseModel):
    taxonomy: str
    taxonomy_name: str
    taxonomy_version: str
    trained: bool = Field(description="True for a trained model; False when categories come from descriptions only")
    results: list[Categorisation] = Field(
        description="One per item, in the order of the items: categories at or over their threshold (most "
        "probable first) and every category's probability"
    )


@router.post(
    "/v1/categorise",
    response_model=CategoriseResponse,
    summary="Categorise a batch of feedback against a taxonomy",
    responses={**UNAUTHORISED, **TOO_LARGE, 422: {"description": "Unknown taxonomy, no items, or a malformed body"}},
)
async def categorise(body: CategoriseRequest, request: Request, response: Response) -> CategoriseResponse:
    state = request.app.state
    texts = [item.text for item in body.items]
    check_batch(state.settings, texts)
    try:
        categoriser = await run_in_threadpool(state.models.categoriser, body.taxonomy)
    except ConfigError as exc:
        raise HTTPException(422, str(exc)) from None
    ids = [item.id for item in body.items]
    results = await run_in_threadpool(categoriser.categorise, texts, ids=ids)
    taxonomy = categoriser.taxonomy_
    response.headers["Cache-Control"] = "no-store"  # results describe personal feedback
    return CategoriseResponse(
        taxonomy=taxonomy.id,
        taxonomy_name=taxonomy.name or taxonomy.id,
        taxonomy_version=str(taxonomy.version or ""),
        trained=categoriser.is_trained(),
        results=results,
    )
