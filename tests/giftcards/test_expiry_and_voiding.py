"""A card past its date is refused at once, before the expiry job; the job expires what is
left with a ledger entry, once. HQ voids only cards nobody claimed or bought."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from domain.giftcards import claim, expiry, payments, pickup
from domain.giftcards.models import GiftCard, GiftCardKind, GiftCardLedgerEntry
from domain.giftcards.verify import verify_gift_cards
from franchise.errors import DomainError
from policies import Principal
from server.jobs import broker
from tests.factories import hq
from tests.giftcards.support import CLAIM, SEND, VOID, call, issue_cards, make_template, one_card, payload_errors


def member(world, m=None) -> Principal:
    m = m or world.member_a
    return Principal.member(member_id=m.id, brand_id=m.brand_id)


async def test_a_card_past_its_date_is_refused_before_the_job_runs(world, runtime):
    _, card, code = await one_card(world, runtime, valid_until=datetime.now(UTC) + timedelta(days=10))
    after = datetime.now(UTC) + timedelta(days=11)

    with pytest.raises(DomainError) as paid:
        await payments.pay_with_gift_card(runtime, hq(world.admin), store_id=world.store_a.id, amount="1.00",
                                          order_id="o-1", code=code, now=after)
    with pytest.raises(DomainError) as claimed:
        await claim.claim_gift_card(runtime, member(world), code=code, now=after)

    assert paid.value.code.value == claimed.value.code.value == "CARD_EXPIRED"
    assert (await GiftCard.get(id=card.id)).state.value == "ACTIVE"  # the job has not run yet


async def test_the_expiry_job_expires_what_is_left_once_even_when_run_twice_at_once(world, runtime):
    template = await make_template(world, valid_until=datetime.now(UTC) + timedelta(days=10))
    cards = [issued.card for issued in await issue_cards(world, runtime, template, count=3)]
    _, pickup_card, pickup_code = await one_card(world, runtime, GiftCardKind.PICKUP, uses=2,
                                                 valid_until=datetime.now(UTC) + timedelta(days=10))
    await pickup.redeem_pickup_card(runtime, hq(world.admin), store_id=world.store_a.id, idempotency_key="k",
                                    code=pickup_code)
    _, lasting, _ = await one_card(world, runtime)  # valid for a year
    after = datetime.now(UTC) + timedelta(days=11)

    runs = await asyncio.gather(expiry.expire_due_cards(after), expiry.expire_due_cards(after))

    assert sum(runs) == 4
    for card in cards:
        got = await GiftCard.get(id=card.id)
        assert (got.state.value, got.balance_minor) == ("EXPIRED", 0)
        [entry] = await GiftCardLedgerEntry.filter(card_id=card.id, kind="EXPIRE")
        assert (entry.amount_delta, entry.actor) == (-100_00, "job:expire-gift-cards")
    got = await GiftCard.get(id=pickup_card.id)
    assert (got.state.value, got.uses_left) == ("EXPIRED", 0)
    assert (await GiftCardLedgerEntry.get(card_id=pickup_card.id, kind="EXPIRE")).uses_delta == -1
    assert (await GiftCard.get(id=lasting.id)).state.value == "ACTIVE"
    assert await expiry.expire_due_cards(after) == 0
    assert await verify_gift_cards() == []


async def test_a_card_valid_n_days_after_its_claim_expires_n_days_after_the_claim(world, runtime):
    _, card, code = await one_card(world, runtime, valid_days=7)
    claimed_at = datetime.now(UTC)
    await claim.claim_gift_card(runtime, member(world), code=code, now=claimed_at)

    assert await expiry.expire_due_cards(claimed_at + timedelta(days=6)) == 0
    assert await expiry.expire_due_cards(claimed_at + timedelta(days=7)) == 1
    assert (await GiftCard.get(id=card.id)).state.value == "EXPIRED"


def test_the_gift_card_expiry_task_is_registered_daily():
    task = broker.find_task("expire_gift_cards")
    assert task is not None
    assert task.labels["schedule"] == [
        {"cron": "10 0 * * *", "cron_offset": "Asia/Shanghai", "schedule_id": "expire-gift-cards-daily"}]


async def test_hq_voids_an_unclaimed_card_and_it_can_no_longer_be_claimed(gql, world, runtime):
    _, card, code = await one_card(world, runtime)

    voided = await call(gql, VOID, world.tokens["hq_operator"], {"cardId": str(card.id), "reason": "lost batch"})
    claimed = await call(gql, CLAIM, world.tokens["member"], {"code": code})

    assert (voided["card"]["state"], voided["card"]["balance"]) == ("VOIDED", "0.00")
    assert payload_errors(claimed) == [("CARD_VOIDED", "code")]
    [entry] = await GiftCardLedgerEntry.filter(card_id=card.id, kind="VOID")
    assert (entry.amount_delta, entry.reason) == (-100_00, "lost batch")
    assert await verify_gift_cards() == []


async def test_a_claimed_bought_or_voided_card_cannot_be_voided(gql, world, runtime):
    _, claimed_card, code = await one_card(world, runtime)
    await call(gql, CLAIM, world.tokens["member"], {"code": code})
    template = await make_template(world, sale_price="90.00")
    bought = await call(gql, SEND, world.tokens["member"], {"templateId": str(template.id),
                                                            "paymentReference": "p-1"})
    _, voided_card, _ = await one_card(world, runtime)
    await call(gql, VOID, world.tokens["hq_operator"], {"cardId": str(voided_card.id), "reason": "misprint"})

    for card_id in (claimed_card.id, bought["card"]["id"], voided_card.id):
        result = await call(gql, VOID, world.tokens["hq_operator"], {"cardId": str(card_id), "reason": "x"})
        assert payload_errors(result) == [("CANNOT_VOID", "cardId")]
    assert (await GiftCard.get(id=claimed_card.id)).balance_minor == 100_00
