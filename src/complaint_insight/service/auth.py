"""Optional bearer-token authentication for the /v1/ API (``COMPLAINT_INSIGHT_API_TOKEN``)."""
from __future__ import annotations

import hmac

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

# auto_error=False: the check below decides, so that a server without a token stays open.
_bearer = HTTPBearer(auto_error=False, description="Required when COMPLAINT_INSIGHT_API_TOKEN is set")
_CHALLENGE = 'Bearer realm="complaint-insight"'


async def require_token(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> None:
    """FastAPI dependency: passes when no token is configured or the configured one is sent."""
    expected = request.app.state.settings.api_token
    if expected is None:
        return
    if credentials is None:
        raise HTTPException(
            401, "this API needs a bearer token (Authorization: Bearer <token>)", headers={"WWW-Authenticate": _CHALLENGE}
        )
    # Constant-time comparison: response timing must not reveal how much of a guess was right.
    if not hmac.compare_digest(credentials.credentials.encode(), expected.get_secret_value().encode()):
        raise HTTPException(
            401, "the bearer token is not valid", headers={"WWW-Authenticate": _CHALLENGE + ', error="invalid_token"'}
        )
