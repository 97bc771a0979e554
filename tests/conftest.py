"""The suite runs against a fresh database it creates: an SQLite file by default, or a new
PostgreSQL database when LOYALTY_TEST_DATABASE_URL points at a server (CI's second pass).
LOYALTY_TEST_REDIS_URL selects a real Redis instead of the in-process stand-in."""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import pytest
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient
from tortoise import Tortoise

from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST

from domain.runtime import Runtime
from franchise.passwords import use_hasher
from policies import enforcer
from server import db
from server.app import create_app
from server.redis import make_redis
from server.settings import Settings

PG_ADMIN_URL = os.environ.get("LOYALTY_TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("LOYALTY_TEST_REDIS_URL") or None
ON_POSTGRES = PG_ADMIN_URL.startswith(("postgres://", "postgresql://"))
# Tables whose rows are configuration that every test shares (reset separately).
KEEP_TABLES = {"casbin_rule", "tortoise_migrations"}

if os.environ.get("LOYALTY_TEST_REQUIRE_POSTGRES") and not ON_POSTGRES:
    raise pytest.UsageError("LOYALTY_TEST_REQUIRE_POSTGRES is set but LOYALTY_TEST_DATABASE_URL is not PostgreSQL")

# Real argon2 hashes, with parameters cheap enough for hundreds of test accounts.
use_hasher(PasswordHasher.from_parameters(CHEAPEST))

requires_postgres = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="needs PostgreSQL (set LOYALTY_TEST_DATABASE_URL): SQLite serialises writers, "
    "so it cannot show row locks and unique-index races between concurrent requests",
)


class CapturingSender:
    """Keeps one-time codes so tests can sign in as a member would."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, *, brand_name: str, phone: str, code: str) -> None:
        self.sent.append((phone, code))

    def last_code(self, phone: str) -> str:
        return next(code for p, code in reversed(self.sent) if p == phone)


async def _create_pg_database() -> tuple[str, str]:
    name = f"loyalty_test_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return name, f"{base}/{name}"


async def _drop_pg_database(name: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
async def database_url():
    if ON_POSTGRES:
        name, url = await _create_pg_database()
        yield url
        await _drop_pg_database(name)
    else:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite://{Path(folder) / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def sender() -> CapturingSender:
    return CapturingSender()


@pytest.fixture(scope="session")
async def app(database_url, sender):
    # The schema comes from the migrations, as in production.
    await db.migrate(database_url)
    await db.close_db()
    settings = Settings(
        env="test", database_url=database_url, redis_url=REDIS_URL,
        secret_key="test-secret-key-" + "x" * 32, db_pool_max=60,
    )
    runtime = Runtime(redis=make_redis(REDIS_URL), code_sender=sender, secret_key=settings.secret_key)
    application = create_app(settings, runtime=runtime)
    async with LifespanManager(application):
        yield application


@pytest.fixture(autouse=True)
async def clean_state(request, app):
    """Every test starts from empty tables, the default policy and an empty Redis."""
    yield
    connection = Tortoise.get_connection("default")
    tables = [m._meta.db_table for m in Tortoise.apps["loyalty"].values()]
    tables = [t for t in tables if t not in KEEP_TABLES]
    # DELETE with foreign-key checks off, so the order does not matter; far cheaper than
    # TRUNCATE on PostgreSQL for a dozen tiny tables. Ids are not reset: no test relies on them.
    if ON_POSTGRES:
        checks_off, checks_on = "SET session_replication_role = replica;", "SET session_replication_role = DEFAULT;"
    else:
        checks_off, checks_on = "PRAGMA foreign_keys = OFF;", "PRAGMA foreign_keys = ON;"
    deletes = "".join(f"DELETE FROM {table};" for table in tables)
    await connection.execute_script(checks_off + deletes + checks_on)
    from policies.storage import CasbinRule

    if await CasbinRule.exclude(v1="*").exists():
        await CasbinRule.exclude(v1="*").delete()
    await enforcer.load_enforcer()
    await app.state.runtime.redis.flushdb()


@pytest.fixture
async def client(app):
    async with AsyncClient(
        transport=ASGITransport(app=app, client=("127.0.0.1", 50000)), base_url="http://test"
    ) as http:
        yield http


class GraphQLClient:
    """Real HTTP requests through the ASGI app, with a real bearer credential."""

    def __init__(self, http: AsyncClient) -> None:
        self.http = http

    async def __call__(self, query: str, variables: dict | None = None, *, token: str | None = None,
                       expect_errors: bool = False) -> dict:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        if not expect_errors:
            assert not body.get("errors"), body["errors"]
        return body


@pytest.fixture
def gql(client) -> GraphQLClient:
    return GraphQLClient(client)


@pytest.fixture
def tokens(app):
    return app.state.tokens


@pytest.fixture
async def world(tokens):
    """Two brands and a caller of every kind (tests/factories.py, World)."""
    from tests.factories import make_world

    return await make_world(tokens)


class QueryCounter:
    def __init__(self) -> None:
        self.queries: list[str] = []

    @property
    def count(self) -> int:
        return len(self.queries)


class _CountingHandler(logging.Handler):
    def __init__(self, counter: QueryCounter) -> None:
        super().__init__(logging.DEBUG)
        self.counter = counter

    def emit(self, record: logging.LogRecord) -> None:
        self.counter.queries.append(record.getMessage())


@pytest.fixture
def count_queries():
    """`with count_queries() as counter:` counts the SQL statements Tortoise sends."""

    @contextmanager
    def counting():
        logger = logging.getLogger("tortoise.db_client")
        counter = QueryCounter()
        handler = _CountingHandler(counter)
        previous = logger.level
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
        try:
            yield counter
        finally:
            logger.removeHandler(handler)
            logger.setLevel(previous)

    return counting


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """One SQLite file migrated by `loyalty migrate` as an operator runs it, copied by the command
    line tests that need a fresh database (`tests.cli.conftest.Cli.migrated`)."""
    from tests.cli.conftest import Cli, ok

    folder = tmp_path_factory.mktemp("migrated")
    cli = Cli(database=folder / "migrated.sqlite3", workdir=folder)
    ok(cli("migrate"))
    return cli.database
