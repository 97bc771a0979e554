"""OpenTelemetry tracing is off unless an OTLP endpoint is configured; then every GraphQL operation
makes spans ("GraphQL Query: <operation>") that a batch processor sends over OTLP/HTTP."""

from __future__ import annotations

import asyncio
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from httpx import ASGITransport, AsyncClient
from opentelemetry import trace
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.util._once import Once
from strawberry.extensions.tracing import OpenTelemetryExtension

from schema import build_schema
from server.app import create_app
from server.settings import Settings
from server.tracing import configure_tracing

WHO_AM_I = "query WhoAmI { viewer { kind } }"
ENDPOINT_VARIABLES = ("LOYALTY_OTEL_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")


def _reset_global_tracer_provider() -> None:
    # The API lets a process set its TracerProvider once; each test here sets its own
    # (what opentelemetry-test-utils' reset_trace_globals does).
    trace._TRACER_PROVIDER_SET_ONCE = Once()
    trace._TRACER_PROVIDER = None


@pytest.fixture
def no_endpoint_in_environment(monkeypatch):
    for name in ENDPOINT_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def traced_app(app, no_endpoint_in_environment):
    """`traced_app(endpoint, exporter=None)`: an app sharing the session's database and runtime,
    with tracing configured; its provider is shut down and the global one reset afterwards."""
    providers: list[TracerProvider] = []
    _reset_global_tracer_provider()

    def make(endpoint: str, exporter=None):
        application = create_app(Settings(env="test", otel_endpoint=endpoint), runtime=app.state.runtime,
                                 span_exporter=exporter)
        assert isinstance(application.state.tracer_provider, TracerProvider)
        providers.append(application.state.tracer_provider)
        return application

    yield make
    for provider in providers:
        provider.shutdown()
    _reset_global_tracer_provider()


def _served_schema(application):
    return next(route.endpoint for route in application.routes if route.path == "/graphql").schema


async def _query(application, query: str, token: str) -> dict:
    async with AsyncClient(transport=ASGITransport(app=application), base_url="http://test") as http:
        response = await http.post("/graphql", json={"query": query}, headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    assert not response.json().get("errors"), response.json()
    return response.json()


def test_endpoint_comes_from_loyalty_or_the_standard_otel_variables(no_endpoint_in_environment, monkeypatch):
    assert Settings(env="test").otel_traces_endpoint is None
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/")
    assert Settings(env="test").otel_traces_endpoint == "http://collector:4318/v1/traces"
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces:4318/custom")
    assert Settings(env="test").otel_traces_endpoint == "http://traces:4318/custom"
    monkeypatch.setenv("LOYALTY_OTEL_ENDPOINT", "http://127.0.0.1:4318/v1/traces")
    assert Settings(env="test").otel_traces_endpoint == "http://127.0.0.1:4318/v1/traces"


async def test_without_an_endpoint_nothing_is_set_up(app, no_endpoint_in_environment):
    settings = Settings(env="test")
    _reset_global_tracer_provider()
    assert configure_tracing(settings, exporter=InMemorySpanExporter()) is None

    untraced = create_app(settings, runtime=app.state.runtime)

    assert untraced.state.tracer_provider is None
    extensions = _served_schema(untraced).get_extensions()
    assert extensions and not any(isinstance(extension, OpenTelemetryExtension) for extension in extensions)
    assert not isinstance(trace.get_tracer_provider(), TracerProvider)
    assert build_schema(tracing=False) is build_schema(tracing=False) is not build_schema(tracing=True)  # cache key


async def test_each_operation_makes_spans_named_after_it(traced_app, world):
    exporter = InMemorySpanExporter()
    traced = traced_app("http://127.0.0.1:9/v1/traces", exporter)
    schema = _served_schema(traced)
    assert any(isinstance(extension, OpenTelemetryExtension) for extension in schema.get_extensions())

    await _query(traced, WHO_AM_I, world.tokens["clerk_a"])
    await _query(traced, "{ viewer { kind } }", world.tokens["clerk_a"])
    assert traced.state.tracer_provider.force_flush(5000)

    spans = exporter.get_finished_spans()
    names = [span.name for span in spans]
    assert names.count("GraphQL Query: WhoAmI") == 1 and names.count("GraphQL Query") == 1, names
    assert {"GraphQL Parsing", "GraphQL Validation", "GraphQL Resolving: viewer"} <= set(names), names
    operation = next(span for span in spans if span.name == "GraphQL Query: WhoAmI")
    assert operation.kind is trace.SpanKind.SERVER
    assert operation.attributes["query"] == WHO_AM_I
    assert operation.resource.attributes["service.name"] == "loyalty"
    assert operation.resource.attributes["deployment.environment.name"] == "test"
    resolving = next(span for span in spans if span.name == "GraphQL Resolving: viewer")
    assert resolving.parent is not None and resolving.parent.span_id == operation.context.span_id


class _Collector(BaseHTTPRequestHandler):
    received: list[tuple[str, str, bytes]]
    arrived: threading.Event

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        self.received.append((self.path, self.headers.get("content-type", ""), body))
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", "0")
        self.end_headers()
        self.arrived.set()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def collector():
    handler = type("Collector", (_Collector,), {"received": [], "arrived": threading.Event()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, handler
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


async def test_spans_are_exported_over_otlp_http(traced_app, collector, world, monkeypatch):
    server, handler = collector
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    traced = traced_app(f"http://127.0.0.1:{server.server_address[1]}/v1/traces")

    await _query(traced, WHO_AM_I, world.tokens["clerk_a"])
    assert await asyncio.wait_for(asyncio.to_thread(traced.state.tracer_provider.force_flush, 5000), timeout=10)
    assert await asyncio.to_thread(handler.arrived.wait, 5), "no OTLP request arrived"

    path, content_type, body = handler.received[0]
    assert (path, content_type) == ("/v1/traces", "application/x-protobuf")
    request = ExportTraceServiceRequest.FromString(body)
    resource = request.resource_spans[0].resource
    assert {"key": "service.name", "value": "loyalty"} in [
        {"key": attribute.key, "value": attribute.value.string_value} for attribute in resource.attributes
    ]
    names = [span.name for resource_spans in request.resource_spans for scope in resource_spans.scope_spans
             for span in scope.spans]
    assert "GraphQL Query: WhoAmI" in names, names
