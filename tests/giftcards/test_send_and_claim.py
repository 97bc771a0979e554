"""Claiming binds a card to one member; members buy cards as gifts or pass unused ones on, and
the friend claims the fresh code (the old one stops working)."""

from domain.giftcards.models import GiftCard, GiftCardLedgerEntry
from domain.giftcards.verify import verify_gift_cards
from tests.giftcards.support import (
    CLAIM, LOOKUP, PAY, SEND, call, error_codes, make_template, one_card, pay_input, payload_errors,
)


async def test_a_claimed_card_cannot_be_claimed_by_another_member_and_a_second_claim_replays(
        gql, world, runtime, member_b_token):
    _, card, code = await one_card(world, runtime)

    first = await call(gql, CLAIM, world.tokens["member"], {"code": code})
    again = await call(gql, CLAIM, world.tokens["member"], {"code": code})
    other = await call(gql, CLAIM, member_b_token, {"code": code})

    assert (first["replayed"], again["replayed"]) == (False, True)
    assert payload_errors(other) == [("ALREADY_CLAIMED", "code")]
    assert (await GiftCard.get(id=card.id)).member_id == world.member_a.id


async def test_once_claimed_the_code_neither_pays_nor_shows_the_card_to_another_member(
        gql, world, runtime, member_b_token):
    # given a card member A claimed, whose code someone else (its buyer, a sender) has seen
    _, card, code = await one_card(world, runtime)
    await call(gql, CLAIM, world.tokens["member"], {"code": code})

    # when the code is used at a counter or looked up by another member
    paid = await call(gql, PAY, world.tokens["clerk_a"], pay_input(world, "o-1", "1.00", code=code))
    looked = await gql(LOOKUP, {"code": code}, token=member_b_token, expect_errors=True)
    own = await gql(LOOKUP, {"code": code}, token=world.tokens["member"])

    # then it is refused without showing the balance; the holder still sees its card
    assert payload_errors(paid) == [("ALREADY_CLAIMED", "code")]
    assert error_codes(looked) == ["ALREADY_CLAIMED"] and looked["data"] is None
    assert own["data"]["giftCard"]["balance"] == "100.00"
    assert (await GiftCard.get(id=card.id)).balance_minor == 100_00


async def test_a_member_buys_a_card_for_a_friend_once_per_payment_and_the_friend_claims_it(
        gql, world, runtime, member_b_token):
    template = await make_template(world, sale_price="95.00")
    buy = {"templateId": str(template.id), "paymentReference": "wx-pay-1"}

    bought = await call(gql, SEND, world.tokens["member"], buy)
    replay = await call(gql, SEND, world.tokens["member"], buy)

    assert bought["errors"] == [] and bought["code"] and bought["card"]["state"] == "ACTIVE"
    assert (replay["replayed"], replay["code"], replay["card"]["id"]) == (True, None, bought["card"]["id"])
    assert await GiftCard.filter(template_id=template.id).count() == 1
    claimed = await call(gql, CLAIM, member_b_token, {"code": bought["code"]})
    assert claimed["card"]["state"] == "CLAIMED" and claimed["card"]["balance"] == "100.00"
    entry = await GiftCardLedgerEntry.get(card_id=bought["card"]["id"], kind="ISSUE")
    assert (entry.member_id, entry.idempotency_key) == (world.member_a.id, "sale:wx-pay-1")


async def test_a_template_without_sale_price_cannot_be_bought(gql, world):
    template = await make_template(world)
    result = await call(gql, SEND, world.tokens["member"],
                        {"templateId": str(template.id), "paymentReference": "p-1"})
    assert payload_errors(result) == [("NOT_FOR_SALE", "templateId")]


async def test_passing_a_claimed_unused_card_on_gives_a_fresh_code_and_the_old_one_stops_working(
        gql, world, runtime, member_b_token):
    _, card, old_code = await one_card(world, runtime)
    await call(gql, CLAIM, world.tokens["member"], {"code": old_code})

    sent = await call(gql, SEND, world.tokens["member"], {"cardId": str(card.id)})

    assert sent["errors"] == [] and sent["code"] != old_code
    assert (sent["card"]["state"], sent["card"]["claimedAt"]) == ("ACTIVE", None)
    stale = await gql(LOOKUP, {"code": old_code}, token=member_b_token, expect_errors=True)
    assert error_codes(stale) == ["CARD_NOT_FOUND"]
    claimed = await call(gql, CLAIM, member_b_token, {"code": sent["code"]})
    assert claimed["card"]["id"] == str(card.id)
    assert (await GiftCard.get(id=card.id)).member_id == world.member_b.id
    assert await GiftCardLedgerEntry.filter(card_id=card.id, kind="TRANSFER").count() == 1
    assert await verify_gift_cards() == []


async def test_a_used_card_or_someone_elses_card_cannot_be_sent(gql, world, runtime, member_b_token):
    _, card, code = await one_card(world, runtime)
    await call(gql, CLAIM, world.tokens["member"], {"code": code})
    await call(gql, PAY, world.tokens["clerk_a"], pay_input(world, "o-1", "1.00", card_id=card.id))

    used = await call(gql, SEND, world.tokens["member"], {"cardId": str(card.id)})
    not_mine = await call(gql, SEND, member_b_token, {"cardId": str(card.id)})
    both = await call(gql, SEND, world.tokens["member"], {"cardId": str(card.id), "templateId": "1"})

    assert payload_errors(used) == [("CARD_ALREADY_USED", "cardId")]
    assert payload_errors(not_mine) == [("NOT_YOUR_CARD", "cardId")]
    assert payload_errors(both) == [("INVALID_INPUT", "templateId")]


async def test_a_buyer_who_lost_the_code_sends_the_bought_card_for_a_new_one(gql, world, member_b_token):
    template = await make_template(world, sale_price="95.00")
    bought = await call(gql, SEND, world.tokens["member"], {"templateId": str(template.id),
                                                            "paymentReference": "p-1"})
    resent = await call(gql, SEND, world.tokens["member"], {"cardId": bought["card"]["id"]})
    assert resent["errors"] == [] and resent["code"] != bought["code"]
    assert payload_errors(await call(gql, CLAIM, member_b_token, {"code": bought["code"]})) == [
        ("CARD_NOT_FOUND", "code")]
    assert (await call(gql, CLAIM, member_b_token, {"code": resent["code"]}))["errors"] == []
