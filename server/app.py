"""The Starlette application: /graphql (GraphiQL in development; graphql-transport-ws subscriptions),
/healthz, /readyz, /metrics."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid

import structlog
from opentelemetry.sdk.trace.export import SpanExporter
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from tortoise import Tortoise

from domain.runtime import LoggingCodeSender, Runtime
from policies import enforcer
from resolvers.context import Context
from schema import build_schema
from server import db
from server.auth import principal_from_authorization
from server.events import install_event_bus, uninstall_event_bus
from server.graphiql import with_demo_hint
from server.http import GraphQLOverHTTP
from server.metrics import install_metrics, metrics_endpoint
from server.persisted import PersistedQueries
from server.redis import make_redis
from server.notification_senders import install_channel_senders
from server.settings import Settings, get_settings
from server.tokens import TokenIssuer
from server.tracing import configure_tracing, shutdown_tracing

log = logging.getLogger("loyalty.server")


class LoyaltyGraphQL(GraphQLOverHTTP):
    def __init__(self, schema, *, runtime: Runtime, tokens: TokenIssuer, graphiql: bool,
                 persisted: PersistedQueries) -> None:
        super().__init__(schema, persisted=persisted, graphql_ide="graphiql" if graphiql else None)
        self.runtime = runtime
        self.tokens = tokens

    async def get_context(self, request, response) -> Context:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        structlog.contextvars.bind_contextvars(request_id=request_id)
        principal = await principal_from_authorization(request.headers.get("authorization"), self.tokens)
        return Context(
            principal=principal,
            runtime=self.runtime,
            tokens=self.tokens,
            client_ip=request.client.host if request.client else "unknown",
            request_id=request_id,
            request=request,
            response=response,
        )

    @property
    def graphql_ide_html(self) -> str:
        return with_demo_hint(super().graphql_ide_html)

    async def on_ws_connect(self, context: Context):
        # Browsers cannot set headers on a WebSocket: graphql-transport-ws clients send the
        # credential in `connection_init`'s payload instead, e.g. {"authorization": "Bearer …"}.
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        authorization = params.get("authorization") or params.get("Authorization")
        if isinstance(authorization, str):
            context.principal = await principal_from_authorization(authorization, self.tokens)
        return await super().on_ws_connect(context)


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None,
               span_exporter: SpanExporter | None = None) -> Starlette:
    settings = settings or get_settings()
    runtime = runtime or Runtime(
        redis=make_redis(settings.redis_url),
        code_sender=LoggingCodeSender(settings.dev_code_file if settings.env == "development" else None),
        secret_key=settings.secret_key,
    )
    tokens = TokenIssuer(secret_key=settings.secret_key, ttl_seconds=settings.token_ttl_seconds)
    tracer_provider = configure_tracing(settings, exporter=span_exporter)  # None unless configured
    schema = build_schema(settings.max_query_depth, settings.max_aliases, settings.max_tokens,
                          tracing=tracer_provider is not None)
    install_metrics()
    install_channel_senders(settings)
    graphql = LoyaltyGraphQL(schema, runtime=runtime, tokens=tokens, graphiql=settings.graphiql_enabled,
                             persisted=PersistedQueries.from_settings(settings, runtime.redis))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        await db.init_db(settings.database_url, settings.db_pool_max)
        await enforcer.load_enforcer()
        bus = app.state.event_bus = install_event_bus(settings.redis_url)
        watcher = None
        if settings.redis_url:
            from server.watcher import start_policy_watcher

            watcher = start_policy_watcher(settings.redis_url, asyncio.get_running_loop())
        try:
            yield
        finally:
            if watcher is not None:
                watcher.close = True
            enforcer.clear_policy_change_callbacks()
            await uninstall_event_bus(bus)
            await runtime.redis.aclose()
            await db.close_db()
            await asyncio.to_thread(shutdown_tracing, tracer_provider)

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        checks = {}
        try:
            await Tortoise.get_connection("default").execute_query("SELECT 1")
            checks["database"] = "ok"
        except Exception as error:  # noqa: BLE001 - any failure means not ready
            checks["database"] = f"error: {type(error).__name__}"
        try:
            await runtime.redis.ping()
            checks["redis"] = "ok"
        except Exception as error:  # noqa: BLE001
            checks["redis"] = f"error: {type(error).__name__}"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse({"status": "ready" if ready else "not ready", **checks}, status_code=200 if ready else 503)

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_endpoint),
        ],
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.tokens = tokens
    app.state.tracer_provider = tracer_provider
    return app
