"""Each GraphQL operation is timed, counted and logged with its name (through domain.metrics,
which server/metrics.py turns into Prometheus metrics), and every log line written while it
runs carries `operation` beside the request id."""

from __future__ import annotations

import logging
import time

import structlog
from strawberry.extensions import SchemaExtension

from domain import metrics

log = logging.getLogger("loyalty.graphql.access")


class ObserveOperations(SchemaExtension):
    """Listed before ErrorCodes, so it sees the errors after their codes are settled."""

    def on_operation(self):
        started = time.perf_counter()
        context = self.execution_context
        yield
        seconds = time.perf_counter() - started
        name = self._name()
        try:
            kind = context.operation_type.value
        except Exception:  # noqa: BLE001 - a document that did not parse has no type
            kind = "unknown"
        errors = getattr(context.result, "errors", None) or []
        codes = [(error.extensions or {}).get("code") or "UNKNOWN" for error in errors]
        for code in codes:
            metrics.count("graphql_errors", code=code)
        metrics.observe("graphql_operation", seconds, operation=name or "", type=kind,
                        outcome="error" if codes else "ok")
        log.info("graphql %s %s", kind, name or "(anonymous)",
                 extra={"operation_type": kind, "duration_ms": round(seconds * 1000, 1), "error_codes": codes})

    def on_execute(self):
        # Parsed by now, so a document's only operation is named even when the request did not say.
        name = self._name()
        if name:
            structlog.contextvars.bind_contextvars(operation=name)
        yield

    def _name(self) -> str | None:
        try:
            return self.execution_context.operation_name
        except Exception:  # noqa: BLE001 - a document that did not parse has no operation
            return None
