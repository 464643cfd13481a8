"""``GET /healthz``: is the service up, which models does it run, what are its limits. Never any text."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from complaint_insight import __version__
from complaint_insight.service.model_info import ModelInfo

router = APIRouter(tags=["service"])


class Limits(BaseModel):
    max_batch_items: int
    max_request_bytes: int
    max_text_chars: int


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str = Field(description="complaint_insight library version")
    auth_required: bool = Field(description="Whether /v1/ requests need a bearer token")
    models: list[ModelInfo]
    limits: Limits


@router.get("/healthz", response_model=Health, summary="Liveness, model versions and limits")
def healthz(request: Request) -> Health:
    state = request.app.state
    settings = state.settings
    return Health(
        version=__version__,
        auth_required=settings.api_token is not None,
        models=state.model_info,
        limits=Limits(
            max_batch_items=settings.max_batch_items,
            max_request_bytes=settings.max_request_bytes,
            max_text_chars=settings.max_text_chars,
        ),
    )
