"""The FastAPI application: ``create_app(settings)`` wires models, routes, limits, auth and logging."""
from __future__ import annotations

import importlib

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from complaint_insight import __version__
from complaint_insight.service import model_info
from complaint_insight.service.access_log import AccessLog
from complaint_insight.service.auth import require_token
from complaint_insight.service.body_limit import BodySizeLimit
from complaint_insight.service.models import LazyModels
from complaint_insight.service.settings import ServiceSettings, load_settings
from complaint_insight.service.slow_clients import ReceiveTimeout

# Modules in service/routes. API routes sit behind the optional bearer token.
OPEN_ROUTES = ("health",)
API_ROUTES = ("triage", "categorise", "actions", "themes")
PAGE_ROUTES = ("page",)

DESCRIPTION = """Triage feedback against the UK Complaint Standards: is it a complaint, what needs
a person now, and what to tell front-line staff; categorise it against a taxonomy (QDC, HCAT, ...);
suggest improvement actions for a complaint, a category or a theme. Paths are versioned (`/v1/`); limits are shown by
`/healthz`; sizes over a limit get 413, malformed requests (no items, an unknown taxonomy) 422, a
missing or wrong token 401."""


def create_app(
    settings: ServiceSettings | None = None, *, triager=None, categorisers: dict | None = None, suggester=None
) -> FastAPI:
    """Build the service. ``settings=None`` reads them from the environment (as ``serve`` does);
    ``triager=None`` loads the classifier named by the settings (default: the shipped model).
    ``categorisers`` ({taxonomy id: Categoriser}) and ``suggester`` replace the models that
    /v1/categorise and /v1/actions/suggest otherwise load on first use (the shipped ones)."""
    from complaint_insight.resources import DEFAULT_CLASSIFIER, model_path
    from complaint_insight.triage import Triager

    settings = settings if settings is not None else load_settings()
    if triager is None:
        triager = Triager(settings.classifier, threshold=settings.threshold)
        folder = settings.classifier or model_path(DEFAULT_CLASSIFIER)
    else:
        folder = getattr(triager.classifier, "path", None)
    # Load the lexicon, fill caches and load spaCy for the red-flag matcher now: otherwise the first
    # caller whose text needs the matcher waits ~1 s, and every request queued behind it too.
    # The language identifier (py3langid, ~0.8 s to load) is needed only for doubtful texts: load it now too.
    triager.assess_many(["warm-up", "The carer hit my mother and left her in a soiled bed"])
    from complaint_insight.triage.reading import english_probability

    english_probability("warm-up")
    log = None
    if settings.actions_log:
        from complaint_insight.actions.log import open_log

        log = open_log(settings.actions_log, create=False)  # a wrong path fails at start, not per request

    app = FastAPI(
        title="complaint_insight",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url=None,  # the interactive docs load scripts from a CDN; the schema is enough
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.triager = triager
    app.state.model_info = [model_info.describe(triager.classifier, folder)]
    app.state.models = LazyModels(categorisers=categorisers, suggester=suggester, log=log,
                                  theme_folder=settings.theme_model)

    for name in OPEN_ROUTES:
        app.include_router(_router(name))
    for name in API_ROUTES:
        app.include_router(_router(name), dependencies=[Depends(require_token)])
    if settings.staff_page:
        for name in PAGE_ROUTES:
            app.include_router(_router(name))

    app.add_exception_handler(RequestValidationError, _validation_error)
    # Added last = outermost: the access log sees every response, including 413s.
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(ReceiveTimeout, seconds=settings.body_timeout_s)
    app.add_middleware(AccessLog)
    # The models loaded above live as long as the process and never form garbage; freezing them keeps
    # them out of the cyclic collector, whose full passes over ~230k objects paused requests ~150 ms.
    import gc

    gc.collect()
    gc.freeze()
    return app


def _router(name: str):
    return importlib.import_module(f"complaint_insight.service.routes.{name}").router


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    # FastAPI's default echoes the offending input back; here that would be complaint text,
    # which then lands in client logs. Say where and what, not the value.
    errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()]
    return JSONResponse({"detail": errors}, status_code=422)
