"""Two server processes on one PostgreSQL database and one Redis: a purchase recorded through
process A reaches a subscriber connected to process B (Redis pub/sub, published after commit),
and so does an expiry run by the command line in a third process."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import ON_POSTGRES, REDIS_URL, requires_postgres
from tests.points.support import RECORD, purchase_input
from tests.subscriptions.support import POINTS_CHANGED, subscribe

ROOT = Path(__file__).resolve().parents[2]
TEST_SECRET = "test-secret-key-" + "x" * 32  # as tests/conftest.py, so the suite's tokens work

pytestmark = [
    requires_postgres,
    pytest.mark.skipif(ON_POSTGRES and not REDIS_URL, reason="needs Redis (set LOYALTY_TEST_REDIS_URL)"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def server_process(database_url: str, log: Path):
    port = free_port()
    env = {**os.environ, "LOYALTY_DATABASE_URL": database_url, "LOYALTY_REDIS_URL": REDIS_URL,
           "LOYALTY_SECRET_KEY": TEST_SECRET, "LOYALTY_ENV": "test", "LOYALTY_LOG_LEVEL": "WARNING",
           "LOYALTY_DB_POOL_MAX": "5"}  # the PostgreSQL server is shared: take few connections
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "server.app:create_app", "--host", "127.0.0.1",
             "--port", str(port), "--ws", "wsproto", "--no-access-log"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
        try:
            yield f"http://127.0.0.1:{port}", process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def wait_ready(http: httpx.AsyncClient, process: subprocess.Popen, log: Path) -> None:
    for _ in range(300):
        assert process.poll() is None, log.read_text()
        try:
            if (await http.get("/readyz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError(f"server did not become ready:\n{log.read_text()}")


async def test_change_made_through_a_reaches_subscriber_on_b(app, database_url, world, tmp_path):
    with ExitStack() as stack:
        url_a, process_a = stack.enter_context(server_process(database_url, tmp_path / "a.log"))
        url_b, process_b = stack.enter_context(server_process(database_url, tmp_path / "b.log"))
        async with httpx.AsyncClient(base_url=url_a, timeout=10) as a, \
                httpx.AsyncClient(base_url=url_b, timeout=10) as b:
            await wait_ready(a, process_a, tmp_path / "a.log")
            await wait_ready(b, process_b, tmp_path / "b.log")
            # given member A subscribed on process B (the first message: its balance now)
            async with subscribe(b, POINTS_CHANGED, {"memberId": str(world.member_a.id)},
                                 token=world.tokens["member"]) as sub:
                assert (await sub.next_change())["balance"] == 0
                # when a clerk records a purchase on process A
                response = await a.post("/graphql", json={"query": RECORD, "variables": {
                    "input": purchase_input(world, "cross-1", "120.00")}},
                    headers={"authorization": f"Bearer {world.tokens['clerk_a']}"})
                payload = response.json()["data"]["recordPurchase"]
                assert payload["errors"] == [] and payload["balance"] == 120
                # then the subscriber on B hears it
                change = await sub.next_change()
                assert (change["balance"], change["delta"], change["kind"]) == (120, 120, "EARN")
                assert change["memberId"] == str(world.member_a.id)

                # and when the expiry job runs in a third process (`loyalty expire-points`) at a
                # moment past the lot's expiry, the subscriber on B hears that too
                env = {**os.environ, "LOYALTY_DATABASE_URL": database_url, "LOYALTY_REDIS_URL": REDIS_URL,
                       "LOYALTY_SECRET_KEY": TEST_SECRET, "LOYALTY_ENV": "test"}
                expiry = await asyncio.create_subprocess_exec(
                    str(Path(sys.executable).parent / "loyalty"), "expire-points", "--at", "2100-01-01T00:00+00:00",
                    cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                output, _ = await expiry.communicate()
                assert expiry.returncode == 0, output.decode()
                expired = await sub.next_change()
                assert (expired["balance"], expired["delta"], expired["kind"]) == (0, -120, "EXPIRE")
