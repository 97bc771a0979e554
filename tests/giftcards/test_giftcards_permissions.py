"""Who may call each gift-card operation (DESIGN.md "Who may do what", API.md).

Each test builds one world and tries every caller in turn, each on objects of its own (a fresh
card or template of the first brand, "acme", usable at store A). Exactly the allowed callers
succeed; every other caller gets a top-level FORBIDDEN (UNAUTHENTICATED without credentials)
and changes nothing. Another brand's admin acts in its own brand: it is told the first brand's
card, template, store or payment is not found, and changes nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from domain.giftcards import payments
from domain.giftcards.models import GiftCard, GiftCardKind, GiftCardLedgerEntry, GiftCardTemplate
from tests.authorization.conftest import CALLERS
from tests.factories import hq
from tests.giftcards.support import (
    ACTIVATE, CLAIM, CREATE_TEMPLATE, ISSUE, LOOKUP, MEMBER_CARDS, PAY, REDEEM, REFUND, SEND, TEMPLATES,
    UPDATE_TEMPLATE, VOID, error_codes, issue_cards, later, make_template, one_card,
)

HQ = frozenset({"hq_operator", "hq_admin"})
STORE_A = frozenset({"clerk_a", "manager_a", "hq_admin"})


@dataclass(frozen=True)
class Case:
    document: str
    prepare: Callable[..., Awaitable[dict]]  # (world, runtime) -> the mutation's input
    allowed: frozenset[str]
    not_found: str  # the payload code another brand's admin gets


async def _template_input(world, runtime) -> dict:
    return {"name": "New", "kind": "STORED_VALUE", "faceValue": "10.00", "validDays": 30}


async def _update_input(world, runtime) -> dict:
    template = await make_template(world)
    return {"id": str(template.id), "name": "Renamed", "kind": "STORED_VALUE", "faceValue": "20.00",
            "validDays": 10}


async def _issue_input(world, runtime) -> dict:
    return {"templateId": str((await make_template(world)).id), "count": 2}


async def _issued_card(world, runtime) -> dict:
    [issued] = await issue_cards(world, runtime, await make_template(world), activate=False)
    return {"cardId": str(issued.card.id)}


async def _void_input(world, runtime) -> dict:
    _, card, _ = await one_card(world, runtime)
    return {"cardId": str(card.id), "reason": "misprint"}


async def _code(world, runtime) -> dict:
    return {"code": (await one_card(world, runtime))[2]}


async def _buy_input(world, runtime) -> dict:
    return {"templateId": str((await make_template(world, sale_price="9.00")).id), "paymentReference": "p"}


async def _pay_input(world, runtime) -> dict:
    _, card, code = await one_card(world, runtime, store_ids=[world.store_a.id])
    return {"code": code, "storeId": str(world.store_a.id), "amount": "5.00", "orderId": f"o-{card.id}"}


async def _refund_input(world, runtime) -> dict:
    _, card, code = await one_card(world, runtime)
    await payments.pay_with_gift_card(runtime, hq(world.admin), store_id=world.store_a.id, amount="5.00",
                                      order_id=f"o-{card.id}", code=code)
    return {"orderId": f"o-{card.id}"}


async def _redeem_input(world, runtime) -> dict:
    _, card, code = await one_card(world, runtime, GiftCardKind.PICKUP)
    return {"code": code, "storeId": str(world.store_a.id), "idempotencyKey": f"k-{card.id}"}


CASES = {
    "createGiftCardTemplate": Case(
        CREATE_TEMPLATE, _template_input,
        HQ | {"other_admin"}, ""),
    "updateGiftCardTemplate": Case(UPDATE_TEMPLATE, _update_input, HQ, "TEMPLATE_NOT_FOUND"),
    "issueGiftCards": Case(ISSUE, _issue_input, HQ, "TEMPLATE_NOT_FOUND"),
    "activateGiftCard": Case(ACTIVATE, _issued_card, HQ, "CARD_NOT_FOUND"),
    "voidGiftCard": Case(VOID, _void_input, HQ, "CARD_NOT_FOUND"),
    "claimGiftCard": Case(CLAIM, _code, frozenset({"member"}), ""),
    "sendGiftCard": Case(SEND, _buy_input, frozenset({"member"}), ""),
    "payWithGiftCard": Case(PAY, _pay_input, STORE_A, "STORE_NOT_FOUND"),
    "refundGiftCardPayment": Case(REFUND, _refund_input, frozenset({"manager_a", "hq_admin"}), "PAYMENT_NOT_FOUND"),
    "redeemPickupCard": Case(REDEEM, _redeem_input, STORE_A, "STORE_NOT_FOUND"),
}


async def _state() -> tuple:
    return (await GiftCardTemplate.all().order_by("id").values(), await GiftCard.all().order_by("id").values(),
            await GiftCardLedgerEntry.all().count())


@pytest.mark.parametrize("mutation", sorted(CASES))
async def test_only_the_allowed_callers_may(mutation, gql, world, runtime):
    case = CASES[mutation]
    for caller in CALLERS:
        input = await case.prepare(world, runtime)
        before = await _state()
        body = await gql(case.document, {"input": input}, token=world.tokens[caller], expect_errors=True)
        if caller in case.allowed:
            assert not body.get("errors"), (caller, body)
            assert body["data"][mutation]["errors"] == [], (caller, body)
        elif caller == "other_admin" and case.not_found:
            codes = [e["code"] for e in body["data"][mutation]["errors"]]
            assert codes == [case.not_found], (caller, body)
            assert await _state() == before
        else:
            expected = "UNAUTHENTICATED" if caller == "anonymous" else "FORBIDDEN"
            assert error_codes(body) == [expected], (caller, body)
            assert body["data"] is None
            assert await _state() == before, caller


async def test_who_may_look_a_card_up_by_its_code(gql, world, runtime):
    _, _, code = await one_card(world, runtime)
    allowed = {"member", "clerk_a", "manager_a", "manager_b", "hq_operator", "hq_admin"}
    for caller in CALLERS:
        body = await gql(LOOKUP, {"code": code}, token=world.tokens[caller], expect_errors=True)
        if caller in allowed:
            assert body["data"]["giftCard"]["state"] == "ACTIVE", caller
        else:
            expected = {"anonymous": "UNAUTHENTICATED", "other_admin": "CARD_NOT_FOUND"}.get(caller, "FORBIDDEN")
            assert error_codes(body) == [expected], caller


async def test_who_may_list_templates_members_see_only_those_on_sale(gql, world):
    on_sale = await make_template(world, sale_price="9.00")
    await make_template(world)
    seen = {}
    for caller in CALLERS:
        body = await gql(TEMPLATES, token=world.tokens[caller], expect_errors=True)
        seen[caller] = error_codes(body) or [e["node"]["id"] for e in body["data"]["giftCardTemplates"]["edges"]]
    assert seen["anonymous"] == ["UNAUTHENTICATED"] and seen["partner"] == ["FORBIDDEN"]
    assert seen["member"] == [str(on_sale.id)]
    assert seen["other_admin"] == []
    assert all(len(seen[c]) == 2 for c in ("clerk_a", "manager_a", "manager_b", "hq_operator", "hq_admin"))


async def test_who_may_read_a_members_gift_cards(gql, world, runtime):
    _, _, code = await one_card(world, runtime)
    await gql(CLAIM, {"input": {"code": code}}, token=world.tokens["member"])
    for caller in CALLERS:
        body = await gql(MEMBER_CARDS, {"id": str(world.member_a.id)}, token=world.tokens[caller],
                         expect_errors=True)
        if caller in {"member", "clerk_a", "manager_a", "hq_operator", "hq_admin"}:
            assert body["data"]["member"]["giftCards"]["totalCount"] == 1, caller
        elif caller == "other_admin":
            assert body["data"]["member"] is None and not body.get("errors")
        else:
            expected = "UNAUTHENTICATED" if caller == "anonymous" else "FORBIDDEN"
            assert error_codes(body) == [expected], (caller, body)


async def test_a_member_cannot_send_someone_elses_card_nor_read_another_members_cards(
        gql, world, runtime, member_b_token):
    body = await gql(MEMBER_CARDS, {"id": str(world.member_a.id)}, token=member_b_token, expect_errors=True)
    assert error_codes(body) == ["FORBIDDEN"]


async def test_templates_are_created_only_in_the_callers_brand(gql, world):
    body = await gql(CREATE_TEMPLATE, {"input": {"name": "Rival", "kind": "STORED_VALUE", "faceValue": "10.00",
                                                  "validUntil": later().isoformat(),
                                                  "storeIds": [str(world.store_a.id)]}},
                     token=world.tokens["other_admin"])
    # another brand's store is not a usable store of the caller's brand
    assert [e["code"] for e in body["data"]["createGiftCardTemplate"]["errors"]] == ["INVALID_TEMPLATE"]
    assert await GiftCardTemplate.filter(brand_id=world.other_brand.id).count() == 0
