"""``GET /v1/themes`` and ``POST /v1/themes/assign``: a saved theme model over HTTP.

The model folder comes from ``COMPLAINT_INSIGHT_THEME_MODEL`` (a folder written by
``ThemeModel.save`` or ``complaint-insight themes --save-model``); ``service.models.LazyModels``
loads it, verified, on the first request. Without one these endpoints answer 404 with what to set.
"""
from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from complaint_insight.service.limits import TOO_LARGE, UNAUTHORISED, check_batch
from complaint_insight.themes.result import Theme

router = APIRouter(tags=["themes"])


class ThemeItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str | int | None = Field(default=None, description="Your reference for the item; returned unchanged")
    text: str | None = Field(description="The complaint, as written; null or empty counts as an empty answer")


class AssignRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"items": [{"id": "C1", "text": "The car park was full again."}]}]},
    )
    items: list[ThemeItem] = Field(description="Complaints to assign; at most max_batch_items (see /healthz)")


class ThemeAssignment(BaseModel):
    id: str | int | None
    theme_id: str = Field(description="theme id, 'unassigned' (fits no theme) or '' (empty text)")
    theme_label: str
    theme_distance: float | None = Field(description="cosine distance to the nearest theme; null for empty text")
    theme_status: str = Field(description="assigned, unassigned or empty")


class AssignResponse(BaseModel):
    results: list[ThemeAssignment] = Field(description="One result per item, in the order of the items")


class ThemesResponse(BaseModel):
    themes: list[Theme]
    distance_threshold: float


def _model(request: Request):
    model = request.app.state.models.theme_model()
    if model is None:
        raise HTTPException(404, "no theme model configured: set COMPLAINT_INSIGHT_THEME_MODEL to a folder "
                                 "saved with 'complaint-insight themes --save-model'")
    return model


@router.get("/v1/themes", response_model=ThemesResponse, summary="The themes of the configured model",
            responses={**UNAUTHORISED, 404: {"description": "No theme model"}})
async def themes(request: Request) -> ThemesResponse:
    model = await run_in_threadpool(_model, request)
    return ThemesResponse(themes=model.themes_, distance_threshold=model.distance_threshold_)


@router.post("/v1/themes/assign", response_model=AssignResponse, summary="Assign complaints to saved themes",
             responses={**UNAUTHORISED, 404: {"description": "No theme model"}, **TOO_LARGE})
async def assign(body: AssignRequest, request: Request, response: Response) -> AssignResponse:
    texts = [item.text for item in body.items]
    check_batch(request.app.state.settings, texts, allow_empty=True)
    model = await run_in_threadpool(_model, request)
    frame = await run_in_threadpool(model.assign, texts)
    response.headers["Cache-Control"] = "no-store"
    results = [
        ThemeAssignment(id=item.id, theme_id=row.theme_id, theme_label=row.theme_label,
                        theme_distance=None if row.theme_distance != row.theme_distance else float(row.theme_distance),
                        theme_status=row.theme_status)
        for item, row in zip(body.items, frame.itertuples(index=False))
    ]
    return AssignResponse(results=results)
