"""How a wallet payment splits principal and the bonus usable at the store, by the brand's rule,
with exact amounts; bonus of other stores and expired bonus are never used."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.wallet import plans
from domain.wallet.models import ConsumptionRule, WalletGrant, WalletLedgerEntry, WalletLedgerKind
from tests.factories import hq
from tests.wallet.support import PAY, SETTINGS, UPDATE_SETTINGS, assert_consistent, make_plan, payload_errors, top_up, \
    wallet_of


async def pay(gql, world, amount: str, order_id: str, *, store=None, token: str = "clerk_a") -> dict:
    store = store or world.store_a
    input = {"memberId": str(world.member_a.id), "storeId": str(store.id), "amount": amount, "orderId": order_id}
    return (await gql(PAY, {"input": input}, token=world.tokens[token]))["data"]["payWithWallet"]


async def use_rule(world, rule: ConsumptionRule) -> None:
    await plans.update_wallet_settings(hq(world.admin), rule=rule)


@pytest.fixture
async def pay_300_get_60(world):
    """Member A topped up 300.00 by a "pay 300 get 60" plan at store A (bonus usable anywhere)."""
    plan = await make_plan(world, pay_minor=300_00, bonus_minor=60_00)
    await top_up(world, plan=plan)
    return world


async def test_proportional_is_the_default_and_rounds_the_bonus_part_down(gql, pay_300_get_60):
    world = pay_300_get_60
    assert (await gql(SETTINGS, token=world.tokens["clerk_a"]))["data"]["walletSettings"] == {
        "consumptionRule": "PROPORTIONAL"}

    # 100.00 × 60 / 360 = 16.666… → the bonus pays 16.66, principal the rest, 83.34
    done = await pay(gql, world, "100.00", "o-1")

    assert done["errors"] == []
    assert (done["payment"]["principalAmount"], done["payment"]["bonusAmount"]) == ("83.34", "16.66")
    assert (done["principal"], done["bonus"]) == ("216.66", "43.34")
    assert await wallet_of(world.member_a) == (216_66, 43_34)
    await assert_consistent()


async def test_proportional_can_empty_the_wallet_exactly(gql, pay_300_get_60):
    world = pay_300_get_60
    await pay(gql, world, "100.00", "o-1")

    done = await pay(gql, world, "260.00", "o-2")

    assert (done["payment"]["principalAmount"], done["payment"]["bonusAmount"]) == ("216.66", "43.34")
    assert await wallet_of(world.member_a) == (0, 0)
    await assert_consistent()


async def test_principal_first_spends_principal_then_bonus(gql, pay_300_get_60):
    world = pay_300_get_60
    await use_rule(world, ConsumptionRule.PRINCIPAL_FIRST)

    first = await pay(gql, world, "100.00", "o-1")
    second = await pay(gql, world, "250.00", "o-2")

    assert (first["payment"]["principalAmount"], first["payment"]["bonusAmount"]) == ("100.00", "0.00")
    assert (second["payment"]["principalAmount"], second["payment"]["bonusAmount"]) == ("200.00", "50.00")
    assert await wallet_of(world.member_a) == (0, 10_00)
    await assert_consistent()


async def test_bonus_first_spends_the_bonus_then_principal(gql, pay_300_get_60):
    world = pay_300_get_60
    body = await gql(UPDATE_SETTINGS, {"input": {"consumptionRule": "BONUS_FIRST"}}, token=world.tokens["hq_operator"])
    assert body["data"]["updateWalletSettings"] == {"consumptionRule": "BONUS_FIRST", "errors": []}

    done = await pay(gql, world, "100.00", "o-1")

    assert (done["payment"]["principalAmount"], done["payment"]["bonusAmount"]) == ("40.00", "60.00")
    assert await wallet_of(world.member_a) == (260_00, 0)
    await assert_consistent()


async def test_more_than_principal_and_usable_bonus_is_insufficient_and_changes_nothing(gql, pay_300_get_60):
    world = pay_300_get_60

    done = await pay(gql, world, "360.01", "o-1")

    assert payload_errors(done) == [("INSUFFICIENT_BALANCE", "amount")]
    assert await wallet_of(world.member_a) == (300_00, 60_00)
    assert await WalletLedgerEntry.filter(kind=WalletLedgerKind.PAY).count() == 0


async def test_bonus_restricted_to_store_a_is_not_spent_at_store_b(gql, world):
    # given a new store A's plan "pay 300 get 150, this store only"
    plan = await make_plan(world, pay_minor=300_00, bonus_minor=150_00, bonus_store_ids=[world.store_a.id])
    await top_up(world, plan=plan)

    # when the member pays at store B: only principal is usable there
    too_much = await pay(gql, world, "300.01", "o-1", store=world.store_b, token="manager_b")
    done = await pay(gql, world, "100.00", "o-2", store=world.store_b, token="manager_b")

    # then
    assert payload_errors(too_much) == [("INSUFFICIENT_BALANCE", "amount")]
    assert (done["payment"]["principalAmount"], done["payment"]["bonusAmount"]) == ("100.00", "0.00")
    # and at store A the bonus counts again: 100 × 150 / 350 = 42.857… → 42.85
    at_a = await pay(gql, world, "100.00", "o-3")
    assert (at_a["payment"]["principalAmount"], at_a["payment"]["bonusAmount"]) == ("57.15", "42.85")
    await assert_consistent()


async def test_expired_bonus_is_never_spent_even_before_the_job_runs(gql, world):
    # given a bonus of 60.00 valid 30 days, topped up 31 days ago
    plan = await make_plan(world, pay_minor=300_00, bonus_minor=60_00, bonus_expiry_days=30)
    await top_up(world, plan=plan, now=datetime.now(UTC) - timedelta(days=31))
    await use_rule(world, ConsumptionRule.BONUS_FIRST)

    # when the member pays now
    done = await pay(gql, world, "100.00", "o-1")

    # then only principal paid, and the bonus left the wallet with an expiry entry
    assert (done["payment"]["principalAmount"], done["payment"]["bonusAmount"]) == ("100.00", "0.00")
    expired = await WalletLedgerEntry.get(kind=WalletLedgerKind.BONUS_EXPIRE)
    assert (expired.principal_delta, expired.bonus_delta) == (0, -60_00)
    assert await wallet_of(world.member_a) == (200_00, 0)
    await assert_consistent()


async def test_the_soonest_expiring_bonus_grant_is_spent_first(gql, world):
    # given a bonus valid 90 days, then one valid 10 days, then one that never expires
    late = await make_plan(world, name="late", pay_minor=100_00, bonus_minor=20_00, bonus_expiry_days=90)
    soon = await make_plan(world, name="soon", pay_minor=100_00, bonus_minor=20_00, bonus_expiry_days=10)
    never = await make_plan(world, name="never", pay_minor=100_00, bonus_minor=20_00)
    for ref, plan in (("t-late", late), ("t-soon", soon), ("t-never", never)):
        await top_up(world, plan=plan, ref=ref)
    await use_rule(world, ConsumptionRule.BONUS_FIRST)

    # when 30.00 is paid from bonus
    await pay(gql, world, "30.00", "o-1")

    # then the 10-day grant is empty, the 90-day one gave the rest, the never-expiring one is whole
    remaining = {g.expires_at is None and "never" or (g.expires_at - g.granted_at).days: g.remaining
                 for g in await WalletGrant.filter(bucket="BONUS")}
    assert remaining == {10: 0, 90: 10_00, "never": 20_00}
    await assert_consistent()


async def test_a_replayed_order_id_pays_once_and_another_amount_is_a_conflict(gql, pay_300_get_60):
    world = pay_300_get_60
    first = await pay(gql, world, "50.00", "o-1")
    again = await pay(gql, world, "50.00", "o-1")
    other = await pay(gql, world, "60.00", "o-1")

    assert (first["replayed"], again["replayed"]) == (False, True)
    assert again["payment"]["id"] == first["payment"]["id"]
    assert payload_errors(other) == [("IDEMPOTENCY_CONFLICT", "orderId")]
    assert sum(await wallet_of(world.member_a)) == 360_00 - 50_00
    assert Decimal(again["principal"]) + Decimal(again["bonus"]) == Decimal("310.00")
