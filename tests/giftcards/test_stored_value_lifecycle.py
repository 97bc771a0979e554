"""A stored-value card from template to used up: issue, look up, claim, pay (idempotent per
order), refund, with its ledger and the ledger check at each step."""

from decimal import Decimal

from domain.giftcards.models import GiftCard, GiftCardLedgerEntry
from domain.giftcards.verify import verify_gift_cards
from tests.giftcards.support import (
    CLAIM, CREATE_TEMPLATE, ISSUE, LOOKUP, MEMBER_CARDS, PAY, REFUND, call, later, pay_input, payload_errors,
)


async def test_hq_creates_a_template_issues_a_batch_and_the_codes_are_shown_once(gql, world):
    # given a 100.00 festival card usable at store A only, valid until next year
    template = await call(gql, CREATE_TEMPLATE, world.tokens["hq_operator"], {
        "name": "Mid-autumn 100", "kind": "STORED_VALUE", "theme": "FESTIVAL", "faceValue": "100.00",
        "validUntil": later().isoformat(), "storeIds": [str(world.store_a.id)], "salePrice": "95.00"})
    assert template["errors"] == []
    assert template["template"]["faceValue"] == "100.00" and template["template"]["salePrice"] == "95.00"
    assert template["template"]["usableStores"] == [{"code": "A"}]

    # when HQ issues three cards
    issued = await call(gql, ISSUE, world.tokens["hq_operator"],
                        {"templateId": template["template"]["id"], "count": 3})

    # then three distinct grouped codes, each card ACTIVE with 100.00 and an ISSUE entry
    assert issued["errors"] == []
    codes = [c["code"] for c in issued["cards"]]
    assert len(set(codes)) == 3
    assert all(len(code) == 4 * 4 + 4 + 1 and code.count("-") == 4 for code in codes)
    assert all(c["card"]["state"] == "ACTIVE" and c["card"]["balance"] == "100.00" for c in issued["cards"])
    assert [c["card"]["codeHint"] for c in issued["cards"]] == [code.replace("-", "")[12:16] for code in codes]
    assert await GiftCardLedgerEntry.filter(kind="ISSUE").count() == 3
    assert await verify_gift_cards() == []


async def test_a_member_claims_pays_twice_is_refunded_and_uses_the_card_up(gql, world):
    template = await call(gql, CREATE_TEMPLATE, world.tokens["hq_operator"], {
        "name": "Thanks 100", "kind": "STORED_VALUE", "theme": "THANKS", "faceValue": "100.00",
        "validDays": 30})
    issued = await call(gql, ISSUE, world.tokens["hq_operator"], {"templateId": template["template"]["id"],
                                                                  "count": 1})
    code = issued["cards"][0]["code"]

    # a clerk looks the card up, typed in lower case with spaces
    seen = (await gql(LOOKUP, {"code": code.lower().replace("-", " ")}, token=world.tokens["clerk_a"]))["data"]
    assert seen["giftCard"]["state"] == "ACTIVE" and seen["giftCard"]["validUntil"] is None
    assert seen["giftCard"]["usableStores"] is None and seen["giftCard"]["theme"] == "THANKS"

    # the member claims it: its 30 days start now
    claimed = await call(gql, CLAIM, world.tokens["member"], {"code": code})
    assert claimed["errors"] == [] and claimed["card"]["state"] == "CLAIMED"
    assert claimed["card"]["validUntil"] is not None
    card_id = claimed["card"]["id"]

    # a clerk takes 60.00 from the member's card, and the POS replays the same order
    first = await call(gql, PAY, world.tokens["clerk_a"], pay_input(world, "o-1", "60.00", card_id=card_id))
    again = await call(gql, PAY, world.tokens["clerk_a"], pay_input(world, "o-1", "60.00", card_id=card_id))
    assert (first["balance"], first["replayed"], again["balance"], again["replayed"]) == (
        "40.00", False, "40.00", True)

    # the same order id with another amount is a conflict; more than the balance is refused
    conflict = await call(gql, PAY, world.tokens["clerk_a"], pay_input(world, "o-1", "10.00", card_id=card_id))
    assert payload_errors(conflict) == [("IDEMPOTENCY_CONFLICT", "orderId")]
    too_much = await call(gql, PAY, world.tokens["clerk_a"], pay_input(world, "o-2", "40.01", card_id=card_id))
    assert payload_errors(too_much) == [("INSUFFICIENT_BALANCE", "amount")]

    # the manager refunds order o-1 (twice: once)
    refund = await call(gql, REFUND, world.tokens["manager_a"], {"orderId": "o-1"})
    replay = await call(gql, REFUND, world.tokens["manager_a"], {"orderId": "o-1"})
    assert (refund["amountRefunded"], refund["balance"], replay["replayed"]) == ("60.00", "100.00", True)

    # paying the whole balance by card id uses the card up
    last = await call(gql, PAY, world.tokens["clerk_a"], pay_input(world, "o-3", "100.00", card_id=card_id))
    assert last["card"]["state"] == "USED_UP" and last["balance"] == "0.00"
    after = await call(gql, PAY, world.tokens["clerk_a"], pay_input(world, "o-4", "0.01", card_id=card_id))
    assert payload_errors(after) == [("CARD_USED_UP", "code")]

    # the member's cards show the ledger, newest first, each row with its store and order
    body = await gql(MEMBER_CARDS, {"id": str(world.member_a.id)}, token=world.tokens["member"])
    [edge] = body["data"]["member"]["giftCards"]["edges"]
    rows = [(e["node"]["kind"], Decimal(e["node"]["amount"]), e["node"]["balanceAfter"], e["node"]["orderId"])
            for e in edge["node"]["ledger"]["edges"]]
    assert rows == [
        ("PAY", Decimal("-100.00"), "0.00", "o-3"),
        ("PAY_REFUND", Decimal("60.00"), "100.00", "o-1"),
        ("PAY", Decimal("-60.00"), "40.00", "o-1"),
        ("CLAIM", Decimal("0.00"), "100.00", None),
        ("ISSUE", Decimal("100.00"), "100.00", None),
    ]
    assert all(e["node"]["store"] == {"code": "A"} for e in edge["node"]["ledger"]["edges"][:3])
    assert (await GiftCard.get(id=card_id)).balance_minor == 0
    assert await verify_gift_cards() == []


async def test_a_refund_after_the_card_is_used_up_makes_it_usable_again(gql, world):
    template = await call(gql, CREATE_TEMPLATE, world.tokens["hq_operator"], {
        "name": "50", "kind": "STORED_VALUE", "faceValue": "50.00", "validUntil": later().isoformat()})
    issued = await call(gql, ISSUE, world.tokens["hq_operator"], {"templateId": template["template"]["id"],
                                                                  "count": 1})
    code = issued["cards"][0]["code"]
    used = await call(gql, PAY, world.tokens["clerk_a"], pay_input(world, "o-1", "50.00", code=code))
    assert used["card"]["state"] == "USED_UP"

    refund = await call(gql, REFUND, world.tokens["manager_a"], {"orderId": "o-1"})

    # an unclaimed card goes back to ACTIVE with its balance
    assert (refund["card"]["state"], refund["balance"]) == ("ACTIVE", "50.00")
    assert payload_errors(await call(gql, REFUND, world.tokens["manager_a"], {"orderId": "nope"})) == [
        ("PAYMENT_NOT_FOUND", "orderId")]
    assert await verify_gift_cards() == []
