"""`loyalty verify-ledgers` checks wallets; `loyalty expire-wallet-bonus` and
`loyalty expire-paid-memberships` run the wallet jobs by hand. Each a process of its own on an
SQLite file, as the operator runs them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.cli.conftest import Cli, ok

# A top-up of 100.00 + 10.00 bonus valid 30 days, on 2026-01-01, and a 30-day membership bought then.
SEED = """
from datetime import datetime, timezone
from domain.wallet import membership, plans, topups
from domain.wallet.models import PeriodUnit
from server.cli import _run
from tests.factories import hq, make_brand, make_member, make_store

async def seed():
    brand, admin = await make_brand("north")
    store = await make_store(admin, "A")
    member = await make_member(brand, store)
    at = datetime(2026, 1, 1, 4, tzinfo=timezone.utc)
    plan = await plans.upsert_top_up_plan(hq(admin), plans.PlanInput(name="p", pay_minor=10000, bonus_minor=1000,
                                                                     bonus_expiry_days=30))
    await topups.top_up_wallet(hq(admin), member_id=member.id, store_id=store.id, payment_reference="t-1",
                               plan_id=plan.id, now=at)
    monthly = await membership.upsert_paid_membership_plan(hq(admin), membership.MembershipPlanInput(
        name="Plus", price_minor=1900, period_unit=PeriodUnit.DAYS, period_count=30))
    await membership.purchase_paid_membership(hq(admin), member_id=member.id, plan_id=monthly.id,
                                              payment_reference="pm-1", now=at)

_run(seed)
"""


@pytest.fixture
def cli(tmp_path, migrated_sqlite) -> Cli:
    cli = Cli.migrated(migrated_sqlite, tmp_path)
    seed = subprocess.run([sys.executable, "-c", SEED], cwd=tmp_path, env=cli.env, text=True, capture_output=True,
                          timeout=60)
    assert seed.returncode == 0, seed.stderr
    return cli


def test_wallet_jobs_by_hand_and_the_wallet_ledger_check(cli):
    # the jobs: nothing due the day before, then once at the due instant
    early_bonus, early_members = cli.run_all([["expire-wallet-bonus", "--at", "2026-01-31T03:59Z"],
                                              ["expire-paid-memberships", "--at", "2026-01-31T03:59Z"]])
    assert "expired 0.00 of wallet bonus" in ok(early_bonus).stderr
    assert "ended 0 paid memberships" in ok(early_members).stderr
    assert "expired 10.00 of wallet bonus" in ok(cli("expire-wallet-bonus", "--at", "2026-01-31T04:00Z")).stderr
    assert "ended 1 paid memberships" in ok(cli("expire-paid-memberships", "--at", "2026-01-31T04:00Z")).stderr
    assert cli.scalar("SELECT bonus_minor FROM wallet") == 0

    # the check: consistent, then a wallet changed behind the ledger's back
    assert "all 1 wallets consistent" in ok(cli("verify-ledgers")).stderr
    cli.query("UPDATE wallet SET principal_minor = 5")
    broken = cli("verify-ledgers")
    assert broken.returncode == 1
    assert "1 of 1 wallets inconsistent" in broken.stderr
