"""Prometheus metrics at /metrics: GraphQL operations (count, latency, errors by code), payload
UserError codes, points-ledger writes, background job runs and failures, database pool use.

The inner layers report through domain.metrics (the domain never imports prometheus_client);
`PrometheusSink` turns those reports into the metrics below. One registry per process."""

from __future__ import annotations

import logging
import re
import threading

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from starlette.requests import Request
from starlette.responses import Response
from taskiq import TaskiqMessage, TaskiqMiddleware, TaskiqResult
from tortoise import Tortoise

from domain import metrics

log = logging.getLogger("loyalty.metrics")

REGISTRY = CollectorRegistry(auto_describe=True)

OPERATIONS = Counter("loyalty_graphql_operations", "GraphQL operations by name, type and outcome (ok/error).",
                     ["operation", "type", "outcome"], registry=REGISTRY)
OPERATION_SECONDS = Histogram("loyalty_graphql_operation_seconds", "GraphQL operation latency by name and type.",
                              ["operation", "type"], registry=REGISTRY,
                              buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
GRAPHQL_ERRORS = Counter("loyalty_graphql_errors", "Top-level GraphQL errors by extensions.code.", ["code"],
                         registry=REGISTRY)
USER_ERRORS = Counter("loyalty_user_errors", "Payload UserErrors by code.", ["code"], registry=REGISTRY)
LEDGER_WRITES = Counter("loyalty_ledger_writes", "Ledger entries written (counted before commit).",
                        ["ledger", "kind"], registry=REGISTRY)
JOB_RUNS = Counter("loyalty_job_runs", "Background job runs by job.", ["job"], registry=REGISTRY)
JOB_FAILURES = Counter("loyalty_job_failures", "Background job runs that failed, by job.", ["job"],
                       registry=REGISTRY)

# Operation names come from clients: at most this many distinct ones get their own label value.
MAX_OPERATION_NAMES = 200
_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,63}$")


class PrometheusSink:
    def __init__(self) -> None:
        self._names: set[str] = set()
        self._lock = threading.Lock()

    def operation_label(self, name: str | None) -> str:
        if not name:
            return "anonymous"
        if not _NAME.match(name):
            return "invalid"
        with self._lock:
            if name in self._names or len(self._names) < MAX_OPERATION_NAMES:
                self._names.add(name)
                return name
        return "other"

    def count(self, name: str, labels: dict[str, str], amount: float = 1) -> None:
        if name == "ledger_writes":
            LEDGER_WRITES.labels(**labels).inc(amount)
        elif name == "user_errors":
            USER_ERRORS.labels(**labels).inc(amount)
        elif name == "graphql_errors":
            GRAPHQL_ERRORS.labels(**labels).inc(amount)
        else:
            log.warning("unknown metric %s", name)

    def observe(self, name: str, value: float, labels: dict[str, str]) -> None:
        if name == "graphql_operation":
            operation = self.operation_label(labels.get("operation"))
            OPERATION_SECONDS.labels(operation, labels["type"]).observe(value)
            OPERATIONS.labels(operation, labels["type"], labels["outcome"]).inc()
        else:
            log.warning("unknown metric %s", name)


class DatabasePoolCollector:
    """Connections of the PostgreSQL pool (asyncpg), read at scrape time; SQLite has no pool."""

    def collect(self):
        family = GaugeMetricFamily("loyalty_db_pool_connections", "Database pool connections by state.",
                                   labels=["state"])
        pool = None
        if Tortoise.is_inited():
            try:
                pool = getattr(Tortoise.get_connection("default"), "_pool", None)
            except Exception:  # noqa: BLE001 - no connection configured: nothing to report
                pool = None
        if pool is not None:
            size, idle = pool.get_size(), pool.get_idle_size()
            family.add_metric(["in_use"], size - idle)
            family.add_metric(["idle"], idle)
            family.add_metric(["max"], pool.get_max_size())
        yield family


REGISTRY.register(DatabasePoolCollector())


class JobMetricsMiddleware(TaskiqMiddleware):
    """Counts each task run, and its failure, in the process that runs it."""

    def post_execute(self, message: TaskiqMessage, result: TaskiqResult) -> None:
        JOB_RUNS.labels(message.task_name).inc()
        if result.is_err:
            JOB_FAILURES.labels(message.task_name).inc()


def install_metrics() -> PrometheusSink:
    sink = PrometheusSink()
    metrics.use_sink(sink)
    return sink


async def metrics_endpoint(request: Request) -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
