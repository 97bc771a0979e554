"""Enumeration defence and brand isolation: wrong codes are counted per caller and past the
budget every look-up by code is RATE_LIMITED; another brand never finds this brand's cards;
a store outside the card's usable stores neither takes payments nor hands over items."""

from domain.giftcards import lookup
from domain.giftcards.models import GiftCard, GiftCardKind
from tests.giftcards.support import (
    CLAIM, LOOKUP, PAY, REDEEM, call, error_codes, one_card, pay_input, payload_errors,
)


def wrong_codes(n: int) -> list[str]:
    from domain.giftcards import codes
    return [codes.new_code() for _ in range(n)]


async def test_repeated_wrong_look_ups_are_throttled_even_for_a_right_code(gql, world, runtime, member_b_token):
    _, _, code = await one_card(world, runtime)
    member = world.tokens["member"]

    # ten wrong codes (no such card, or a typo) are answered as such
    misses = [await gql(LOOKUP, {"code": c}, token=member, expect_errors=True)
              for c in wrong_codes(lookup.WRONG_LOOKUPS - 1) + ["ABCD"]]
    assert [error_codes(b) for b in misses] == [["CARD_NOT_FOUND"]] * 9 + [["INVALID_CODE"]]

    # then the eleventh wrong one, and even the right code, are refused
    blocked = await gql(LOOKUP, {"code": wrong_codes(1)[0]}, token=member, expect_errors=True)
    right = await gql(LOOKUP, {"code": code}, token=member, expect_errors=True)
    claim = await call(gql, CLAIM, member, {"code": code})
    assert error_codes(blocked) == error_codes(right) == ["RATE_LIMITED"]
    assert payload_errors(claim) == [("RATE_LIMITED", "code")]

    # another caller has its own budget
    other = await gql(LOOKUP, {"code": code}, token=member_b_token)
    assert other["data"]["giftCard"]["state"] == "ACTIVE"


async def test_right_look_ups_do_not_use_the_budget(gql, world, runtime):
    _, _, code = await one_card(world, runtime)
    for _ in range(lookup.WRONG_LOOKUPS + 5):
        await gql(LOOKUP, {"code": code}, token=world.tokens["clerk_a"])


async def test_another_brands_staff_and_members_cannot_find_or_claim_this_brands_cards(
        gql, world, runtime, other_member_token):
    _, card, code = await one_card(world, runtime)

    looked = await gql(LOOKUP, {"code": code}, token=world.tokens["other_admin"], expect_errors=True)
    member_looked = await gql(LOOKUP, {"code": code}, token=other_member_token, expect_errors=True)
    claimed = await call(gql, CLAIM, other_member_token, {"code": code})
    paid = await call(gql, PAY, world.tokens["other_admin"], pay_input(world, "o-1", "1.00", code=code,
                                                                       store=world.other_store))

    assert error_codes(looked) == error_codes(member_looked) == ["CARD_NOT_FOUND"]
    assert looked["data"] is None and "ACTIVE" not in str(looked)
    assert payload_errors(claimed) == payload_errors(paid) == [("CARD_NOT_FOUND", "code")]
    got = await GiftCard.get(id=card.id)
    assert (got.member_id, got.balance_minor) == (None, 100_00)


async def test_a_clerk_of_a_store_where_the_card_is_not_usable_cannot_pay_or_redeem_with_it(
        gql, world, runtime, clerk_b):
    _, card, code = await one_card(world, runtime, store_ids=[world.store_a.id])
    _, pickup_card, pickup_code = await one_card(world, runtime, GiftCardKind.PICKUP, store_ids=[world.store_a.id])

    paid = await call(gql, PAY, clerk_b, pay_input(world, "o-1", "1.00", code=code, store=world.store_b))
    redeemed = await call(gql, REDEEM, clerk_b, {"storeId": str(world.store_b.id), "idempotencyKey": "k",
                                                 "code": pickup_code})
    # and a clerk of store B cannot act at store A, where the card is usable
    elsewhere = await call(gql, PAY, clerk_b, pay_input(world, "o-2", "1.00", code=code), expect_errors=True)

    assert payload_errors(paid) == [("STORE_NOT_USABLE", "storeId")]
    assert payload_errors(redeemed) == [("STORE_NOT_USABLE", "storeId")]
    assert error_codes(elsewhere) == ["FORBIDDEN"]
    assert (await GiftCard.get(id=card.id)).balance_minor == 100_00
    assert (await GiftCard.get(id=pickup_card.id)).uses_left == 3
    ok = await call(gql, PAY, world.tokens["clerk_a"], pay_input(world, "o-3", "1.00", code=code))
    assert ok["balance"] == "99.00"
