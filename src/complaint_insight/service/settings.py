"""Service configuration, read from ``COMPLAINT_INSIGHT_*`` environment variables."""
from __future__ import annotations

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from complaint_insight.errors import ConfigError


class ServiceSettings(BaseSettings):
    """Settings of the HTTP service; each field ``x`` comes from ``COMPLAINT_INSIGHT_X``.

    An empty ``COMPLAINT_INSIGHT_API_TOKEN`` means "no token" (open API, for loopback use).
    """

    model_config = SettingsConfigDict(env_prefix="COMPLAINT_INSIGHT_", frozen=True, extra="ignore")

    api_token: SecretStr | None = Field(
        default=None, description="Bearer token every /v1/ request must send; unset = no authentication"
    )
    max_batch_items: int = Field(default=1000, ge=1, description="Most items in one request")
    max_request_bytes: int = Field(default=4 * 1024 * 1024, ge=1024, description="Largest request body, in bytes")
    max_text_chars: int = Field(default=100_000, ge=1, description="Longest text of one item, in characters")
    classifier: str | None = Field(default=None, description="Classifier folder; unset = the shipped model")
    threshold: float | None = Field(default=None, ge=0.0, le=1.0, description="Complaint probability threshold")
    staff_page: bool = Field(default=True, description="Serve the staff page at /")
    actions_log: str | None = Field(
        default=None, description="SQLite learning log whose past actions /v1/actions/suggest puts first; unset = none"
    )
    header_timeout_s: float = Field(default=10.0, gt=0, description="Seconds a client has to send complete request headers")
    body_timeout_s: float = Field(default=15.0, gt=0, description="Seconds the request body may stall between two reads (408)")
    max_connections: int = Field(default=256, ge=1, description="Open connections + requests in progress; beyond it 503")
    theme_model: str | None = Field(default=None, description="Theme model folder for /v1/themes; unset = none")

    @field_validator("api_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value):
        if isinstance(value, str) and not value.strip():
            return None
        return value


def load_settings(**overrides) -> ServiceSettings:
    """Read settings from the environment (``overrides`` win); bad values become one ConfigError."""
    try:
        return ServiceSettings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"COMPLAINT_INSIGHT_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"invalid service settings: {problems}") from None
