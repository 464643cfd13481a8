"""Reject request bodies over a byte limit before anything parses them (HTTP 413)."""
from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(HTTPException):
    # An HTTPException so that FastAPI's body reader re-raises it instead of turning it into a 400.
    def __init__(self, limit: int):
        super().__init__(413, f"request body is larger than {limit} bytes; split the batch into smaller requests")


class BodySizeLimit:
    """Pure ASGI middleware: checks ``Content-Length`` up front and counts streamed (chunked) bytes."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await JSONResponse({"detail": "invalid Content-Length header"}, 400)(scope, receive, send)
                return
            if int(declared) > self.max_bytes:
                await self._reject(scope, receive, send)
                return

        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._reject(scope, receive, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = BodyTooLarge(self.max_bytes)
        # Connection: close, so the client does not go on sending a body nobody will read.
        response = JSONResponse({"detail": error.detail}, 413, headers={"Connection": "close"})
        await response(scope, receive, send)
