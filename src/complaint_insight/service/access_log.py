"""An access log that never holds complaint text: method, path, status, duration and sizes only.

Request bodies, query strings and client addresses are left out on purpose: feedback text is
personal data and must not end up in log files. The path logged is the matched route's template
(``/static/{name}``), never the raw URL, which a client could fill with anything.
"""
from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("complaint_insight.service.access")


class AccessLog:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        sent = 0

        async def logging_send(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, logging_send)
        finally:
            logger.info(
                "%s %s %d %.1fms %dB",
                scope["method"],
                _route_template(scope),
                status,
                (time.perf_counter() - start) * 1000,
                sent,
            )


def _route_template(scope: Scope) -> str:
    route = scope.get("route")  # set by the router once a route matched
    return getattr(route, "path", None) or "(no route)"
