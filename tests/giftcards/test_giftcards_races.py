"""Concurrent requests on one card through the GraphQL app, on PostgreSQL: each request runs in
its own transaction on its own connection, racing for the card's row lock and the unique
idempotency keys. Afterwards the ledger check finds every card consistent."""

import asyncio

from domain.giftcards.models import GiftCard, GiftCardKind, GiftCardLedgerEntry
from domain.giftcards.verify import verify_gift_cards
from tests.conftest import requires_postgres
from tests.giftcards.support import (
    CLAIM, PAY, REDEEM, SEND, error_codes, make_template, one_card, pay_input, payload_errors,
)

pytestmark = requires_postgres


async def fire(gql, calls: list[tuple[str, str, dict]]) -> list[dict]:
    bodies = await asyncio.gather(*(gql(document, {"input": input}, token=token, expect_errors=True)
                                    for token, document, input in calls))
    # none is a top-level error (no 500, no masked deadlock or unique violation)
    assert [error_codes(b) for b in bodies if b.get("errors")] == []
    return [next(iter(b["data"].values())) for b in bodies]


async def test_two_clerks_redeeming_one_pickup_card_at_once_redeem_it_once(gql, world, runtime, second_clerk_a):
    _, card, code = await one_card(world, runtime, GiftCardKind.PICKUP, uses=1)
    inputs = [{"storeId": str(world.store_a.id), "code": code, "idempotencyKey": f"counter-{n}"} for n in (1, 2)]

    payloads = await fire(gql, [(world.tokens["clerk_a"], REDEEM, inputs[0]), (second_clerk_a, REDEEM, inputs[1])])

    assert sorted(len(p["errors"]) for p in payloads) == [0, 1]
    [refused] = [p for p in payloads if p["errors"]]
    assert payload_errors(refused) == [("CARD_USED_UP", "code")]
    assert await GiftCardLedgerEntry.filter(card_id=card.id, kind="PICKUP").count() == 1
    assert (await GiftCard.get(id=card.id)).uses_left == 0
    assert await verify_gift_cards() == []


async def test_thirty_concurrent_payments_on_one_card_never_overdraw(gql, world, runtime):
    # a 100.00 card and thirty payments of 7.00: fourteen fit (98.00)
    _, card, code = await one_card(world, runtime)
    calls = [(world.tokens["clerk_a"], PAY, pay_input(world, f"o-{n}", "7.00", code=code)) for n in range(30)]

    payloads = await fire(gql, calls)

    done = [p for p in payloads if not p["errors"]]
    assert len(done) == 14
    assert all(payload_errors(p) == [("INSUFFICIENT_BALANCE", "amount")] for p in payloads if p["errors"])
    assert (await GiftCard.get(id=card.id)).balance_minor == 2_00
    assert sorted(p["balance"] for p in done) == sorted(f"{100 - 7 * n:.2f}" for n in range(1, 15))
    assert await GiftCardLedgerEntry.filter(card_id=card.id, kind="PAY").count() == 14
    assert await verify_gift_cards() == []


async def test_thirty_replays_of_one_payment_charge_once(gql, world, runtime):
    _, card, code = await one_card(world, runtime)
    calls = [(world.tokens["clerk_a"], PAY, pay_input(world, "o-1", "10.00", code=code))] * 30

    payloads = await fire(gql, calls)

    assert all(p["errors"] == [] and p["balance"] == "90.00" for p in payloads)
    assert sorted(p["replayed"] for p in payloads) == [False] + [True] * 29
    assert (await GiftCard.get(id=card.id)).balance_minor == 90_00
    assert await verify_gift_cards() == []


async def test_two_members_claiming_one_code_at_once_one_wins(gql, world, runtime, member_b_token):
    _, card, code = await one_card(world, runtime)

    payloads = await fire(gql, [(world.tokens["member"], CLAIM, {"code": code}),
                                (member_b_token, CLAIM, {"code": code})])

    winners = [p for p in payloads if not p["errors"]]
    assert len(winners) == 1
    assert [payload_errors(p) for p in payloads if p["errors"]] == [[("ALREADY_CLAIMED", "code")]]
    got = await GiftCard.get(id=card.id)
    assert got.member_id in (world.member_a.id, world.member_b.id)
    assert await GiftCardLedgerEntry.filter(card_id=card.id, kind="CLAIM").count() == 1


async def test_ten_concurrent_purchases_with_one_payment_reference_buy_one_card(gql, world):
    template = await make_template(world, sale_price="95.00")
    buy = {"templateId": str(template.id), "paymentReference": "wx-1"}

    payloads = await fire(gql, [(world.tokens["member"], SEND, buy)] * 10)

    assert all(p["errors"] == [] for p in payloads)
    assert sorted(p["replayed"] for p in payloads) == [False] + [True] * 9
    assert len({p["card"]["id"] for p in payloads}) == 1
    assert [p["code"] is not None for p in payloads].count(True) == 1
    assert await GiftCard.filter(template_id=template.id).count() == 1
    assert await verify_gift_cards() == []
