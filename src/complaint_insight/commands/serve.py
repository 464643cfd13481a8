"""``complaint-insight serve [--host 127.0.0.1] [--port 8000] [--workers N]``: HTTP API + staff page."""
from __future__ import annotations

import ipaddress
import sys

LOOPBACK_NAMES = ("localhost",)


def register(sub) -> None:
    parser = sub.add_parser(
        "serve",
        help="run the HTTP API and the staff page (needs the 'serve' extra)",
        description="Serve POST /v1/triage, GET /healthz, /openapi.json and the staff page at /. "
        "Settings come from COMPLAINT_INSIGHT_* environment variables (see docs/service.md): "
        "API_TOKEN, MAX_BATCH_ITEMS, MAX_REQUEST_BYTES, MAX_TEXT_CHARS, CLASSIFIER, THRESHOLD, STAFF_PAGE, "
        "HEADER_TIMEOUT_S, BODY_TIMEOUT_S, MAX_CONNECTIONS.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1; one per core at most)")
    parser.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    parser.set_defaults(handler=run)


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def log_config(level: str) -> dict:
    """uvicorn's logging, plus our body-free access log; uvicorn's own access log stays off."""
    from uvicorn.config import LOGGING_CONFIG

    config = {key: (dict(value) if isinstance(value, dict) else value) for key, value in LOGGING_CONFIG.items()}
    config["loggers"] = dict(config["loggers"])
    config["loggers"]["complaint_insight.service.access"] = {
        "handlers": ["default"], "level": level.upper(), "propagate": False,
    }
    return config


def run(args) -> int:
    from complaint_insight.errors import ConfigError, InputError

    try:
        import uvicorn

        from complaint_insight.service import create_app, load_settings
    except ImportError as exc:
        raise ConfigError(
            f"the HTTP service needs the 'serve' extra ({exc.name} is missing): pip install 'complaint-insight[serve]'"
        ) from None
    if not 0 < args.port < 65536:
        raise InputError("--port must be between 1 and 65535")
    if args.workers < 1:
        raise InputError("--workers must be at least 1")
    settings = load_settings()  # fail here, in one line, rather than inside every worker
    if settings.api_token is None and not is_loopback(args.host):
        print(
            f"complaint-insight: warning: listening on {args.host} without COMPLAINT_INSIGHT_API_TOKEN: "
            "anyone who can reach this address can use the API",
            file=sys.stderr,
        )
    from complaint_insight.service.slow_clients import HeaderTimeoutH11Protocol

    common = dict(
        host=args.host, port=args.port, log_level=args.log_level, log_config=log_config(args.log_level),
        access_log=False, server_header=False, proxy_headers=False,
        # Slow clients are bounded: headers within header_timeout_s, idle keep-alive 5 s, and at most
        # max_connections at once (503 beyond, so a flood cannot exhaust file descriptors).
        http=HeaderTimeoutH11Protocol, timeout_keep_alive=5, limit_concurrency=settings.max_connections,
    )
    if args.workers == 1:
        uvicorn.run(create_app(settings), **common)
    else:
        # Worker processes build their own app from the same environment.
        uvicorn.run("complaint_insight.service.app:create_app", factory=True, workers=args.workers, **common)
    return 0
