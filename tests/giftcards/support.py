"""GraphQL documents and helpers of the gift-card tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.giftcards import issue, templates
from domain.giftcards.models import GiftCardKind
from tests.factories import hq

ERRORS = "errors { code field message }"
CARD_FIELDS = ("id kind state codeHint balance usesLeft validFrom validUntil claimedAt benefitUntil theme "
               "template { id name } usableStores { code }")
CARD = f"card {{ {CARD_FIELDS} }}"

CREATE_TEMPLATE = f"""mutation($input: CreateGiftCardTemplateInput!) {{
  createGiftCardTemplate(input: $input) {{ template {{ id name kind theme faceValue itemSku itemName uses
    items {{ sku name }} benefitTierLevel benefitBundle benefitDays validFrom validUntil validDays
    usableStores {{ code }} salePrice active }} {ERRORS} }} }}"""
UPDATE_TEMPLATE = f"""mutation($input: UpdateGiftCardTemplateInput!) {{
  updateGiftCardTemplate(input: $input) {{ template {{ id name faceValue active }} {ERRORS} }} }}"""
TEMPLATES = "query { giftCardTemplates(first: 50) { totalCount edges { node { id name kind salePrice } } } }"
ISSUE = f"""mutation($input: IssueGiftCardsInput!) {{
  issueGiftCards(input: $input) {{ batch cards {{ code card {{ id state codeHint balance usesLeft }} }} {ERRORS} }} }}"""
LOOKUP = f"query($code: String!) {{ giftCard(code: $code) {{ {CARD_FIELDS} }} }}"
CLAIM = f"""mutation($input: ClaimGiftCardInput!) {{ claimGiftCard(input: $input) {{ {CARD} replayed {ERRORS} }} }}"""
SEND = f"""mutation($input: SendGiftCardInput!) {{ sendGiftCard(input: $input) {{ {CARD} code replayed {ERRORS} }} }}"""
PAY = f"""mutation($input: PayWithGiftCardInput!) {{
  payWithGiftCard(input: $input) {{ card {{ id state balance }} amountPaid balance replayed {ERRORS} }} }}"""
REFUND = f"""mutation($input: RefundGiftCardPaymentInput!) {{
  refundGiftCardPayment(input: $input) {{ card {{ id state balance }} amountRefunded balance replayed {ERRORS} }} }}"""
REDEEM = f"""mutation($input: RedeemPickupCardInput!) {{
  redeemPickupCard(input: $input) {{ card {{ id state usesLeft }} itemSku usesLeft replayed {ERRORS} }} }}"""
VOID = f"""mutation($input: VoidGiftCardInput!) {{ voidGiftCard(input: $input) {{ card {{ id state balance }} {ERRORS} }} }}"""
ACTIVATE = f"""mutation($input: GiftCardIdInput!) {{ activateGiftCard(input: $input) {{ card {{ id state }} {ERRORS} }} }}"""
MEMBER_CARDS = """query($id: ID!) { member(id: $id) { giftCards(first: 20) { totalCount edges { node {
  id kind state balance usesLeft benefitUntil
  ledger(first: 20) { totalCount edges { node { kind amount balanceAfter usesDelta usesAfter itemSku orderId
    store { code } } } } } } } } }"""


def later(days: int = 365) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


async def make_template(world, kind: GiftCardKind = GiftCardKind.STORED_VALUE, **fields):
    defaults = {
        GiftCardKind.STORED_VALUE: {"face_value": "100.00"},
        GiftCardKind.PICKUP: {"item_sku": "CAKE-6", "item_name": "6-inch cake", "uses": 3},
        GiftCardKind.EXCHANGE: {"items": [("TEA-1", "Jasmine tea"), ("TEA-2", "Oolong tea")]},
        GiftCardKind.BENEFIT: {"benefit_tier_level": 3, "benefit_days": 30},
    }[kind]
    data = {"name": f"{kind.value.title()} card", "kind": kind, "valid_until": later(), **defaults, **fields}
    if "valid_days" in fields:
        data.pop("valid_until")
    return await templates.create_template(hq(world.admin), templates.TemplateInput(**data))


async def issue_cards(world, runtime, template, count: int = 1, **kw) -> list[issue.IssuedCard]:
    return await issue.issue_gift_cards(hq(world.admin), secret_key=runtime.secret_key, template_id=template.id,
                                        count=count, **kw)


async def one_card(world, runtime, kind: GiftCardKind = GiftCardKind.STORED_VALUE, **fields):
    template = await make_template(world, kind, **fields)
    [issued] = await issue_cards(world, runtime, template)
    return template, issued.card, issued.code


def payload_errors(payload: dict) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


def error_codes(body: dict) -> list[str | None]:
    return [(error.get("extensions") or {}).get("code") for error in body.get("errors") or []]


async def call(gql, document: str, token, input: dict, **kw) -> dict:
    body = await gql(document, {"input": input}, token=token, **kw)
    if kw.get("expect_errors"):
        return body
    return next(iter(body["data"].values()))


def pay_input(world, order_id: str, amount: str, *, code=None, card_id=None, store=None) -> dict:
    store = store or world.store_a
    return {"storeId": str(store.id), "amount": amount, "orderId": order_id,
            **({"code": code} if code else {}), **({"cardId": str(card_id)} if card_id else {})}
