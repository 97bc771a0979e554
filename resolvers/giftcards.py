"""Gift cards: templates, batches, look-ups, claims and gifts, payments and pickups."""

from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from domain.giftcards import claim, expiry, issue, lookup, payments, pickup, templates
from domain.giftcards.models import GiftCard, GiftCardKind, GiftCardLedgerEntry, GiftCardTemplate, GiftCardTheme
from domain.members.models import Member
from franchise.validation import minor_to_money
from policies import PrincipalKind, authorize
from resolvers.errors import attempt, parse_id, parse_optional_id
from resolvers.pagination import Page, paginate


def template_loader(info) -> DataLoader:
    """Per request: a page of cards reads their templates in one query."""

    async def load(ids: list[int]) -> list[GiftCardTemplate | None]:
        rows = {row.id: row for row in await GiftCardTemplate.filter(id__in=list(set(ids)))}
        return [rows.get(i) for i in ids]

    return info.context.memo("giftcard_templates", lambda: DataLoader(load))


async def card_template(info, card: GiftCard) -> GiftCardTemplate:
    return await template_loader(info).load(card.template_id)


def _template_input(input: Any, kind: GiftCardKind) -> templates.TemplateInput:
    return templates.TemplateInput(
        name=input.name, kind=kind,
        theme=GiftCardTheme(input.theme.value) if input.theme else GiftCardTheme.GENERAL,
        description=input.description, face_value=input.face_value, item_sku=input.item_sku,
        item_name=input.item_name, uses=input.uses,
        items=[(item.sku, item.name) for item in input.items or []],
        benefit_tier_level=input.benefit_tier_level, benefit_bundle=input.benefit_bundle,
        benefit_days=input.benefit_days, valid_from=input.valid_from, valid_until=input.valid_until,
        valid_days=input.valid_days,
        store_ids=None if input.store_ids is None else [parse_id(s, "storeIds") for s in input.store_ids],
        sale_price=input.sale_price,
    )


async def create_template(info, input: Any) -> dict:
    async def work():
        data = _template_input(input, GiftCardKind(input.kind.value))
        return {"template": await templates.create_template(info.context.principal, data)}

    return await attempt(work())


async def update_template(info, input: Any) -> dict:
    async def work():
        data = _template_input(input, GiftCardKind(input.kind.value))
        return {"template": await templates.update_template(
            info.context.principal, parse_id(input.id, "id"), data, active=input.active)}

    return await attempt(work())


async def gift_card_templates(info, first: int, after: str | None) -> Page:
    return await paginate(templates.templates_query(info.context.principal), first=first, after=after)


async def template_by_id(info, id: Any) -> GiftCardTemplate | None:
    return await templates.get_template(info.context.principal, parse_id(id, "id"))


async def issue_gift_cards(info, input: Any) -> dict:
    ctx = info.context

    async def work():
        issued = await issue.issue_gift_cards(
            ctx.principal, secret_key=ctx.runtime.secret_key, template_id=parse_id(input.template_id, "templateId"),
            count=input.count, activate=input.activate,
        )
        return {"batch": issued[0].card.batch, "cards": issued}

    return await attempt(work())


async def activate_gift_card(info, input: Any) -> dict:
    async def work():
        return {"card": await issue.activate_gift_card(info.context.principal,
                                                       card_id=parse_id(input.card_id, "cardId"))}

    return await attempt(work())


async def void_gift_card(info, input: Any) -> dict:
    async def work():
        return {"card": await expiry.void_gift_card(info.context.principal, card_id=parse_id(input.card_id, "cardId"),
                                                    reason=input.reason)}

    return await attempt(work())


async def gift_card(info, code: str) -> GiftCard:
    """A query: a wrong code or too many wrong codes is a top-level error with its code."""
    card, _ = await lookup.look_up_gift_card(info.context.runtime, info.context.principal, code)
    return card


async def claim_gift_card(info, input: Any) -> dict:
    async def work():
        done = await claim.claim_gift_card(info.context.runtime, info.context.principal, code=input.code)
        return {"card": done.card, "replayed": done.replayed}

    return await attempt(work())


async def send_gift_card(info, input: Any) -> dict:
    async def work():
        gift = await claim.send_gift_card(
            info.context.runtime, info.context.principal,
            template_id=parse_optional_id(input.template_id, "templateId"),
            payment_reference=input.payment_reference, card_id=parse_optional_id(input.card_id, "cardId"),
        )
        return {"card": gift.card, "code": gift.code, "replayed": gift.replayed}

    return await attempt(work())


async def pay_with_gift_card(info, input: Any) -> dict:
    async def work():
        done = await payments.pay_with_gift_card(
            info.context.runtime, info.context.principal, store_id=parse_id(input.store_id, "storeId"),
            amount=input.amount, order_id=input.order_id, code=input.code,
            card_id=parse_optional_id(input.card_id, "cardId"),
        )
        return {"card": done.card, "amount_paid": minor_to_money(-done.entry.amount_delta),
                "balance": minor_to_money(done.card.balance_minor), "replayed": done.replayed}

    return await attempt(work())


async def refund_gift_card_payment(info, input: Any) -> dict:
    async def work():
        done = await payments.refund_gift_card_payment(info.context.principal, order_id=input.order_id)
        return {"card": done.card, "amount_refunded": minor_to_money(done.entry.amount_delta),
                "balance": minor_to_money(done.card.balance_minor), "replayed": done.replayed}

    return await attempt(work())


async def redeem_pickup_card(info, input: Any) -> dict:
    async def work():
        done = await pickup.redeem_pickup_card(
            info.context.runtime, info.context.principal, store_id=parse_id(input.store_id, "storeId"),
            idempotency_key=input.idempotency_key, code=input.code,
            card_id=parse_optional_id(input.card_id, "cardId"), item_sku=input.item_sku,
        )
        return {"card": done.card, "item_sku": done.entry.item_sku, "uses_left": done.card.uses_left,
                "replayed": done.replayed}

    return await attempt(work())


# Read by whoever may read the card or member that returned them.


async def member_gift_cards(info, member: Member, first: int, after: str | None) -> Page:
    """The member's claimed cards: the member itself, and staff who may read gift cards (the
    member was already checked readable by whoever returned it)."""
    principal = info.context.principal
    if principal.kind is PrincipalKind.MEMBER and principal.member_id == member.id:
        authorize(principal, "giftcard", "read_self")
    else:
        authorize(principal, "giftcard", "read")
    query = GiftCard.filter(brand_id=member.brand_id, member_id=member.id)
    return await paginate(query, first=first, after=after)


async def card_ledger(info, card: GiftCard, first: int, after: str | None) -> Page:
    return await paginate(GiftCardLedgerEntry.filter(card_id=card.id), first=first, after=after)


async def usable_stores(info, store_ids: list[int] | None) -> list | None:
    if store_ids is None:
        return None
    return [s for s in await info.context.loaders.store_by_id.load_many(store_ids) if s is not None]
