"""Benchmark: recordPurchase throughput and latency on PostgreSQL, beside pgbench on the same machine.

    LOYALTY_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/accrual.py

The URL names a PostgreSQL server (default the one above; its database is only used to connect):
the benchmark creates its own database there, migrates it, seeds a brand with a three-level SPEND
tier programme, 3 stores, a clerk per store and --members members (bulk insert), then measures,
each with a bounded number of requests (every one a new order id) split over --clients clients:

- the domain service `record_purchase` called in-process (no HTTP, no GraphQL: the floor of what
  the ORM and the database cost), with the SQL statements of one purchase counted;
- the real app served by uvicorn on 127.0.0.1 (a subprocess configured only by LOYALTY_* variables,
  LOYALTY_ENV=development, one worker, then --workers 2), driven by httpx (one keep-alive
  connection per client) with the `recordPurchase` mutation, each request by a clerk of its store
  on a random member ("spread") and then with every client on --hot-members members ("hot": the
  account row lock serialises them);
- `pgbench` tpcb-like on a scratch database of the same server (after the app has stopped), so
  the accrual rate can be read as a share of what the machine's PostgreSQL does.

Every response is checked (no GraphQL error, no payload error, not a replay) and the ledgers are
verified at the end; the CPU each scenario cost the driver, the app and PostgreSQL is read from
/proc. The databases are dropped at the end. LOYALTY_BENCH_REDIS_URL makes the app
use a real Redis (default: the in-process stand-in). The whole run takes under 3 minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import os
import pstats
import random
import re
import secrets
import signal
import socket
import sys
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.members.models import Member, MemberSource  # noqa: E402
from domain.members.service import new_referral_code  # noqa: E402
from domain.points import rules as points_rules  # noqa: E402
from domain.points.models import Purchase  # noqa: E402
from domain.points.purchases import Channel, record_purchase  # noqa: E402
from domain.points.verify import verify_ledgers  # noqa: E402
from domain.tiers.models import TierMode  # noqa: E402
from domain.tiers.service import Level, update_tier_program  # noqa: E402
from franchise import brands, staff, stores  # noqa: E402
from franchise.errors import DomainError  # noqa: E402
from policies import Principal, Role, enforcer  # noqa: E402
from server import db  # noqa: E402
from server.tokens import TokenIssuer  # noqa: E402
from bench.members_page import bench_database, counting_queries  # noqa: E402

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
PASSWORD = "bench-password-123"
RECORD_PURCHASE = """
mutation($input: RecordPurchaseInput!) {
  recordPurchase(input: $input) { pointsEarned balance replayed errors { code } }
}"""
TIERS = [  # SPEND thresholds in fen: a few members reach a level during the run, as in a shop
    Level(1, "Silver", 50_000, points_multiplier="1", welcome_points=100),
    Level(2, "Gold", 200_000, points_multiplier="1.5", welcome_points=300),
    Level(3, "Platinum", 500_000, points_multiplier="2", welcome_points=800),
]


# CPU accounting from /proc (Linux): who used the 2 cores during a scenario

HZ = os.sysconf("SC_CLK_TCK")


@dataclass
class Cpu:
    busy: float  # the machine's busy and total CPU seconds
    total: float
    bench: float  # this process, and its children that have ended (pgbench)
    processes: dict[int, float]  # the served app's processes (or pgbench), by pid
    backends: dict[int, float]  # the PostgreSQL backends of our database, by pid

    def __sub__(self, before: Cpu) -> Cpu:
        # A process that ended meanwhile takes its time with it: keep connections open while measuring.
        def used(now: dict[int, float], then: dict[int, float]) -> dict[int, float]:
            return {pid: seconds - then.get(pid, 0.0) for pid, seconds in now.items()}

        return Cpu(self.busy - before.busy, self.total - before.total, self.bench - before.bench,
                   used(self.processes, before.processes), used(self.backends, before.backends))

    @property
    def app(self) -> float:
        return sum(self.processes.values())

    @property
    def postgres(self) -> float:
        return sum(self.backends.values())

    def split(self) -> str:
        """How the app's CPU divides between its busy processes, e.g. "52/48"."""
        shares = sorted((100 * x / self.app for x in self.processes.values() if x > 0.02 * self.app),
                        reverse=True)
        return "/".join(f"{share:.0f}" for share in shares)

    def cores(self) -> float:
        return self.busy / self.total * (os.cpu_count() or 1)


@dataclass
class Meter:
    """Reads from /proc (Linux) who used the CPU: the app is `app_pid` and its children, the
    database's backends are the postgres processes whose title names `database`."""

    database: str
    app_pid: int | None = None

    def read(self) -> Cpu:
        with open("/proc/stat") as stat:
            ticks = [int(x) for x in stat.readline().split()[1:9]]  # user … steal
        processes, backends = {}, {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"{entry.path}/stat") as stat:
                    head, _, tail = stat.read().rpartition(")")
                title = Path(entry.path, "cmdline").read_bytes() if "(postgres" in head else b""
            except OSError:  # gone meanwhile
                continue
            fields = tail.split()  # state, ppid, …: utime and stime are fields 14 and 15 of the line
            used = (int(fields[11]) + int(fields[12])) / HZ
            if f" {self.database} ".encode() in title:
                backends[int(entry.name)] = used
            elif self.app_pid is not None and self.app_pid in (int(entry.name), int(fields[1])):
                processes[int(entry.name)] = used
        own = os.times()
        return Cpu((sum(ticks) - ticks[3] - ticks[4]) / HZ, sum(ticks) / HZ,
                   own.user + own.system + own.children_user + own.children_system, processes, backends)


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    cores: float  # of the machine, busy on average, whoever used them
    cpu_ms: tuple[float | None, float | None, float]  # per request: driver, app, PostgreSQL
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def row(self, pgbench_tps: float) -> str:
        ms = sorted(x * 1000 for x in self.latencies)

        def pct(p: float) -> str:
            return f"{ms[min(len(ms) - 1, round(p * (len(ms) - 1)))]:.1f}" if ms else "–"

        cpu = " | ".join("–" if x is None else f"{x:.1f}" for x in self.cpu_ms)
        return (f"| {self.name} | {self.requests} | {len(self.errors)} | {self.rate:.0f} | {pct(0.5)} | "
                f"{pct(0.95)} | {pct(0.99)} | {100 * self.rate / pgbench_tps:.0f}% | {cpu} | {self.cores:.1f} |")


# Databases of our own on the server (bench_database creates one and drops it at the end)


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[1]


@asynccontextmanager
async def database(url: str, pool_max: int):
    """Tortoise and the policy open in this process, as the app opens them."""
    await db.init_db(url, pool_max)
    try:
        await enforcer.load_enforcer()
        yield
    finally:
        await db.close_db()


# The brand


@dataclass
class Clerk:
    principal: Principal
    store_id: int
    token: str = ""


@dataclass
class Seeded:
    brand_id: int
    clerks: list[Clerk]
    member_ids: list[int]


async def seed(member_count: int) -> Seeded:
    """The organisation through the services; the members by bulk insert."""
    brand, admin = await brands.create_brand(
        Principal.platform(), slug="bench", name="Bench Bakery", admin_email="admin@bench.test",
        admin_password=PASSWORD,
    )
    hq = Principal.staff(staff_id=admin.id, brand_id=brand.id, role=Role.HQ_ADMIN, store_id=None)
    await update_tier_program(hq, mode=TierMode.SPEND, evaluation_months=12, levels=list(TIERS))
    await points_rules.current_rules(brand.id)  # stores the default rules (version 1)
    clerks = []
    for code, city in (("SH01", "Shanghai"), ("SH02", "Shanghai"), ("HZ01", "Hangzhou")):
        store = await stores.create_store(hq, code=code, name=f"Store {code}", city=city)
        clerk = await staff.create_staff(hq, email=f"clerk.{code.lower()}@bench.test", name=f"Clerk {code}",
                                         password=PASSWORD, role=Role.STORE_CLERK.value, store_id=store.id)
        clerks.append(Clerk(Principal.staff(staff_id=clerk.id, brand_id=brand.id, role=Role.STORE_CLERK,
                                            store_id=store.id), store.id))
    codes: set[str] = set()
    while len(codes) < member_count:
        codes.add(new_referral_code())
    start = datetime.now(timezone.utc) - timedelta(days=365)
    await Member.bulk_create([
        Member(brand_id=brand.id, phone=f"+86138{i:08d}", name=f"Member {i}",
               home_store_id=clerks[i % 3].store_id, source=MemberSource.IMPORT, referral_code=code,
               created_at=start + timedelta(minutes=i))
        for i, code in enumerate(sorted(codes))
    ], batch_size=1000)
    member_ids = list(await Member.filter(brand_id=brand.id).order_by("id").values_list("id", flat=True))
    return Seeded(brand.id, clerks, member_ids)


# Load: a bounded number of purchases, each a new order, split over concurrent clients


@dataclass
class Order:
    order_id: str
    member_id: int
    amount: Decimal


def orders(tag: str, count: int, member_ids: list[int], rng: random.Random) -> list[Order]:
    return [Order(f"{tag}-{n}", rng.choice(member_ids), Decimal(rng.randrange(500, 30_000)) / 100)
            for n in range(count)]


Send = Callable[[int, Clerk, Order], Awaitable[str | None]]  # (client, …) → None, or what went wrong


async def drive(name: str, clients: int, clerks: list[Clerk], plan: list[Order], send: Send,
                seconds: float, meter: Meter, stagger: float = 0.0) -> Result:
    """Client i sends orders i, i + clients, … one at a time, as clerk i mod 3 (at its store),
    until the plan is done or `seconds` have passed (the run stays bounded on a slow machine).
    With `stagger`, client i starts i × stagger seconds late."""
    latencies: list[float] = []
    errors: list[str] = []
    stop = time.perf_counter() + seconds

    async def client(index: int) -> None:
        clerk = clerks[index % len(clerks)]
        await asyncio.sleep(index * stagger)
        for order in plan[index::clients]:
            began = time.perf_counter()
            if began > stop:
                return
            try:
                problem = await send(index, clerk, order)
            except (DomainError, httpx.HTTPError) as error:
                problem = f"{type(error).__name__}: {error}"
            latencies.append(time.perf_counter() - began)
            if problem:
                errors.append(problem)

    began, cpu = time.perf_counter(), meter.read()
    await asyncio.gather(*(client(i) for i in range(clients)))
    seconds, cpu = time.perf_counter() - began, meter.read() - cpu
    n = max(len(latencies), 1) / 1000
    # In-process, this one process is the app (its driver's share is small).
    driver, app = (None, cpu.bench / n) if meter.app_pid is None else (cpu.bench / n, cpu.app / n)
    split = cpu.split() if meter.app_pid is not None else ""
    name = f"{name}, {clients} clients" + (f" (worker CPU split {split} %)" if "/" in split else "")
    return Result(name, len(latencies), seconds, cpu.cores(),
                  (driver, app, cpu.postgres / n), latencies, errors)


async def in_process(client: int, clerk: Clerk, order: Order) -> str | None:
    accrual = await record_purchase(clerk.principal, member_id=order.member_id, store_id=clerk.store_id,
                                    amount=order.amount, order_id=order.order_id, channel=Channel.STORE)
    return "replayed" if accrual.replayed else None


def over_http(connections: list[httpx.AsyncClient]) -> Send:
    """Each client keeps its own HTTP/1.1 connection, as a till or a POS gateway would."""

    async def send(client: int, clerk: Clerk, order: Order) -> str | None:
        variables = {"input": {"memberId": str(order.member_id), "storeId": str(clerk.store_id),
                               "amount": str(order.amount), "orderId": order.order_id}}
        response = await connections[client].post(
            "/graphql", json={"query": RECORD_PURCHASE, "variables": variables},
            headers={"authorization": f"Bearer {clerk.token}"})
        body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
        payload = (body.get("data") or {}).get("recordPurchase")
        if response.status_code != 200 or body.get("errors") or payload is None:
            return f"HTTP {response.status_code}: {body.get('errors') or response.text[:200]}"
        if payload["errors"]:
            return f"payload errors {payload['errors']}"
        return "replayed" if payload["replayed"] else None

    return send


# The served app: uvicorn in a subprocess, configured only by its environment


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@asynccontextmanager
async def served_app(database_url: str, secret_key: str, workers: int):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOYALTY_")}
    env.update(LOYALTY_DATABASE_URL=database_url, LOYALTY_ENV="development", LOYALTY_SECRET_KEY=secret_key)
    if redis_url := os.environ.get("LOYALTY_BENCH_REDIS_URL"):
        env["LOYALTY_REDIS_URL"] = redis_url
    # As `loyalty serve` runs it, but with uvicorn's own --workers (the factory is imported in
    # each worker) and without one access-log line per request.
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "uvicorn", "server.app:create_app", "--factory", "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(workers), "--no-access-log", "--log-level", "warning",
        cwd=ROOT, env=env, start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base_url, trust_env=False) as probe:
            for _ in range(300):
                if process.returncode is not None:
                    raise RuntimeError(f"uvicorn exited with {process.returncode}")
                try:
                    if (await probe.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise RuntimeError("uvicorn was not ready within 30 s")
        yield base_url, process.pid
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                os.killpg(process.pid, signal.SIGKILL)  # its own session: uvicorn and its workers
                await process.wait()


async def http_scenarios(args, url: str, seeded: Seeded, workers: int, rng: random.Random) -> list[Result]:
    label = f"recordPurchase over HTTP, uvicorn {workers} worker" + ("s" if workers > 1 else "")
    async with served_app(url, args.secret_key, workers) as (base_url, pid), AsyncExitStack() as stack:
        connections = [await stack.enter_async_context(httpx.AsyncClient(
            base_url=base_url, limits=httpx.Limits(max_connections=1), timeout=30, trust_env=False))
            for _ in range(args.clients)]
        send = over_http(connections)

        async def scenario(tag: str, name: str, members: list[int], count: int, seconds: float,
                           stagger: float = 0.0) -> Result:
            plan = orders(f"w{workers}-{tag}", count, members, rng)
            return await drive(name, args.clients, seeded.clerks, plan, send, seconds,
                               Meter(database_name(url), pid), stagger)

        # Warm-up (pools and caches fill), the clients connecting one by one while the first ones
        # load the server: a burst of connections would all go to the worker that wakes first
        # (asyncio accepts up to 100 at once), and keep-alive would keep them there.
        warm_up = await scenario("warm", "warm-up", seeded.member_ids, 8 * args.clients, 10, stagger=0.05)
        if warm_up.errors:
            raise RuntimeError(f"the served app fails: {warm_up.errors[0]}")
        return [
            await scenario("spread", f"{label}, spread", seeded.member_ids, args.requests, args.max_seconds),
            await scenario("hot", f"{label}, hot ({args.hot_members} members)",
                           seeded.member_ids[-args.hot_members:], args.requests, args.max_seconds),
        ]


# SQL statements of one purchase, counted through Tortoise's client logger


async def statements_per_purchase(clerk: Clerk, member_id: int) -> tuple[int, int]:
    """The statements of a member's first purchase (its account and tier row are created) and of
    its second (the steady state)."""
    counts = []
    for n in range(2):
        with counting_queries() as counter:
            problem = await in_process(0, clerk, Order(f"count-{n}", member_id, Decimal("88.00")))
        assert problem is None, problem
        counts.append(counter.count)
    return counts[0], counts[1]


# pgbench on a scratch database of the same server


async def pgbench(server_url: str, clients: int, seconds: int, scale: int) -> Result:
    """pgbench tpcb-like on a scratch database. Its CPU is read while its connections are open
    (from 2 s after the start to 1 s before the end): a backend's time is lost when it exits."""
    async with bench_database(server_url) as url:
        init = await asyncio.create_subprocess_exec(
            "pgbench", "-i", "-q", "-s", str(scale), url, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE)
        _, complaint = await asyncio.wait_for(init.communicate(), 120)
        if init.returncode:
            raise RuntimeError(f"pgbench -i failed: {complaint.decode()[-500:]}")
        process = await asyncio.create_subprocess_exec(
            "pgbench", "-c", str(clients), "-j", "2", "-T", str(seconds), "-M", "prepared", url,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        try:
            meter = Meter(database_name(url), process.pid)
            await asyncio.sleep(2)
            window, cpu = time.perf_counter(), meter.read()
            await asyncio.sleep(seconds - 3)
            window, cpu = time.perf_counter() - window, meter.read() - cpu
            output = (await asyncio.wait_for(process.communicate(), 60))[0].decode()
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    tps = re.search(r"^tps = ([\d.]+)", output, re.MULTILINE)
    done = re.search(r"^number of transactions actually processed: (\d+)", output, re.MULTILINE)
    latency = re.search(r"^latency average = ([\d.]+) ms", output, re.MULTILINE)
    if process.returncode or not tps or not done or not latency:
        raise RuntimeError(f"pgbench failed:\n{output}")
    n = float(tps.group(1)) * window / 1000
    return Result(f"pgbench tpcb-like, -c {clients} -j 2 -T {seconds} -M prepared, scale {scale} "
                  f"(average latency {latency.group(1)} ms)", int(done.group(1)),
                  int(done.group(1)) / float(tps.group(1)), cpu.cores(),
                  (cpu.app / n, None, cpu.postgres / n))


# Where the in-process time goes


def _library(filename: str, function: str) -> str:
    if filename == "~":  # a built-in: name it by its type or module
        if "socket" in function:
            return "socket send/recv (system calls)"
        return "other C built-ins (dict, str, copy, …)"
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if filename.startswith(str(ROOT)):
        return "our code (" + Path(filename).relative_to(ROOT).parts[0] + "/)"
    return "stdlib " + (Path(filename).parent.name if "asyncio" in filename else Path(filename).stem)


def print_profile(profile: cProfile.Profile, purchases: int) -> None:
    """Own time by library, then the busiest functions (cProfile roughly doubles every cost)."""
    stats = pstats.Stats(profile)
    by_library: dict[str, float] = {}
    for (filename, _, function), (_, _, own, _, _) in stats.stats.items():
        name = _library(filename, function)
        by_library[name] = by_library.get(name, 0.0) + own
    total = sum(by_library.values())
    print(f"\nProfile of the in-process scenario: {total:.1f} s of own time, "
          f"{1000 * total / purchases:.2f} ms a purchase under cProfile", file=sys.stderr)
    for name, own in sorted(by_library.items(), key=lambda item: -item[1])[:15]:
        print(f"  {100 * own / total:5.1f}%  {name}", file=sys.stderr)
    stats.stream = sys.stderr
    stats.strip_dirs().sort_stats("tottime").print_stats(20)


# The run


async def run(args: argparse.Namespace) -> None:
    server_url = os.environ.get("LOYALTY_BENCH_DATABASE_URL") or DEFAULT_SERVER
    if not server_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("LOYALTY_BENCH_DATABASE_URL must name a PostgreSQL server")
    rng = random.Random(20261125)
    began, load_before = time.perf_counter(), os.getloadavg()[0]
    async with bench_database(server_url) as url:
        await db.migrate(url)
        await db.close_db()
        async with database(url, pool_max=args.clients + 4):
            seeded = await seed(args.members)
            tokens = TokenIssuer(secret_key=args.secret_key, ttl_seconds=3600)
            for clerk in seeded.clerks:
                clerk.token = tokens.issue(kind="staff", subject_id=clerk.principal.staff_id,
                                           brand_id=seeded.brand_id)
            statements = await statements_per_purchase(seeded.clerks[0], seeded.member_ids[0])
            plan = orders("domain-spread", args.requests, seeded.member_ids, rng)
            profile = cProfile.Profile() if args.profile else None
            if profile:
                profile.enable()
            results = [await drive("record_purchase in-process (no HTTP), spread", args.clients, seeded.clerks,
                                   plan, in_process, args.max_seconds, Meter(database_name(url)))]
            if profile:
                profile.disable()
        # Our pool is closed meanwhile: the server's max_connections (100) is shared with others.
        for workers in args.workers:
            results += await http_scenarios(args, url, seeded, workers, rng)
        async with database(url, pool_max=2):
            problems = await verify_ledgers(seeded.brand_id)
            recorded = await Purchase.filter(brand_id=seeded.brand_id).count()
    load_before_pgbench = os.getloadavg()[0]
    baseline = await pgbench(server_url, args.clients, args.pgbench_seconds, args.pgbench_scale)
    elapsed = time.perf_counter() - began

    # The 1-minute load average says whether other jobs shared the machine: this run alone keeps
    # about 2 busy, pgbench's 32 backends far more.
    print(f"\nPostgreSQL, {args.members:,} members, {args.clients} concurrent clients, up to "
          f"{args.requests:,} purchases or {args.max_seconds:.0f} s per scenario, {os.cpu_count()} cores; "
          f"run took {elapsed:.0f} s; load average {load_before:.1f} at the start, "
          f"{load_before_pgbench:.1f} before pgbench\n")
    print("| scenario | requests | errors | req/s | p50 ms | p95 ms | p99 ms | of pgbench TPS "
          "| CPU ms/req: driver | app | PostgreSQL | cores busy |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for result in [*results, baseline]:
        print(result.row(baseline.rate))
    print(f"\nSQL statements per record_purchase (in-process, Tortoise's client log): first purchase of a "
          f"member {statements[0]}, later purchases {statements[1]}; over HTTP add 1 (the caller's staff row).")
    print(f"Purchases recorded: {recorded:,}; ledgers inconsistent: {len(problems)}.")
    if profile:
        print_profile(profile, results[0].requests)
    failed = [e for r in results for e in r.errors]
    if failed or problems:
        for error in failed[:5]:
            print(f"error: {error}", file=sys.stderr)
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000, help="members to seed (default 1,000)")
    parser.add_argument("--requests", type=int, default=2_000, help="purchases per scenario (default 2,000)")
    parser.add_argument("--max-seconds", type=float, default=20,
                        help="stop a scenario early after this long (default 20)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32)")
    parser.add_argument("--hot-members", type=int, default=10, help="members of the hot scenario (default 10)")
    parser.add_argument("--workers", type=lambda s: [int(w) for w in s.split(",") if w], default=[1, 2],
                        help="uvicorn worker counts to measure, comma-separated (default 1,2)")
    parser.add_argument("--pgbench-seconds", type=int, default=20, help="pgbench duration (default 20)")
    parser.add_argument("--pgbench-scale", type=int, default=10, help="pgbench -i scale (default 10)")
    parser.add_argument("--profile", action="store_true", help="cProfile the in-process scenario (stderr)")
    args = parser.parse_args()
    args.secret_key = "bench-" + secrets.token_hex(24)  # shared by the served app and our tokens
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
