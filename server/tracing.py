"""Optional OpenTelemetry tracing: off unless an OTLP endpoint is configured (server.settings,
`otel_traces_endpoint`). Then spans of every GraphQL operation (strawberry's OpenTelemetryExtension,
added by `build_schema(tracing=True)`) go through a batch processor to the OTLP/HTTP exporter."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

from server.settings import Settings

SERVICE_NAME = "loyalty"


def configure_tracing(settings: Settings, *, exporter: SpanExporter | None = None) -> TracerProvider | None:
    """The process's TracerProvider (also installed as the global one, which strawberry's extension
    uses), or None when no endpoint is configured: then nothing is set up and nothing is sent.
    `exporter` replaces the OTLP/HTTP exporter (tests pass an in-memory one)."""
    endpoint = settings.otel_traces_endpoint
    if endpoint is None:
        return None
    try:
        service_version = version("loyalty-platform")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        service_version = "unknown"
    # Resource.create also reads OTEL_RESOURCE_ATTRIBUTES; the attributes given here win.
    resource = Resource.create({
        "service.name": SERVICE_NAME,
        "service.version": service_version,
        "deployment.environment.name": settings.env,
    })
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(exporter or OTLPSpanExporter(endpoint=endpoint)))
    trace.set_tracer_provider(provider)
    return provider


def shutdown_tracing(provider: TracerProvider | None) -> None:
    """Flushes the spans still queued and stops the exporter (blocking: run it off the event loop)."""
    if provider is not None:
        provider.shutdown()
