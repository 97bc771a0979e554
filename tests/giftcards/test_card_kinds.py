"""PICKUP, EXCHANGE and BENEFIT cards, and ISSUED cards that wait for activation."""

from datetime import datetime, timedelta

from domain.giftcards.models import GiftCard, GiftCardKind, GiftCardLedgerEntry
from domain.giftcards.verify import verify_gift_cards
from tests.giftcards.support import (
    ACTIVATE, CLAIM, MEMBER_CARDS, PAY, REDEEM, call, issue_cards, make_template, one_card, pay_input,
    payload_errors,
)


def redeem_input(world, key: str, *, code=None, card_id=None, item=None, store=None) -> dict:
    return {"storeId": str((store or world.store_a).id), "idempotencyKey": key,
            **({"code": code} if code else {}), **({"cardId": str(card_id)} if card_id else {}),
            **({"itemSku": item} if item else {})}


async def test_a_pickup_card_hands_over_its_item_n_times_then_is_used_up(gql, world, runtime):
    _, card, code = await one_card(world, runtime, GiftCardKind.PICKUP, uses=3)
    clerk = world.tokens["clerk_a"]

    results = [await call(gql, REDEEM, clerk, redeem_input(world, f"k-{n}", code=code)) for n in range(3)]
    replay = await call(gql, REDEEM, clerk, redeem_input(world, "k-0", code=code))
    fourth = await call(gql, REDEEM, clerk, redeem_input(world, "k-9", code=code))

    assert [(r["usesLeft"], r["itemSku"], r["replayed"]) for r in results] == [
        (2, "CAKE-6", False), (1, "CAKE-6", False), (0, "CAKE-6", False)]
    assert results[-1]["card"]["state"] == "USED_UP"
    assert (replay["replayed"], replay["usesLeft"]) == (True, 0)
    assert payload_errors(fourth) == [("CARD_USED_UP", "code")]
    assert await GiftCardLedgerEntry.filter(card_id=card.id, kind="PICKUP").count() == 3
    assert await verify_gift_cards() == []


async def test_a_pickup_card_refuses_another_item_and_does_not_pay(gql, world, runtime):
    _, card, code = await one_card(world, runtime, GiftCardKind.PICKUP, uses=2)
    wrong = await call(gql, REDEEM, world.tokens["clerk_a"], redeem_input(world, "k-1", code=code, item="PIE"))
    pays = await call(gql, PAY, world.tokens["clerk_a"], pay_input(world, "o-1", "1.00", code=code))
    assert payload_errors(wrong) == [("ITEM_NOT_ON_CARD", "itemSku")]
    assert payload_errors(pays) == [("WRONG_CARD_KIND", "code")]
    assert (await GiftCard.get(id=card.id)).uses_left == 2


async def test_an_exchange_card_takes_one_listed_item_once(gql, world, runtime):
    _, card, code = await one_card(world, runtime, GiftCardKind.EXCHANGE)
    clerk = world.tokens["clerk_a"]

    unlisted = await call(gql, REDEEM, clerk, redeem_input(world, "k-1", code=code, item="COFFEE"))
    none = await call(gql, REDEEM, clerk, redeem_input(world, "k-2", code=code))
    taken = await call(gql, REDEEM, clerk, redeem_input(world, "k-3", code=code, item="TEA-2"))
    again = await call(gql, REDEEM, clerk, redeem_input(world, "k-4", code=code, item="TEA-1"))

    assert payload_errors(unlisted) == payload_errors(none) == [("ITEM_NOT_ON_CARD", "itemSku")]
    assert (taken["itemSku"], taken["usesLeft"], taken["card"]["state"]) == ("TEA-2", 0, "USED_UP")
    assert payload_errors(again) == [("CARD_USED_UP", "code")]
    [entry] = await GiftCardLedgerEntry.filter(card_id=card.id, kind="EXCHANGE")
    assert (entry.item_sku, entry.store_id, entry.uses_delta) == ("TEA-2", world.store_a.id, -1)


async def test_a_benefit_card_applies_its_tier_level_for_its_days_from_the_claim(gql, world, runtime):
    _, card, code = await one_card(world, runtime, GiftCardKind.BENEFIT, benefit_tier_level=3, benefit_days=30)

    claimed = await call(gql, CLAIM, world.tokens["member"], {"code": code})

    # recorded on the card with its end date: CLAIMED, nothing left to use, the benefit runs 30 days
    assert claimed["errors"] == []
    got = claimed["card"]
    assert (got["state"], got["usesLeft"]) == ("CLAIMED", 0)
    start = datetime.fromisoformat(got["claimedAt"])
    assert datetime.fromisoformat(got["benefitUntil"]) - start == timedelta(days=30)
    assert got["validUntil"] == got["benefitUntil"]
    kinds = await GiftCardLedgerEntry.filter(card_id=card.id).order_by("id").values_list("kind", flat=True)
    assert [k.value for k in kinds] == ["ISSUE", "CLAIM", "BENEFIT"]
    body = await gql(MEMBER_CARDS, {"id": str(world.member_a.id)}, token=world.tokens["member"])
    [edge] = body["data"]["member"]["giftCards"]["edges"]
    assert (edge["node"]["kind"], edge["node"]["benefitUntil"]) == ("BENEFIT", got["benefitUntil"])

    from domain.giftcards.claim import active_benefits
    assert [c.id for c in await active_benefits(world.brand.id, world.member_a.id)] == [card.id]
    assert await active_benefits(world.brand.id, world.member_a.id, start + timedelta(days=31)) == []
    assert await verify_gift_cards() == []


async def test_a_bundle_benefit_card_is_recorded_too(gql, world, runtime):
    template = await make_template(world, GiftCardKind.BENEFIT, benefit_tier_level=None,
                                   benefit_bundle="Free delivery", benefit_days=7)
    assert (template.benefit_bundle, template.benefit_tier_level) == ("Free delivery", None)


async def test_an_issued_card_is_neither_claimed_nor_used_until_hq_activates_it(gql, world, runtime):
    template = await make_template(world)
    [issued] = await issue_cards(world, runtime, template, activate=False)
    assert issued.card.state.value == "ISSUED"

    early = await call(gql, CLAIM, world.tokens["member"], {"code": issued.code})
    pay = await call(gql, PAY, world.tokens["clerk_a"], pay_input(world, "o-1", "1.00", code=issued.code))
    activated = await call(gql, ACTIVATE, world.tokens["hq_operator"], {"cardId": str(issued.card.id)})
    twice = await call(gql, ACTIVATE, world.tokens["hq_operator"], {"cardId": str(issued.card.id)})
    claimed = await call(gql, CLAIM, world.tokens["member"], {"code": issued.code})

    assert payload_errors(early) == [("CARD_NOT_ACTIVE", "code")]
    assert payload_errors(pay) == [("CARD_NOT_ACTIVE", "code")]
    assert activated["card"]["state"] == "ACTIVE"
    assert payload_errors(twice) == [("CARD_NOT_ACTIVE", "cardId")]
    assert claimed["card"]["state"] == "CLAIMED"
    assert await verify_gift_cards() == []
