"""/healthz says the process is up; /readyz also needs the database and Redis. Log lines are JSON
in production and carry the request id and the GraphQL operation name."""

from __future__ import annotations

import json
import logging

import structlog
from tortoise import Tortoise

from server.logging import configure_logging


class UnreachableDatabase:
    async def execute_query(self, *args, **kwargs):
        raise ConnectionRefusedError("database is down")


async def test_readyz_fails_while_the_database_is_unreachable_and_healthz_does_not(client, monkeypatch):
    assert (await client.get("/readyz")).status_code == 200
    monkeypatch.setattr(Tortoise, "get_connection", lambda name: UnreachableDatabase())

    not_ready = await client.get("/readyz")
    up = await client.get("/healthz")

    assert not_ready.status_code == 503
    assert not_ready.json() == {"status": "not ready", "database": "error: ConnectionRefusedError", "redis": "ok"}
    assert (up.status_code, up.json()) == (200, {"status": "ok"})


async def test_log_lines_carry_request_id_and_operation_name(client, world, capsys):
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure_logging("INFO", json=True)
    try:
        response = await client.post(
            "/graphql", json={"query": "query WhoAmI { viewer { kind } }"},
            headers={"authorization": f"Bearer {world.tokens['clerk_a']}", "x-request-id": "req-42"},
        )
        assert response.status_code == 200
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
        structlog.reset_defaults()
        structlog.contextvars.clear_contextvars()
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("logger") == "loyalty.graphql.access" or "WhoAmI" in line["event"]]
    assert access, lines
    assert access[-1]["request_id"] == "req-42"
    assert access[-1]["operation"] == "WhoAmI"
    assert access[-1]["operation_type"] == "query" and access[-1]["error_codes"] == []
    assert access[-1]["duration_ms"] >= 0
