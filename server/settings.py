from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me"
DEFAULT_DB_FILE = Path("var") / "loyalty.sqlite3"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOYALTY_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = f"sqlite://{DEFAULT_DB_FILE}"
    redis_url: str | None = None
    secret_key: str = DEV_SECRET_KEY
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    # Staff and member tokens are short-lived; clients sign in again.
    token_ttl_seconds: int = 3600
    db_pool_max: int = 20
    graphiql: bool | None = None
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    # Automatic persisted queries live this long in Redis after their last registration.
    persisted_query_ttl_seconds: int = 86400
    # Production mode: a JSON file of sha256 -> document; when set, only those documents run.
    persisted_queries_file: Path | None = None
    # Development only: one-time codes are also appended to this file (never in test or
    # production, where they go to the code sender alone).
    dev_code_file: Path = Path("var/dev-codes.txt")
    # OpenTelemetry traces go to this OTLP/HTTP endpoint, e.g. http://127.0.0.1:4318/v1/traces. The
    # standard OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as is) or OTEL_EXPORTER_OTLP_ENDPOINT (a base
    # URL: /v1/traces is appended) serve when it is unset. None of the three: no tracing at all.
    otel_endpoint: str | None = None
    otel_exporter_otlp_traces_endpoint: str | None = Field(
        default=None, validation_alias="OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    otel_exporter_otlp_endpoint: str | None = Field(default=None, validation_alias="OTEL_EXPORTER_OTLP_ENDPOINT")
    # Notification gateways per channel (HMAC-signed POSTs, as the brand webhook); a channel
    # without a URL and secret logs its notifications instead (the development default).
    sms_gateway_url: str | None = None
    sms_gateway_secret: str | None = None
    wechat_gateway_url: str | None = None
    wechat_gateway_secret: str | None = None
    app_push_gateway_url: str | None = None
    app_push_gateway_secret: str | None = None

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.env == "production":
            if self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32:
                raise ValueError(
                    "LOYALTY_SECRET_KEY must be set to a random value of 32+ characters in production"
                )
        return self

    @property
    def graphiql_enabled(self) -> bool:
        return self.graphiql if self.graphiql is not None else self.env != "production"

    @property
    def otel_traces_endpoint(self) -> str | None:
        """The OTLP/HTTP URL spans are sent to; None: tracing is off."""
        if self.otel_endpoint:
            return self.otel_endpoint
        if self.otel_exporter_otlp_traces_endpoint:
            return self.otel_exporter_otlp_traces_endpoint
        if self.otel_exporter_otlp_endpoint:
            return self.otel_exporter_otlp_endpoint.rstrip("/") + "/v1/traces"
        return None


@lru_cache
def get_settings() -> Settings:
    return Settings()
