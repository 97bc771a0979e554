"""Refunds: a payment refund restores exactly the buckets and grants it took; a balance refund
pays the remaining principal back and forfeits the remaining bonus, both in the ledger."""

import pytest

from domain.wallet import payments
from domain.wallet.models import WalletGrant, WalletLedgerEntry, WalletLedgerKind
from tests.factories import hq
from tests.wallet.support import REFUND_BALANCE, REFUND_PAYMENT, assert_consistent, make_plan, payload_errors, top_up, \
    wallet_of


@pytest.fixture
async def paid(world):
    """300 + 60 bonus at store A (bonus valid 30 days); order o-1 of 100.00 paid proportionally."""
    plan = await make_plan(world, pay_minor=300_00, bonus_minor=60_00, bonus_expiry_days=30)
    await top_up(world, plan=plan)
    await payments.pay_with_wallet(hq(world.admin), member_id=world.member_a.id, store_id=world.store_a.id,
                                   amount="100.00", order_id="o-1")
    return world


async def test_a_payment_refund_restores_the_same_buckets_and_grants(gql, paid):
    world = paid
    grants_before_pay = {g.id: g.amount for g in await WalletGrant.all()}

    body = await gql(REFUND_PAYMENT, {"input": {"orderId": "o-1"}}, token=world.tokens["manager_a"])

    done = body["data"]["refundWalletPayment"]
    assert done["errors"] == [] and done["replayed"] is False and done["payment"]["refunded"] is True
    assert (done["principal"], done["bonus"]) == ("300.00", "60.00")
    assert {g.id: g.remaining for g in await WalletGrant.all()} == grants_before_pay
    refund = await WalletLedgerEntry.get(kind=WalletLedgerKind.PAY_REFUND)
    assert (refund.principal_delta, refund.bonus_delta) == (83_34, 16_66)
    # the bonus grant kept its expiry date
    assert (await WalletGrant.get(bucket="BONUS")).expires_at is not None
    await assert_consistent()


async def test_a_payment_refund_twice_restores_once(gql, paid):
    world = paid
    await gql(REFUND_PAYMENT, {"input": {"orderId": "o-1"}}, token=world.tokens["manager_a"])
    again = (await gql(REFUND_PAYMENT, {"input": {"orderId": "o-1"}}, token=world.tokens["manager_a"])
             )["data"]["refundWalletPayment"]

    assert again["replayed"] is True
    assert await WalletLedgerEntry.filter(kind=WalletLedgerKind.PAY_REFUND).count() == 1
    assert await wallet_of(world.member_a) == (300_00, 60_00)


async def test_refund_of_an_unknown_order_is_a_user_error(gql, paid):
    body = await gql(REFUND_PAYMENT, {"input": {"orderId": "nope"}}, token=paid.tokens["hq_operator"])
    assert payload_errors(body["data"]["refundWalletPayment"]) == [("PAYMENT_NOT_FOUND", "orderId")]


def balance_input(world, refund_id: str = "r-1") -> dict:
    return {"memberId": str(world.member_a.id), "storeId": str(world.store_a.id), "refundId": refund_id,
            "reason": "moving away"}


async def test_a_balance_refund_pays_principal_back_and_forfeits_bonus(gql, paid):
    world = paid

    body = await gql(REFUND_BALANCE, {"input": balance_input(world)}, token=world.tokens["manager_a"])

    done = body["data"]["refundWalletBalance"]
    assert done == {"principalRefunded": "216.66", "bonusForfeited": "43.34", "replayed": False, "errors": []}
    assert await wallet_of(world.member_a) == (0, 0)
    back = await WalletLedgerEntry.get(kind=WalletLedgerKind.BALANCE_REFUND)
    forfeit = await WalletLedgerEntry.get(kind=WalletLedgerKind.BONUS_FORFEIT)
    assert (back.principal_delta, back.bonus_delta, back.store_id) == (-216_66, 0, world.store_a.id)
    assert (forfeit.principal_delta, forfeit.bonus_delta) == (0, -43_34)
    assert "moving away" in back.reason and back.actor.startswith("staff:")
    await assert_consistent()


async def test_a_balance_refund_replayed_refunds_once_and_an_empty_wallet_is_an_error(gql, paid):
    world = paid
    await gql(REFUND_BALANCE, {"input": balance_input(world)}, token=world.tokens["manager_a"])

    again = (await gql(REFUND_BALANCE, {"input": balance_input(world)}, token=world.tokens["manager_a"])
             )["data"]["refundWalletBalance"]
    empty = (await gql(REFUND_BALANCE, {"input": balance_input(world, "r-2")}, token=world.tokens["manager_a"])
             )["data"]["refundWalletBalance"]

    assert again == {"principalRefunded": "216.66", "bonusForfeited": "43.34", "replayed": True, "errors": []}
    assert payload_errors(empty) == [("WALLET_EMPTY", "memberId")]
    assert await WalletLedgerEntry.filter(kind=WalletLedgerKind.BALANCE_REFUND).count() == 1
