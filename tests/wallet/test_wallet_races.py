"""Concurrent wallet requests through the GraphQL app on PostgreSQL: nobody pays twice, tops
up twice, or spends more than the wallet holds.

Real concurrent HTTP requests (asyncio.gather over the ASGI client); on PostgreSQL each request
runs in its own transaction on its own connection and they race for the wallet's row lock and
the unique indexes. After each race the wallet ledger check finds every wallet consistent."""

import asyncio

from domain.wallet.models import Wallet, WalletLedgerEntry, WalletLedgerKind, WalletPayment, WalletTopUp
from domain.wallet.verify import verify_wallets
from tests.conftest import requires_postgres
from tests.wallet.support import PAY, TOP_UP, error_codes, make_plan, top_up

pytestmark = requires_postgres


async def fire(gql, token: str, document: str, inputs: list[dict]) -> list[dict]:
    bodies = await asyncio.gather(
        *(gql(document, {"input": input}, token=token, expect_errors=True) for input in inputs))
    # none is a top-level error (no 500, no masked deadlock or unique violation)
    assert [error_codes(b) for b in bodies if b.get("errors")] == []
    return bodies


def pay_input(world, order_id: str, amount: str = "10.00", store=None) -> dict:
    return {"memberId": str(world.member_a.id), "storeId": str((store or world.store_a).id), "amount": amount,
            "orderId": order_id}


async def test_a_hundred_payments_of_10_on_a_wallet_of_500_exactly_fifty_succeed(gql, world):
    await top_up(world, "500.00")

    bodies = await fire(gql, world.tokens["clerk_a"], PAY, [pay_input(world, f"o-{i}") for i in range(100)])

    payloads = [b["data"]["payWithWallet"] for b in bodies]
    succeeded = [p for p in payloads if p["errors"] == []]
    refused = [p for p in payloads if p["errors"]]
    assert len(succeeded) == 50
    assert all([e["code"] for e in p["errors"]] == ["INSUFFICIENT_BALANCE"] for p in refused) and len(refused) == 50
    wallet = await Wallet.get(member_id=world.member_a.id)
    assert (wallet.principal_minor, wallet.bonus_minor) == (0, 0)
    assert await WalletPayment.all().count() == 50
    assert await WalletLedgerEntry.filter(kind=WalletLedgerKind.PAY).count() == 50
    assert sorted(p["principal"] for p in succeeded) == sorted(f"{10 * i}.00" for i in range(50))
    assert await verify_wallets() == []


async def test_fifty_replays_of_one_order_id_charge_once(gql, world):
    await top_up(world, "500.00")

    bodies = await fire(gql, world.tokens["clerk_a"], PAY, [pay_input(world, "o-1", "12.34")] * 50)

    payloads = [b["data"]["payWithWallet"] for b in bodies]
    assert all(p["errors"] == [] for p in payloads)
    assert sorted(p["replayed"] for p in payloads) == [False] + [True] * 49
    assert len({p["payment"]["id"] for p in payloads}) == 1
    assert (await Wallet.get(member_id=world.member_a.id)).principal_minor == 500_00 - 12_34
    assert await WalletLedgerEntry.filter(kind=WalletLedgerKind.PAY).count() == 1
    assert await verify_wallets() == []


async def test_concurrent_top_ups_with_one_payment_reference_credit_once(gql, world):
    # the same reference for member A fifty times, and for member B five times (a conflict)
    inputs = [{"memberId": str(world.member_a.id), "storeId": str(world.store_a.id), "paymentReference": "wx-1",
               "amount": "88.00"}] * 50
    inputs += [{"memberId": str(world.member_b.id), "storeId": str(world.store_a.id), "paymentReference": "wx-1",
                "amount": "88.00"}] * 5

    bodies = await fire(gql, world.tokens["hq_operator"], TOP_UP, inputs)

    payloads = [b["data"]["topUpWallet"] for b in bodies]
    credited = [p for p in payloads if p["errors"] == [] and not p["replayed"]]
    assert len(credited) == 1
    conflicts = [p for p in payloads if p["errors"]]
    assert all([e["code"] for e in p["errors"]] == ["IDEMPOTENCY_CONFLICT"] for p in conflicts)
    assert await WalletTopUp.all().count() == 1
    assert await WalletLedgerEntry.filter(kind=WalletLedgerKind.TOP_UP).count() == 1
    winner = (await WalletTopUp.get()).member_id
    assert (await Wallet.get(member_id=winner)).principal_minor == 88_00
    assert len(conflicts) == (5 if winner == world.member_a.id else 50)
    assert await verify_wallets() == []


async def test_concurrent_payments_at_two_stores_never_spend_bonus_of_the_other_store(gql, world):
    # 100.00 principal and 100.00 bonus usable at store A only
    plan = await make_plan(world, pay_minor=100_00, bonus_minor=100_00, bonus_store_ids=[world.store_a.id])
    await top_up(world, plan=plan)
    inputs = [pay_input(world, f"b-{i}", "10.00", world.store_b) for i in range(15)]
    inputs += [pay_input(world, f"a-{i}", "10.00") for i in range(15)]

    bodies = await fire(gql, world.tokens["hq_admin"], PAY, inputs)

    payments = await WalletPayment.all()
    at_b = [p for p in payments if p.store_id == world.store_b.id]
    assert all(p.bonus_minor == 0 for p in at_b)
    assert sum(p.amount_minor for p in payments) <= 200_00
    assert len([b for b in bodies if b["data"]["payWithWallet"]["errors"] == []]) == len(payments)
    assert await verify_wallets() == []
