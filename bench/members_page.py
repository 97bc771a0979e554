"""Benchmark: member pages, staff sign-in and enrolment through the real ASGI app.

    LOYALTY_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/members_page.py

The database URL defaults to a temporary SQLite file. On PostgreSQL the URL names a server (its
database is only used to connect): the benchmark creates its own database there and drops it at
the end. It migrates, seeds a brand with 3 stores and N members (bulk insert), starts the app
in-process (httpx over ASGI: client and server share one event loop, so the figures are a floor
for one process, without network or a router) and measures, each with a bounded request count:

- `members(first: 50)` pages with `homeStore`, walking cursors, for an hq_operator (the whole
  brand) and a store manager (its own store), and the SQL statements one page costs;
- `login` (argon2 verification dominates);
- `registerMember` by clerks.

Every scenario runs with --clients concurrent clients (default 16), member pages also with one
client alone, and every response is checked.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import asyncpg
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.members.models import Member, MemberSource  # noqa: E402
from domain.members.service import new_referral_code  # noqa: E402
from domain.runtime import LoggingCodeSender, Runtime  # noqa: E402
from franchise import brands, staff, stores  # noqa: E402
from policies import Principal, Role  # noqa: E402
from server import db  # noqa: E402
from server.app import create_app  # noqa: E402
from server.redis import make_redis  # noqa: E402
from server.settings import Settings  # noqa: E402

PASSWORD = "bench-password-123"
SLUG = "bench"
MEMBERS_PAGE = """
query($after: String) {
  members(first: 50, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id name phone createdAt homeStore { id code name } } }
  }
}"""
LOGIN = """
mutation($input: LoginInput!) { login(input: $input) { token errors { code message } } }"""
REGISTER = """
mutation($input: RegisterMemberInput!) {
  registerMember(input: $input) { member { id homeStore { code } } errors { code message } }
}"""


@dataclass
class Result:
    name: str
    latencies: list[float]
    seconds: float

    def row(self) -> str:
        ms = sorted(x * 1000 for x in self.latencies)
        p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
        return (f"| {self.name} | {len(ms)} | {statistics.median(ms):.1f} | {p95:.1f} | "
                f"{len(ms) / self.seconds:.0f} |")


# Database: a temporary SQLite file, or a PostgreSQL database of our own


@asynccontextmanager
async def bench_database(url: str):
    if url.startswith(("postgres://", "postgresql://")):
        name = f"loyalty_bench_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(url)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        try:
            yield f"{url.rsplit('/', 1)[0]}/{name}"
        finally:
            admin = await asyncpg.connect(url)
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await admin.close()
    elif url:
        yield url
    else:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite://{Path(folder) / 'bench.sqlite3'}"


@dataclass
class Seeded:
    store_ids: list[int]
    manager_email: str
    clerk_emails: list[str]


async def seed(member_count: int, clients: int) -> Seeded:
    """The organisation through the services; the members by bulk insert."""
    brand, admin = await brands.create_brand(
        Principal.platform(), slug=SLUG, name="Bench Bakery", admin_email="admin@bench.test",
        admin_password=PASSWORD,
    )
    hq = Principal.staff(staff_id=admin.id, brand_id=brand.id, role=Role.HQ_ADMIN, store_id=None)
    await staff.create_staff(hq, email="operator@bench.test", name="Operator", password=PASSWORD,
                             role=Role.HQ_OPERATOR.value)
    store_ids = []
    for code, city in (("SH01", "Shanghai"), ("SH02", "Shanghai"), ("HZ01", "Hangzhou")):
        store = await stores.create_store(hq, code=code, name=f"Store {code}", city=city)
        store_ids.append(store.id)
    await staff.create_staff(hq, email="manager@bench.test", name="Manager", password=PASSWORD,
                             role=Role.STORE_MANAGER.value, store_id=store_ids[0])
    # One clerk per client: the login rate limit counts per e-mail (and per IP).
    clerk_emails = [f"clerk{i}@bench.test" for i in range(clients)]
    for i, email in enumerate(clerk_emails):
        await staff.create_staff(hq, email=email, name=f"Clerk {i}", password=PASSWORD,
                                 role=Role.STORE_CLERK.value, store_id=store_ids[i % 3])
    rng = random.Random(20261125)
    codes: set[str] = set()
    while len(codes) < member_count:
        codes.add(new_referral_code())
    start = datetime.now(timezone.utc) - timedelta(days=365)
    members = [
        Member(brand_id=brand.id, phone=f"+86138{i:08d}", name=f"Member {i}",
               home_store_id=rng.choices(store_ids, weights=[5, 3, 2])[0],
               source=MemberSource.IMPORT, referral_code=code,
               created_at=start + timedelta(minutes=i))
        for i, code in enumerate(sorted(codes))
    ]
    await Member.bulk_create(members, batch_size=1000)
    return Seeded(store_ids=store_ids, manager_email="manager@bench.test", clerk_emails=clerk_emails)


# Load


class Caller:
    def __init__(self, app, ip: str) -> None:
        self.http = AsyncClient(transport=ASGITransport(app=app, client=(ip, 40000)), base_url="http://bench")

    async def graphql(self, query: str, variables: dict, token: str | None = None) -> dict:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post("/graphql", json={"query": query, "variables": variables},
                                        headers=headers)
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"request failed: {response.status_code} {body}")
        return body["data"]


async def drive(name: str, callers: list[Caller], requests: int, make_request) -> Result:
    """`requests` requests split evenly between the callers, each caller one at a time."""
    latencies: list[float] = []

    async def client(index: int, caller: Caller) -> None:
        for n in range(index, requests, len(callers)):
            began = time.perf_counter()
            await make_request(index, n, caller)
            latencies.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(client(i, c) for i, c in enumerate(callers)))
    clients = f"{len(callers)} client" + ("s" if len(callers) > 1 else "")
    return Result(f"{name}, {clients}", latencies, time.perf_counter() - began)


async def login(caller: Caller, email: str) -> str:
    data = await caller.graphql(LOGIN, {"input": {"brandSlug": SLUG, "email": email, "password": PASSWORD}})
    if data["login"]["errors"]:
        raise RuntimeError(f"login failed: {data['login']['errors']}")
    return data["login"]["token"]


async def page_cursors(caller: Caller, token: str, pages: int) -> list[str | None]:
    """Cursors of the first `pages` pages, so the load reads shallow and deep pages alike."""
    cursors: list[str | None] = [None]
    while len(cursors) < pages:
        page = (await caller.graphql(MEMBERS_PAGE, {"after": cursors[-1]}, token))["members"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        cursors.append(page["pageInfo"]["endCursor"])
    return cursors


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@contextmanager
def counting_queries():
    logger = logging.getLogger("tortoise.db_client")
    counter, previous = _Counter(), logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    logger.propagate = False  # count the statements, do not print them
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(previous)
        logger.propagate = True


async def queries_per_page(caller: Caller, token: str, after: str | None) -> int:
    with counting_queries() as counter:
        page = (await caller.graphql(MEMBERS_PAGE, {"after": after}, token))["members"]
    assert page["edges"], "a page with members"
    return counter.count


async def run(args: argparse.Namespace) -> None:
    requested = os.environ.get("LOYALTY_BENCH_DATABASE_URL", "")
    async with bench_database(requested) as url:
        await db.migrate(url)
        await db.close_db()
        settings = Settings(env="test", database_url=url, secret_key="bench-secret-" + "x" * 32,
                            db_pool_max=args.clients + 4)
        runtime = Runtime(redis=make_redis(None), code_sender=LoggingCodeSender(), secret_key=settings.secret_key)
        app = create_app(settings, runtime=runtime)
        async with LifespanManager(app):
            began = time.perf_counter()
            seeded = await seed(args.members, args.clients)
            seed_seconds = time.perf_counter() - began
            callers = [Caller(app, f"10.0.0.{i + 1}") for i in range(args.clients)]
            operator = await login(callers[0], "operator@bench.test")
            manager = await login(callers[0], seeded.manager_email)
            results, queries = [], {}
            for who, token in (("hq_operator", operator), ("store_manager", manager)):
                cursors = await page_cursors(callers[0], token, pages=20)
                queries[who] = (await queries_per_page(callers[0], token, None),
                                await queries_per_page(callers[0], token, cursors[-1]), len(cursors))

                async def page(index, n, caller, token=token, cursors=cursors):
                    await caller.graphql(MEMBERS_PAGE, {"after": cursors[n % len(cursors)]}, token)

                # One client alone shows a page's own latency; then all clients at once.
                results.append(await drive(f"members(first: 50) + homeStore, {who}",
                                           callers[:1], args.requests // 4, page))
                results.append(await drive(f"members(first: 50) + homeStore, {who}", callers,
                                           args.requests, page))

            async def sign_in(index, n, caller):
                await login(caller, seeded.clerk_emails[index])

            # The login limit is 10 per e-mail and 50 per IP in five minutes: stay under it.
            results.append(await drive("login", callers, min(args.requests, 8 * args.clients), sign_in))
            clerks = [await login(c, e) for c, e in zip(callers, seeded.clerk_emails)]

            async def register(index, n, caller):
                data = await caller.graphql(REGISTER, {"input": {"phone": f"+86139{n:08d}", "name": "New"}},
                                            clerks[index])
                if data["registerMember"]["errors"]:
                    raise RuntimeError(data["registerMember"]["errors"])

            results.append(await drive("registerMember (clerks)", callers, args.requests, register))
            for caller in callers:
                await caller.http.aclose()

    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"\n{engine}, {args.members:,} members (seeded in {seed_seconds:.1f} s), "
          f"{args.clients} concurrent clients, in-process ASGI\n")
    print("| scenario | requests | p50 ms | p95 ms | req/s |")
    print("|---|---:|---:|---:|---:|")
    for result in results:
        print(result.row())
    print("\n| SQL statements per members page (first: 50), with the caller's look-up | first page | deepest page walked |")
    print("|---|---:|---:|")
    for who, (first, deep, depth) in queries.items():
        print(f"| {who} | {first} | {deep} (page {depth}) |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000, help="members to seed (default 10,000)")
    parser.add_argument("--requests", type=int, default=320, help="requests per scenario (default 320)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
