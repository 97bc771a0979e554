"""/metrics (Prometheus): operations by name with their latency, errors by code, payload
UserErrors by code, points-ledger writes, background job runs and failures, database pool use."""

from __future__ import annotations

import pytest
from taskiq import InMemoryBroker

from server import jobs
from server.metrics import JobMetricsMiddleware
from tests.conftest import requires_postgres
from tests.observability.support import scrape, value
from tests.points.support import RECORD, purchase_input

VIEWER = "query WhoAmI { viewer { kind } }"
MEMBER = "query MemberName($id: ID!) { member(id: $id) { name } }"


async def test_operations_are_counted_and_timed_by_name(client, gql, world):
    before = await scrape(client)
    for _ in range(3):
        await gql(VIEWER, token=world.tokens["clerk_a"])
    await gql("{ viewer { kind } }", token=world.tokens["clerk_a"])
    after = await scrape(client)

    ok = {"operation": "WhoAmI", "type": "query", "outcome": "ok"}
    assert value(after, "loyalty_graphql_operations_total", **ok) - value(
        before, "loyalty_graphql_operations_total", **ok) == 3
    timed = {"operation": "WhoAmI", "type": "query"}
    assert value(after, "loyalty_graphql_operation_seconds_count", **timed) - value(
        before, "loyalty_graphql_operation_seconds_count", **timed) == 3
    assert value(after, "loyalty_graphql_operation_seconds_sum", **timed) > value(
        before, "loyalty_graphql_operation_seconds_sum", **timed)
    anonymous = {"operation": "anonymous", "type": "query", "outcome": "ok"}
    assert value(after, "loyalty_graphql_operations_total", **anonymous) - value(
        before, "loyalty_graphql_operations_total", **anonymous) == 1


async def test_top_level_errors_are_counted_by_code(client, gql, world):
    before = await scrape(client)
    # store B's manager may not read store A's member
    body = await gql(MEMBER, {"id": str(world.member_a.id)}, token=world.tokens["manager_b"], expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await gql(MEMBER, {"id": str(world.member_a.id)}, expect_errors=True)  # no credentials
    after = await scrape(client)

    for code in ("FORBIDDEN", "UNAUTHENTICATED"):
        assert value(after, "loyalty_graphql_errors_total", code=code) - value(
            before, "loyalty_graphql_errors_total", code=code) == 1, code
    failed = {"operation": "MemberName", "type": "query", "outcome": "error"}
    assert value(after, "loyalty_graphql_operations_total", **failed) - value(
        before, "loyalty_graphql_operations_total", **failed) == 2


async def test_user_errors_and_ledger_writes_are_counted(client, gql, world):
    before = await scrape(client)
    clerk = world.tokens["clerk_a"]
    await gql(RECORD, {"input": purchase_input(world, "m-1", "50.00")}, token=clerk)
    await gql(RECORD, {"input": purchase_input(world, "m-1", "60.00")}, token=clerk)  # same order, other amount
    after = await scrape(client)

    earn = {"ledger": "points", "kind": "EARN"}
    assert value(after, "loyalty_ledger_writes_total", **earn) - value(before, "loyalty_ledger_writes_total", **earn) == 1
    assert value(after, "loyalty_user_errors_total", code="ORDER_CONFLICT") - value(
        before, "loyalty_user_errors_total", code="ORDER_CONFLICT") == 1


async def test_job_runs_and_failures_are_counted(client):
    async def broken() -> None:
        raise RuntimeError("the job broke")

    broker = InMemoryBroker()
    broker.add_middlewares(JobMetricsMiddleware())
    broker.register_task(broken, task_name="broken_job")
    broker.register_task(jobs.expire_points, task_name="expire_points")
    before = await scrape(client)
    await broker.startup()
    try:
        assert not (await (await broker.find_task("expire_points").kiq()).wait_result(timeout=30)).is_err
        assert (await (await broker.find_task("broken_job").kiq()).wait_result(timeout=30)).is_err
    finally:
        await broker.shutdown()
    after = await scrape(client)

    def delta(name: str, job: str) -> float:
        return value(after, name, job=job) - value(before, name, job=job)

    assert (delta("loyalty_job_runs_total", "expire_points"), delta("loyalty_job_failures_total", "expire_points")) == (1, 0)
    assert (delta("loyalty_job_runs_total", "broken_job"), delta("loyalty_job_failures_total", "broken_job")) == (1, 1)


def test_the_jobs_broker_counts_its_runs():
    assert any(isinstance(m, JobMetricsMiddleware) for m in jobs.broker.middlewares)


@requires_postgres
async def test_database_pool_use_is_reported(client, app):
    samples = await scrape(client)
    maximum = value(samples, "loyalty_db_pool_connections", state="max")
    assert maximum == 60  # db_pool_max of the suite's app
    in_use, idle = (value(samples, "loyalty_db_pool_connections", state=s) for s in ("in_use", "idle"))
    assert in_use >= 0 and idle >= 0 and in_use + idle <= maximum


async def test_operation_names_from_clients_cannot_grow_labels_without_bound():
    from server.metrics import MAX_OPERATION_NAMES, PrometheusSink

    sink = PrometheusSink()
    labels = {sink.operation_label(f"Op{i}") for i in range(MAX_OPERATION_NAMES + 50)}
    assert len(labels) == MAX_OPERATION_NAMES + 1 and "other" in labels
    assert sink.operation_label("Op1") == "Op1"
    assert sink.operation_label("bad name; drop table") == "invalid"
    assert sink.operation_label(None) == "anonymous"
