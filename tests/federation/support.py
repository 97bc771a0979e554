"""Real servers for end-to-end tests: our app on a real port (an in-process uvicorn server over
the suite's `app`, so it shares the test database and Redis), and the Node tools of this folder
(commerce subgraph, gateway, composition, graphql-http audit) as bounded subprocesses."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn

NODE_DIR = Path(__file__).resolve().parent
REPO = NODE_DIR.parent.parent
LOCK = NODE_DIR / "package-lock.json"
STAMP = NODE_DIR / "node_modules" / ".lock-sha256"
# Generous: the gateway imports in ~1 s alone, but this machine's cores are shared.
START_TIMEOUT = 60.0
# Subgraph traffic stays on this machine, whatever proxy the environment names.
NODE_ENV = {"APOLLO_TELEMETRY_DISABLED": "1", "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}


def require_node() -> str:
    """The `node` binary, with this folder's pinned packages installed (`npm ci` when
    node_modules is missing or was installed from another package-lock.json). Without Node the tests skip,
    unless LOYALTY_TEST_REQUIRE_NODE is set (CI), where they fail."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        reason = "needs Node 20+ and npm on PATH (the federation gateway and the conformance audit are Node tools)"
        if os.environ.get("LOYALTY_TEST_REQUIRE_NODE"):
            pytest.fail(f"LOYALTY_TEST_REQUIRE_NODE is set: {reason}", pytrace=False)
        pytest.skip(reason)
    install_node_modules(npm)
    return node


def install_node_modules(npm: str) -> None:
    wanted = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, capture_output=True,
                          text=True, timeout=300, check=False)
    if done.returncode != 0:
        pytest.fail(f"npm ci failed in {NODE_DIR}:\n{done.stdout}\n{done.stderr}", pytrace=False)
    STAMP.write_text(wanted)


def run_node(node: str, script: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([node, str(NODE_DIR / script), *args], cwd=NODE_DIR, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **NODE_ENV}, check=False)


async def run_node_async(node: str, script: str, *args: str, timeout: float = 120) -> tuple[int, str, str]:
    """As run_node, without blocking this event loop (which may be serving the script's target)."""
    process = await asyncio.create_subprocess_exec(
        node, str(NODE_DIR / script), *args, cwd=NODE_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, **NODE_ENV},
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    return process.returncode, stdout.decode(), stderr.decode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.asynccontextmanager
async def serve_app(app) -> AsyncIterator[str]:
    """Serves the (already started) app on a free 127.0.0.1 port in this event loop; yields
    its /graphql URL. The suite's lifespan already opened the database, so uvicorn's is off."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False,
                            timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(START_TIMEOUT):
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 10)
        sock.close()


@contextlib.asynccontextmanager
async def node_server(node: str, script: str, env: dict[str, str]) -> AsyncIterator[str]:
    """Starts `node script` with PORT set to a free port, waits (bounded) until it accepts
    connections, yields its /graphql URL and kills it at the end."""
    port = free_port()
    log = tempfile.TemporaryFile(mode="w+")
    process = await asyncio.create_subprocess_exec(
        node, str(NODE_DIR / script), cwd=NODE_DIR, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, **NODE_ENV, **env, "PORT": str(port)},
    )
    try:
        async with asyncio.timeout(START_TIMEOUT):
            while True:
                if process.returncode is not None:
                    log.seek(0)
                    pytest.fail(f"{script} exited with {process.returncode}:\n{log.read()}", pytrace=False)
                try:
                    _, writer = await asyncio.open_connection("127.0.0.1", port)
                except OSError:
                    await asyncio.sleep(0.05)
                    continue
                writer.close()
                break
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()
        log.close()


def write_commerce_data(path: Path, *, products: list[dict] = (), orders: list[dict] = ()) -> None:
    """What the commerce subgraph serves from now on (it reads the file on every request)."""
    path.write_text(json.dumps({"products": list(products), "orders": list(orders)}))


# Fixtures shared by tests/federation and tests/http (imported by their conftest.py).


@pytest.fixture(scope="session")
def node() -> str:
    return require_node()


@pytest.fixture(scope="module")
async def live_url(app) -> AsyncIterator[str]:
    """Our app on a real port, serving the suite's database (one server per test module)."""
    async with serve_app(app) as url:
        yield url
