"""`loyalty expire-points`, `loyalty verify-ledgers` and `loyalty worker`, each a process of its
own on an SQLite file migrated once per module and copied per test."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys

import pytest

from tests.cli.conftest import LOYALTY, Cli, ok

# Two brands, through the services; lots last 12 months (the default rules), so a lot earned
# 2024-01-10 noon in Shanghai is valid through 2025-01-10 and expires at 2025-01-11 00:00 there.
SEED = """
from datetime import datetime, timezone
from domain.points import purchases
from server.cli import _run
from tests.factories import hq, make_brand, make_member, make_store

async def seed():
    for slug, orders in (("north", [("88", 2024), ("50", 2030)]), ("south", [("12", 2024)])):
        brand, admin = await make_brand(slug)
        store = await make_store(admin, "A")
        for n, (amount, year) in enumerate(orders):
            member = await make_member(brand, store)
            await purchases.record_purchase(
                hq(admin), member_id=member.id, store_id=store.id, amount=amount, order_id=f"o-{n}",
                channel=purchases.Channel.POS, occurred_at=datetime(year, 1, 10, 4, tzinfo=timezone.utc))

_run(seed)
"""
BOUNDARY = "2025-01-10T16:00:00Z"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, migrated_sqlite):
    folder = tmp_path_factory.mktemp("points-cli")
    cli = Cli.migrated(migrated_sqlite, folder, "template.sqlite3")
    seed = subprocess.run([sys.executable, "-c", SEED], cwd=folder, env=cli.env, text=True, capture_output=True,
                          timeout=60)
    assert seed.returncode == 0, seed.stderr
    return cli.database


@pytest.fixture
def cli(seeded, tmp_path) -> Cli:
    """A fresh copy of the seeded database."""
    database = tmp_path / "loyalty.sqlite3"
    shutil.copy(seeded, database)
    return Cli(database=database, workdir=tmp_path)


def test_expire_points_expires_what_is_due_at_the_given_instant_once(cli):
    # when: one second early, then for one brand at the boundary, then everything, then again
    early = ok(cli("expire-points", "--at", "2025-01-10T15:59:59Z"))
    north = ok(cli("expire-points", "--brand", "north", "--at", BOUNDARY))
    rest = ok(cli("expire-points", "--at", "2025-01-11T00:00:00+08:00"))  # the same instant
    again = ok(cli("expire-points", "--at", BOUNDARY))

    # then
    assert "expired 0 points" in early.stderr
    assert "expired 88 points" in north.stderr
    assert "expired 12 points" in rest.stderr
    assert "expired 0 points" in again.stderr
    assert cli.query("SELECT b.slug, a.balance FROM points_account a JOIN brand b ON b.id = a.brand_id "
                     "ORDER BY a.balance") == [("north", 0), ("south", 0), ("north", 50)]
    assert cli.scalar("SELECT COUNT(*) FROM points_ledger_entry WHERE kind = 'EXPIRE'") == 2


def test_expire_points_refuses_an_unknown_brand_and_an_instant_without_its_offset(cli):
    unknown, naive, garbage = cli.run_all([
        ["expire-points", "--brand", "nowhere"],
        ["expire-points", "--at", "2025-01-11T00:00:00"],
        ["expire-points", "--at", "next tuesday"],
    ])

    assert unknown.returncode == 2 and "nowhere" in unknown.stderr
    assert naive.returncode == 2 and "offset" in naive.stderr
    assert garbage.returncode == 2 and "ISO 8601" in garbage.stderr
    for result in (unknown, naive, garbage):
        assert "Traceback" not in result.stderr
    assert cli.scalar("SELECT COUNT(*) FROM points_ledger_entry WHERE kind = 'EXPIRE'") == 0


def test_verify_ledgers_reports_consistent_accounts_and_lists_an_inconsistent_one(cli):
    # given: consistent accounts
    everything, north = cli.run_all([["verify-ledgers"], ["verify-ledgers", "--brand", "north"]])
    assert "all 3 accounts consistent" in ok(everything).stderr
    assert "all 2 accounts consistent" in ok(north).stderr

    # when: one account's cached balance is tampered with behind the ledger's back
    [(member_id,)] = cli.query("SELECT member_id FROM points_account WHERE balance = 12")
    cli.query("UPDATE points_account SET balance = 15 WHERE member_id = ?", member_id)
    broken, other_brand, unknown = cli.run_all([
        ["verify-ledgers"], ["verify-ledgers", "--brand", "north"], ["verify-ledgers", "--brand", "nowhere"]])

    # then: exit 1 with that account in the table; the other brand is still consistent
    assert broken.returncode == 1
    assert "1 of 3 accounts inconsistent" in broken.stderr
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in broken.stderr.splitlines() if "│" in line]
    assert rows == [[str(member_id), "15", "12", "12", "0", "0"]]
    assert all(title in broken.stderr for title in ("member", "balance", "ledger sum", "open lots", "ledger debt"))
    assert "all 2 accounts consistent" in ok(other_brand).stderr
    assert unknown.returncode == 2 and "nowhere" in unknown.stderr


def test_worker_starts_with_the_in_process_broker_and_stops_on_ctrl_c(cli):
    # when
    process = subprocess.Popen([*LOYALTY, "worker"], cwd=cli.workdir, env=cli.env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        started = process.stderr.readline()
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=30)
    finally:
        process.kill()

    # then
    assert "worker started: InMemoryBroker, scheduler on" in started
    assert "worker stopped" in rest and "Traceback" not in rest
    assert process.returncode == 0
