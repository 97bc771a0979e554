"""Counters and timings the inner layers report without knowing who collects them.

server/metrics.py installs a sink that maps these names onto Prometheus metrics; with no sink
(the CLI, unit tests) reporting costs nothing. Names used: `ledger_writes` (ledger, kind),
`user_errors` (code), `graphql_errors` (code), `graphql_operation` (seconds; operation, type)."""

from __future__ import annotations

from typing import Protocol


class MetricsSink(Protocol):
    def count(self, name: str, labels: dict[str, str], amount: float = 1) -> None: ...

    def observe(self, name: str, value: float, labels: dict[str, str]) -> None: ...


_sink: MetricsSink | None = None


def use_sink(sink: MetricsSink | None) -> None:
    global _sink
    _sink = sink


def count(name: str, amount: float = 1, **labels: str) -> None:
    if _sink is not None:
        _sink.count(name, labels, amount)


def observe(name: str, value: float, **labels: str) -> None:
    if _sink is not None:
        _sink.observe(name, value, labels)
