"""The staff page: static files shipped in ``service/static`` and served at ``/``.

The page holds no data; it calls ``/v1/triage`` from the browser. A strict Content-Security-Policy
allows only this server's own scripts and styles, so injected markup could not run even if some
text were ever inserted as HTML (the page never does that).
"""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

STATIC = Path(__file__).resolve().parents[1] / "static"
_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
# Only the files shipped with the package can be served: no path from the URL touches the disk.
_FILES = {p.name: p for p in STATIC.iterdir() if p.suffix in _TYPES} if STATIC.is_dir() else {}

router = APIRouter(include_in_schema=False)


def _file(name: str) -> FileResponse:
    path = _FILES.get(name)
    if path is None:
        raise HTTPException(404, "not found")
    return FileResponse(path, media_type=_TYPES[path.suffix], headers=_HEADERS)


@router.get("/")
def index() -> FileResponse:
    return _file("index.html")


@router.get("/static/{name}")
def static(name: str) -> FileResponse:
    return _file(name)
