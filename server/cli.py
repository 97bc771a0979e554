"""`loyalty …`: the operator's commands. Each calls the same services as the API."""

from __future__ import annotations

import asyncio
import csv
import os
import sys
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TypeVar

import typer
from rich.console import Console
from rich.progress import Progress

from server.settings import get_settings

app = typer.Typer(help="Loyalty platform for franchise and chain brands.", no_args_is_help=True)
console = Console(stderr=True)
T = TypeVar("T")


def _run(work: Callable[[], Awaitable[T]], *, database: bool = True) -> T:
    """Run `work` with the database open (migrated), closing it after, whatever happens."""
    from policies import enforcer
    from server import db
    from server.events import install_event_bus, uninstall_event_bus

    async def main() -> T:
        settings = get_settings()
        if not database:
            return await work()
        await db.init_db(settings.database_url)
        # With Redis, balance changes made here (expiry, birthday points) reach the API's subscribers.
        bus = install_event_bus(settings.redis_url) if settings.redis_url else None
        try:
            await enforcer.load_enforcer()
            return await work()
        finally:
            if bus is not None:
                await uninstall_event_bus(bus)
            await db.close_db()

    return asyncio.run(main())


def _fail(message: str, code: int = 1) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


@app.command()
def migrate() -> None:
    """Apply the versioned schema migrations to LOYALTY_DATABASE_URL."""
    from server import db

    settings = get_settings()

    async def work() -> None:
        await db.migrate(settings.database_url)
        await db.close_db()

    try:
        asyncio.run(work())
    except OSError as error:
        _fail(f"cannot reach the database: {error}")
    console.print("migrations applied")


@app.command("seed-demo")
def seed_demo() -> None:
    """Create the demo brand (slug 'demo') if the database has none; safe to run twice."""
    from server.seed import DEMO_PASSWORD, seed_demo as seed

    result = _run(seed)
    if not result.created:
        console.print("the demo brand exists already; nothing changed")
        return
    console.print(f"demo brand created; staff password for every demo account: {DEMO_PASSWORD}")
    console.print(f"demo partner API key (shown once): {result.api_key}")


@app.command("create-brand")
def create_brand(
    slug: str = typer.Option(..., help="Short unique name, e.g. 'sweetbakery'."),
    name: str = typer.Option(..., help="Display name."),
    admin_email: str = typer.Option(..., help="E-mail of the first hq_admin."),
    admin_password: str = typer.Option(..., help="Password of the first hq_admin (10+ characters)."),
) -> None:
    """Create a brand (tenant) with its first hq_admin."""
    from franchise import brands
    from franchise.errors import DomainError
    from policies import Principal

    async def work():
        return await brands.create_brand(
            Principal.platform(), slug=slug, name=name, admin_email=admin_email,
            admin_password=admin_password,
        )

    try:
        brand, admin = _run(work)
    except DomainError as error:
        _fail(f"{error.code.value}: {error.message}", 2)
    console.print(f"brand {brand.slug} created (id {brand.id}); hq_admin {admin.email}")


@app.command()
def schema() -> None:
    """Print the federation SDL (what `_service { sdl }` returns)."""
    from schema import build_schema

    sys.stdout.write(build_schema().as_str() + "\n")


@app.command()
def serve(
    host: str | None = typer.Option(None, help="Default: LOYALTY_HOST."),
    port: int | None = typer.Option(None, help="Default: LOYALTY_PORT."),
) -> None:
    """Serve the GraphQL API (uvicorn)."""
    import uvicorn

    from server.app import create_app
    from server.logging import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, json=settings.env == "production")
    uvicorn.run(
        create_app(settings), host=host or settings.host, port=port or settings.port,
        log_config=None, proxy_headers=False,
    )


@app.command("import-members")
def import_members(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                help="CSV with columns phone,name,home_store_code[,birthday,gender,opening_points]."),
    brand: str = typer.Option(..., help="The brand slug."),
) -> None:
    """Import existing customers; prints one line per rejected row."""
    from domain.members.imports import MAX_ROWS, ImportRow, import_members as run_import
    from domain.members.models import Gender
    from domain.members.service import Enrolment
    from franchise.errors import DomainError, invalid
    from franchise.staff import brand_by_slug
    from policies import Principal

    with file.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        # The file's own line numbers (blank lines are skipped), to name rejected rows.
        records = [(reader.line_num, record) for record in reader]
    if "phone" not in (reader.fieldnames or []):
        _fail("the CSV needs a header row with at least: phone, home_store_code", 2)

    def parse(record: dict) -> ImportRow:
        """A CSV record as an import row; a value that cannot be read is that row's error."""
        birthday = (record.get("birthday") or "").strip()
        gender = (record.get("gender") or "").strip().upper()
        try:
            born = date.fromisoformat(birthday) if birthday else None
        except ValueError:
            raise invalid("A birthday is written YYYY-MM-DD.", "birthday") from None
        if gender and gender not in Gender.__members__:
            raise invalid(f"A gender is one of {', '.join(Gender.__members__)}.", "gender")
        opening = (record.get("opening_points") or "").strip()
        if opening and not opening.isdigit():
            raise invalid("Opening points are a whole number.", "openingPoints")
        return ImportRow(
            opening_points=int(opening or 0),
            home_store_code=(record.get("home_store_code") or "").strip() or None,
            enrolment=Enrolment(
                phone=(record.get("phone") or "").strip(), name=record.get("name") or None,
                birthday=born, gender=Gender(gender) if gender else None,
            ),
        )

    async def work():
        found = await brand_by_slug(brand)
        if found is None:
            _fail(f"no brand {brand!r}", 2)
        # The operator acts inside the brand; rows are checked like any import.
        principal = Principal.platform(brand_id=found.id)
        failures, imported = [], 0
        with Progress(console=console) as progress:
            task = progress.add_task("importing", total=len(records))
            for start in range(0, len(records), MAX_ROWS):
                rows, lines = [], []
                for line, record in records[start:start + MAX_ROWS]:
                    try:
                        rows.append(parse(record))
                        lines.append(line)
                    except DomainError as error:
                        failures.append((line, error))
                        progress.advance(task)
                results = await run_import(principal, rows, progress=lambda n: progress.advance(task))
                for result in results:
                    if result.error:
                        failures.append((lines[result.row], result.error))
                    else:
                        imported += 1
        return imported, sorted(failures, key=lambda failure: failure[0])

    imported, failures = _run(work)
    for line, error in failures:
        console.print(f"line {line}: {error.code.value} {error.message}")
    console.print(f"imported {imported}, rejected {len(failures)}")
    if failures:
        raise typer.Exit(1)


@app.command("import-orders")
def import_orders(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                help="CSV with columns external_id,phone,amount,paid_at[,store_code,refunded_amount]."),
    channel: str = typer.Option(..., help="TMALL, JD, DOUYIN, WECHAT, POS or OTHER."),
    brand: str = typer.Option(..., help="The brand slug."),
) -> None:
    """Import channel orders in batches of 1,000: members earn, unknown phones' points wait.
    Prints one line per rejected order; exit 1 when any was rejected, 2 on a bad file or option."""
    from domain.channels.errors import ChannelErrorCode
    from domain.channels.imports import CHANNELS, MAX_ORDERS, OrderLine, import_channel_orders
    from franchise.errors import DomainError
    from policies import Principal

    channel = channel.upper()
    if channel not in CHANNELS:
        _fail(f"--channel is one of {', '.join(CHANNELS)}", 2)
    with file.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        records = [(reader.line_num, record) for record in reader]
    missing = {"external_id", "phone", "amount", "paid_at"} - set(reader.fieldnames or [])
    if missing:
        _fail(f"the CSV header lacks: {', '.join(sorted(missing))}", 2)

    def parse(record: dict) -> OrderLine:
        paid = (record.get("paid_at") or "").strip()
        line = OrderLine(external_id=(record.get("external_id") or "").strip(), phone=(record.get("phone") or "").strip(),
                         amount=(record.get("amount") or "").strip(), paid_at=None,  # type: ignore[arg-type]
                         store_code=(record.get("store_code") or "").strip() or None,
                         refunded_amount=(record.get("refunded_amount") or "").strip() or "0")
        try:
            line.paid_at = datetime.fromisoformat(paid)
        except ValueError:
            line.error = DomainError(ChannelErrorCode.INVALID_PAID_AT, "paid_at is an ISO 8601 time with its offset.",
                                     "paidAt")
        return line

    async def work():
        found_id = await _brand_id(brand)
        principal = Principal.platform(brand_id=found_id)
        counts: dict[str, int] = {}
        failures = []
        with Progress(console=console) as progress:
            task = progress.add_task(f"importing {channel} orders", total=len(records))
            for start in range(0, len(records), MAX_ORDERS):
                chunk = records[start:start + MAX_ORDERS]
                done = 0

                def advance(n: int) -> None:
                    nonlocal done
                    progress.advance(task, n - done)
                    done = n

                results = await import_channel_orders(principal, channel=channel,
                                                      lines=[parse(r) for _, r in chunk], progress=advance)
                advance(len(chunk))
                for result in results:
                    counts[result.outcome] = counts.get(result.outcome, 0) + 1
                    if result.error:
                        failures.append((chunk[result.index][0], result.error))
        return counts, failures

    counts, failures = _run(work)
    for line, error in failures:
        console.print(f"line {line}: {error.code.value} {error.message}")
    console.print(", ".join(f"{outcome.lower()} {counts.get(outcome, 0)}"
                            for outcome in ("ACCEPTED", "PENDING_MEMBER", "DUPLICATE", "REJECTED")))
    if failures:
        raise typer.Exit(1)


def _moment(value: str | None) -> datetime:
    """An ISO 8601 instant with its offset (`…Z` or `…+08:00`); none means now."""
    if value is None:
        return datetime.now(timezone.utc)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        _fail(f"--at {value!r} is not an ISO 8601 date and time", 2)
    if moment.tzinfo is None:
        # A local time without its zone would be off by the brand's offset: refuse to guess.
        _fail(f"--at {value!r} needs an offset, e.g. 2027-01-01T00:00+08:00 or 2026-12-31T16:00Z", 2)
    return moment


async def _brand_id(slug: str | None) -> int | None:
    from franchise.staff import brand_by_slug

    if slug is None:
        return None
    found = await brand_by_slug(slug)
    if found is None:
        _fail(f"no brand {slug!r}", 2)
    return found.id


@app.command("expire-points")
def expire_points(
    brand: str | None = typer.Option(None, help="Only this brand (slug); default: every brand."),
    at: str | None = typer.Option(None, help="Expire what is due at this instant, ISO 8601 with an offset "
                                             "(e.g. 2027-01-01T00:00+08:00); default: now."),
) -> None:
    """Expire the points lots that are due (the daily job does this too); safe to run twice."""
    from domain.points.expiry import expire_due_lots

    moment = _moment(at)

    async def work() -> int:
        return await expire_due_lots(moment, brand_id=await _brand_id(brand))

    expired = _run(work)
    console.print(f"expired {expired} points (due at {moment.isoformat()})")


@app.command("evaluate-tiers")
def evaluate_tiers(
    brand: str | None = typer.Option(None, help="Only this brand (slug); default: every brand."),
    at: str | None = typer.Option(None, help="Evaluate as at this instant, ISO 8601 with an offset; default: now."),
) -> None:
    """End the evaluation periods that are over: each member's level becomes what the finished
    period earned (the only time a member falls). Safe to run twice."""
    from domain.tiers.service import evaluate_tiers as run_evaluation

    moment = _moment(at)

    async def work() -> int:
        return await run_evaluation(moment, brand_id=await _brand_id(brand))

    console.print(f"evaluated {_run(work)} members whose period ended by {moment.isoformat()}")


@app.command("birthday-rewards")
def birthday_rewards(
    brand: str | None = typer.Option(None, help="Only this brand (slug); default: every brand."),
    at: str | None = typer.Option(None, help="As at this instant, ISO 8601 with an offset; default: now."),
) -> None:
    """Credit the tier levels' birthday points to today's birthdays; once a year per member."""
    from domain.tiers.birthdays import grant_birthday_rewards

    moment = _moment(at)

    async def work() -> int:
        return await grant_birthday_rewards(moment, brand_id=await _brand_id(brand))

    console.print(f"birthday points credited to {_run(work)} members")


@app.command("expire-wallet-bonus")
def expire_wallet_bonus(
    brand: str | None = typer.Option(None, help="Only this brand (slug); default: every brand."),
    at: str | None = typer.Option(None, help="As at this instant, ISO 8601 with an offset; default: now."),
) -> None:
    """Expire the wallet bonus grants that are due (the daily job does this too); safe to run twice."""
    from domain.wallet.expiry import expire_due_bonus
    from franchise.validation import minor_to_money

    moment = _moment(at)

    async def work() -> int:
        return await expire_due_bonus(moment, brand_id=await _brand_id(brand))

    console.print(f"expired {minor_to_money(_run(work))} of wallet bonus (due at {moment.isoformat()})")


@app.command("expire-paid-memberships")
def expire_paid_memberships(
    brand: str | None = typer.Option(None, help="Only this brand (slug); default: every brand."),
    at: str | None = typer.Option(None, help="As at this instant, ISO 8601 with an offset; default: now."),
) -> None:
    """End the paid memberships that ran out (the daily job does this too); safe to run twice."""
    from domain.wallet.membership import expire_paid_memberships as end_due

    moment = _moment(at)

    async def work() -> int:
        return await end_due(moment, brand_id=await _brand_id(brand))

    console.print(f"ended {_run(work)} paid memberships (due at {moment.isoformat()})")


@app.command("verify-ledgers")
def verify_ledgers(
    brand: str | None = typer.Option(None, help="Only this brand (slug); default: every brand."),
) -> None:
    """Check every points account: balance = sum of its ledger = its open lots >= 0, and its debt
    = the ledger's debt movements >= 0; every gift card: balance and uses left = sums of its
    ledger >= 0; every wallet: principal and bonus = its ledger = its grants' remainders >= 0;
    every mall item: stock = sum of its stock movements >= 0; every coupon template: issued =
    used + unused + expired; every channel order and pending channel points. Exits 1 when
    anything is inconsistent."""
    from rich.table import Table

    from domain.channels.verify import verify_channel_orders
    from domain.coupons.verify import verify_coupons
    from domain.giftcards.models import GiftCard
    from domain.giftcards.verify import verify_gift_cards
    from domain.mall.verify import verify_stock
    from domain.points.models import PointsAccount
    from domain.points.verify import verify_ledgers as check
    from domain.wallet.models import Wallet
    from domain.wallet.verify import verify_wallets

    async def work():
        # One database session for every ledger: each check is a few grouped queries.
        brand_id = await _brand_id(brand)
        accounts = PointsAccount.all() if brand_id is None else PointsAccount.filter(brand_id=brand_id)
        cards = GiftCard.all() if brand_id is None else GiftCard.filter(brand_id=brand_id)
        wallets = Wallet.all() if brand_id is None else Wallet.filter(brand_id=brand_id)
        return (await accounts.count(), await check(brand_id), await cards.count(), await verify_gift_cards(brand_id),
                await wallets.count(), await verify_wallets(brand_id), await verify_stock(brand_id),
                await verify_coupons(brand_id), await verify_channel_orders(brand_id))

    (checked, problems, cards_checked, card_problems, wallets_checked, wallet_problems, stock, coupons,
     channel_problems) = _run(work)
    if problems:
        table = Table("member", "balance", "ledger sum", "open lots", "debt", "ledger debt",
                      title=f"{len(problems)} of {checked} accounts inconsistent")
        for problem in problems:
            table.add_row(*(str(value) for value in (problem.member_id, problem.balance, problem.ledger_sum,
                                                       problem.lots_sum, problem.debt, problem.ledger_debt)))
        console.print(table)
    else:
        console.print(f"all {checked} accounts consistent")
    if card_problems:
        table = Table("gift card", "state", "balance", "ledger balance", "uses left", "ledger uses",
                      title=f"{len(card_problems)} of {cards_checked} gift cards inconsistent")
        for card in card_problems:
            table.add_row(*(str(value) for value in (card.card_id, card.state, card.balance, card.ledger_balance,
                                                       card.uses_left, card.ledger_uses)))
        console.print(table)
    else:
        console.print(f"all {cards_checked} gift cards consistent")
    _print_wallets(wallets_checked, wallet_problems)
    _print_mall(stock, coupons)
    _print_channels(channel_problems)
    if problems or card_problems or wallet_problems or stock or coupons or channel_problems:
        raise typer.Exit(1)


def _print_channels(problems) -> None:
    """Channel orders and the pending channel points waiting for their phones to enrol."""
    for problem in problems:
        console.print(f"channel order {problem.order_id}: {problem.reason}")
    if not problems:
        console.print("channel orders and pending channel points consistent")


def _print_mall(stock, coupons) -> None:
    """Mall stock (= its movements) and coupons (issued = used + unused + expired)."""
    from rich.table import Table

    if stock:
        table = Table("mall item", "stock", "movements", title=f"{len(stock)} mall items with inconsistent stock")
        for item in stock:
            table.add_row(str(item.item_id), str(item.stock), str(item.movements_sum))
        console.print(table)
    if coupons:
        table = Table("template", "issued", "used", "coupons", "used coupons", "unused", "expired",
                      title=f"{len(coupons)} coupon templates inconsistent")
        for t in coupons:
            table.add_row(*(str(v) for v in (t.template_id, t.issued_count, t.used_count, t.coupons, t.used,
                                             t.unused, t.expired)))
        console.print(table)
    if not stock and not coupons:
        console.print("mall stock and coupons consistent")


@app.command("export-gift-cards")
def export_gift_cards(
    brand: str = typer.Option(..., help="The brand slug."),
    template: int = typer.Option(..., help="The gift-card template id."),
    count: int = typer.Option(..., help="How many cards, 1 to 1000."),
    out: Path = typer.Option(..., dir_okay=False, help="The CSV file to write (must not exist yet)."),
    inactive: bool = typer.Option(False, help="Issue them ISSUED, to activate when sold (default ACTIVE)."),
) -> None:
    """Issue a batch and write its codes as CSV: the only other place codes are ever seen (the
    database keeps keyed hashes). The file is created readable by its owner only."""
    from domain.giftcards.issue import issue_gift_cards
    from franchise.errors import DomainError
    from policies import Principal

    if out.exists():
        _fail(f"{out} exists; codes are never overwritten", 2)

    async def work():
        brand_id = await _brand_id(brand)
        return await issue_gift_cards(Principal.platform(brand_id), secret_key=get_settings().secret_key,
                                      template_id=template, count=count, activate=not inactive)

    try:
        issued = _run(work)
    except DomainError as error:
        _fail(f"{error.code.value}: {error.message}", 2)
    with open(out, "x", newline="", opener=lambda path, flags: os.open(path, flags, 0o600)) as file:
        writer = csv.writer(file)
        writer.writerow(["card_id", "code", "code_hint", "template_id", "kind", "state", "batch"])
        for item in issued:
            card = item.card
            writer.writerow([card.id, item.code, card.code_hint, card.template_id, card.kind.value,
                             card.state.value, card.batch])
    console.print(f"issued {len(issued)} gift cards (batch {issued[0].card.batch}); codes written to {out}")


@app.command("expire-gift-cards")
def expire_gift_cards(
    brand: str | None = typer.Option(None, help="Only this brand (slug); default: every brand."),
    at: str | None = typer.Option(None, help="As at this instant, ISO 8601 with an offset; default: now."),
) -> None:
    """Expire the gift cards past their validity (the daily job does this too); safe to run twice."""
    from domain.giftcards.expiry import expire_due_cards

    moment = _moment(at)

    async def work() -> int:
        return await expire_due_cards(moment, brand_id=await _brand_id(brand))

    console.print(f"expired {_run(work)} gift cards (due at {moment.isoformat()})")
def _print_wallets(checked: int, problems) -> None:
    """Principal and bonus = ledger sums = ledger lines = grants remaining, never negative."""
    from rich.table import Table

    if not problems:
        console.print(f"all {checked} wallets consistent")
        return
    table = Table("member", "principal", "ledger principal", "grants principal", "bonus", "ledger bonus",
                  "grants bonus", title=f"{len(problems)} of {checked} wallets inconsistent")
    for p in problems:
        table.add_row(*(str(v) for v in (p.member_id, p.principal, p.ledger_principal, p.grants_principal, p.bonus,
                                         p.ledger_bonus, p.grants_bonus)))
    console.print(table)


@app.command()
def worker(
    scheduler: bool = typer.Option(True, help="Also kick scheduled jobs; run it in one process only."),
) -> None:
    """Run the background jobs (points expiry daily at 00:05 Asia/Shanghai) until stopped: in
    this process, or from the Redis queue when LOYALTY_REDIS_URL is set."""
    from server import jobs

    async def work() -> None:
        kind = type(jobs.broker).__name__
        console.print(f"worker started: {kind}, scheduler {'on' if scheduler else 'off'}; Ctrl-C stops")
        await jobs.run_worker(with_scheduler=scheduler)

    try:
        _run(work)
    except ValueError as error:
        _fail(str(error), 2)
    except KeyboardInterrupt:
        console.print("worker stopped")


@app.command("run-automations")
def run_automations_command(
    brand: str | None = typer.Option(None, help="Only this brand (slug); default: every brand."),
    at: str | None = typer.Option(None, help="Run as at this instant, ISO 8601 with an offset; default: now."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Count and sample who would be hit; change nothing."),
) -> None:
    """Run the active automations (the hourly job does this too): each fires at most once per
    member and period, so running it again in the same period fires nobody twice."""
    from domain.automations.runner import run_automations
    from franchise.models import Brand
    from policies import Principal

    moment = _moment(at)

    async def work() -> list:
        brand_id = await _brand_id(brand)
        brand_ids = [brand_id] if brand_id else await Brand.all().order_by("id").values_list("id", flat=True)
        return [run for each in brand_ids
                for run in await run_automations(Principal.platform(each), dry_run=dry_run, now=moment)]

    runs = _run(work)
    for run in runs:
        blocked = f", blocked: {run.blocked}" if run.blocked else ""
        console.print(f"automation {run.automation.id} {run.automation.name!r} ({run.period_key}): "
                      f"{run.candidates} hit, {run.skipped_opt_out} opted out, "
                      f"{'would fire' if dry_run else 'fired'} {run.candidates if dry_run else run.fired}{blocked}")
    console.print(f"{len(runs)} automations {'dry-run' if dry_run else 'run'} at {moment.isoformat()}")


def main() -> None:
    from pydantic import ValidationError

    try:
        app()
    except ValidationError as error:
        # Bad LOYALTY_* settings: say which, without a traceback.
        for problem in error.errors():
            console.print(f"[red]configuration error:[/red] {problem['msg']}")
        sys.exit(2)


# Reports (issue 8): the same figures as storeReport / brandReport, to a CSV or JSON file.


@app.command("report")
def report(
    brand: str = typer.Option(..., help="The brand (slug)."),
    first_day: str = typer.Option(..., "--from", help="First local day, YYYY-MM-DD."),
    last_day: str = typer.Option(..., "--to", help="Last local day (inclusive), YYYY-MM-DD."),
    store: str | None = typer.Option(None, help="One store's report (its code); default: the brand's."),
    group_by: str = typer.Option("store", "--group-by", help="Brand report rows: store or city."),
    output_format: str = typer.Option("csv", "--format", help="csv or json."),
    output: Path | None = typer.Option(None, help="Write to this file; default: standard output."),
) -> None:
    """Report figures from the ledgers over local days --from..--to: one row per store or city and a
    TOTAL row (or one store's row with --store)."""
    import json

    from domain.reports import export, service
    from franchise.errors import DomainError
    from franchise.models import Store

    if output_format not in ("csv", "json"):
        _fail("--format is csv or json", 2)
    if group_by not in ("store", "city"):
        _fail("--group-by is store or city", 2)
    try:
        first, last = date.fromisoformat(first_day), date.fromisoformat(last_day)
    except ValueError:
        _fail("--from and --to are dates, YYYY-MM-DD", 2)

    async def work():
        brand_id = await _brand_id(brand)
        try:
            if store is None:
                return await service.brand_figures(brand_id, first_day=first, last_day=last,
                                                   group_by=service.Grouping(group_by.upper()))
            found = await Store.filter(brand_id=brand_id, code=store).first()
            if found is None:
                _fail(f"no store {store!r} in brand {brand!r}", 2)
            return await service.store_figures(brand_id, store_id=found.id, first_day=first, last_day=last)
        except DomainError as error:
            _fail(error.message, 2)

    rows = export.rows(_run(work))
    handle = output.open("w", newline="", encoding="utf-8") if output else sys.stdout
    try:
        if output_format == "json":
            json.dump([{k: export.plain(v) for k, v in row.items()} for row in rows], handle, ensure_ascii=False,
                      indent=2)
            handle.write("\n")
        else:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows({k: ("" if v is None else v) for k, v in row.items()} for row in rows)
    finally:
        if output:
            handle.close()
