"""Bounds on slow clients ("slowloris"): a deadline for request headers and for each body read.

uvicorn closes idle keep-alive connections (``timeout_keep_alive``) but has no deadline for a
client that opens a connection and sends its headers a byte at a time, or sends headers and then
stalls the body; each such connection would be held forever. Two guards:

- :class:`HeaderTimeoutH11Protocol` (passed to uvicorn as ``http=``): a connection whose request
  headers are not complete within ``header_timeout_s`` of it opening (or of the previous response)
  is closed. Unlike uvicorn's keep-alive timer, incoming bytes do not reset it.
- :class:`ReceiveTimeout` (ASGI middleware): a request whose body stalls for more than
  ``body_timeout_s`` between two reads gets ``408`` (JSON), and the connection is closed.
"""
from __future__ import annotations

import asyncio

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol


class HeaderTimeoutH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for complete request headers."""

    _timeout: float | None = None  # read once per process from the settings (workers build their own)

    @classmethod
    def header_timeout(cls) -> float:
        if cls._timeout is None:
            from complaint_insight.service.settings import load_settings

            cls._timeout = load_settings().header_timeout_s
        return cls._timeout

    def connection_made(self, transport) -> None:  # type: ignore[override]
        self._header_timer: asyncio.TimerHandle | None = None
        self._timed_cycle = None
        super().connection_made(transport)
        self._arm_header_timer()

    def _arm_header_timer(self) -> None:
        self._cancel_header_timer()
        self._header_timer = self.loop.call_later(self.header_timeout(), self._header_deadline_passed)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def handle_events(self) -> None:
        super().handle_events()
        if self.cycle is not None and self.cycle is not self._timed_cycle:
            self._timed_cycle = self.cycle  # headers complete: the request runs; the body has its own guard
            self._cancel_header_timer()

    def on_response_complete(self) -> None:
        self._arm_header_timer()  # before super(): a pipelined request started there cancels it
        super().on_response_complete()

    def connection_lost(self, exc) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)

    def _header_deadline_passed(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.close()


class BodyTimeout(HTTPException):
    # An HTTPException so that FastAPI's body reader re-raises it instead of turning it into a 400.
    def __init__(self, seconds: float):
        super().__init__(408, f"request body stalled for more than {seconds:g} s; send it in one go")


class ReceiveTimeout:
    """Pure ASGI middleware: each ``receive()`` of the request body must complete within ``seconds``."""

    def __init__(self, app: ASGIApp, seconds: float):
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        body_done = False

        async def timed_receive() -> Message:
            nonlocal body_done
            if body_done:  # after the body, receive() waits for a disconnect: no deadline then
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.seconds)
            except asyncio.TimeoutError:
                raise BodyTimeout(self.seconds) from None
            if message["type"] == "http.request" and not message.get("more_body", False):
                body_done = True
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, timed_receive, tracking_send)
        except BodyTimeout as error:
            if started:
                raise
            response = JSONResponse({"detail": error.detail}, 408, headers={"Connection": "close"})
            await response(scope, receive, send)
