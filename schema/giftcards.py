"""Gift cards: HQ's templates (a federation entity), batches of cards with codes shown once,
look-ups by code, claims and gifts, payments and pickups at usable stores, each card's ledger."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from domain.giftcards.models import GiftCardKind as GiftCardKindEnum
from domain.giftcards.models import GiftCardLedgerKind as GiftCardLedgerKindEnum
from domain.giftcards.models import GiftCardState as GiftCardStateEnum
from domain.giftcards.models import GiftCardTheme as GiftCardThemeEnum
from franchise.validation import minor_to_money
from resolvers import giftcards as resolvers
from schema.common import PageInfo, UserError
from schema.franchise import Store

GiftCardKind = strawberry.enum(GiftCardKindEnum, name="GiftCardKind")
GiftCardTheme = strawberry.enum(GiftCardThemeEnum, name="GiftCardTheme")
GiftCardState = strawberry.enum(
    GiftCardStateEnum, name="GiftCardState",
    description="ISSUED (printed, to activate) → ACTIVE (claimable, usable by code) → CLAIMED (bound to a "
                "member) → USED_UP / EXPIRED; VOIDED by HQ before anyone claimed it.",
)
GiftCardLedgerKind = strawberry.enum(GiftCardLedgerKindEnum, name="GiftCardLedgerKind")


@strawberry.type
class GiftCardItem:
    sku: str
    name: str


# Read from the service's rows (Tortoise models), so the fields below name their attributes.


@strawberry.federation.type(keys=["id"], description="HQ's design of a kind of gift card.")
class GiftCardTemplate:
    id: strawberry.ID
    name: str
    kind: GiftCardKind  # type: ignore[valid-type]
    theme: GiftCardTheme  # type: ignore[valid-type]
    description: str
    item_sku: str | None = strawberry.field(description="PICKUP: the item handed over.")
    item_name: str | None
    uses: int | None = strawberry.field(description="PICKUP: how many times; EXCHANGE and BENEFIT: 1.")
    benefit_tier_level: int | None = strawberry.field(description="BENEFIT: the tier level granted.")
    benefit_bundle: str | None = strawberry.field(description="BENEFIT: the named bundle granted.")
    benefit_days: int | None = strawberry.field(description="BENEFIT: for so many days from the claim.")
    valid_from: datetime.datetime | None
    valid_until: datetime.datetime | None = strawberry.field(description="Fixed validity end.")
    valid_days: int | None = strawberry.field(description="Or: valid so many days after the claim.")
    active: bool
    created_at: datetime.datetime

    @strawberry.field(description="STORED_VALUE: what a card holds when issued.")
    def face_value(self) -> Decimal | None:
        minor = self.face_value_minor  # type: ignore[attr-defined]
        return None if minor is None else minor_to_money(minor)

    @strawberry.field(description="What a member pays to buy one as a gift; null: not on sale.")
    def sale_price(self) -> Decimal | None:
        minor = self.sale_price_minor  # type: ignore[attr-defined]
        return None if minor is None else minor_to_money(minor)

    @strawberry.field(description="EXCHANGE: the items to choose one of.")
    def items(self) -> list[GiftCardItem] | None:
        raw = self.items  # type: ignore[attr-defined]
        return None if raw is None else [GiftCardItem(sku=i["sku"], name=i["name"]) for i in raw]

    @strawberry.field(description="Where its cards are usable; null: every store of the brand.")
    async def usable_stores(self, info: Info) -> list[Store] | None:
        return await resolvers.usable_stores(info, self.store_ids)  # type: ignore[attr-defined]

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> GiftCardTemplate | None:
        # Same rule as giftCardTemplates: staff of the brand, members only for templates on sale.
        return strawberry.cast(cls, await resolvers.template_by_id(info, id))


@strawberry.type
class GiftCardLedgerEntry:
    id: strawberry.ID
    kind: GiftCardLedgerKind  # type: ignore[valid-type]
    uses_delta: int
    uses_after: int
    item_sku: str | None
    order_id: str | None
    actor: str
    reason: str
    occurred_at: datetime.datetime

    @strawberry.field(description="How it moved the balance.")
    def amount(self) -> Decimal:
        return minor_to_money(self.amount_delta)  # type: ignore[attr-defined]

    @strawberry.field
    def balance_after(self) -> Decimal:
        return minor_to_money(self.balance_after)  # type: ignore[arg-type]

    @strawberry.field(description="Where it happened, if at a store.")
    async def store(self, info: Info) -> Store | None:
        store_id = self.store_id  # type: ignore[attr-defined]
        return await info.context.loaders.store_by_id.load(store_id) if store_id else None


@strawberry.type
class GiftCardLedgerEdge:
    cursor: str
    node: GiftCardLedgerEntry


@strawberry.type
class GiftCardLedgerConnection:
    edges: list[GiftCardLedgerEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="One gift card. Its code is never shown again after issue; `codeHint` tells cards apart.")
class GiftCard:
    id: strawberry.ID
    kind: GiftCardKind  # type: ignore[valid-type]
    state: GiftCardState  # type: ignore[valid-type]
    code_hint: str = strawberry.field(description="The last four characters of the code.")
    uses_left: int = strawberry.field(description="PICKUP / EXCHANGE uses left (0 for STORED_VALUE).")
    valid_from: datetime.datetime | None
    valid_until: datetime.datetime | None = strawberry.field(
        description="Null until claimed for a card valid N days after its claim.")
    claimed_at: datetime.datetime | None
    benefit_until: datetime.datetime | None = strawberry.field(
        description="BENEFIT: the claimed benefit (the template's tier level or bundle) runs until then.")

    @strawberry.field(description="STORED_VALUE: what is left to spend.")
    def balance(self) -> Decimal:
        return minor_to_money(self.balance_minor)  # type: ignore[attr-defined]

    @strawberry.field
    async def template(self, info: Info) -> GiftCardTemplate:
        return await resolvers.card_template(info, self)  # type: ignore[arg-type]

    @strawberry.field
    async def theme(self, info: Info) -> GiftCardTheme:  # type: ignore[valid-type]
        return (await resolvers.card_template(info, self)).theme  # type: ignore[arg-type]

    @strawberry.field(description="Where it is usable; null: every store of the brand.")
    async def usable_stores(self, info: Info) -> list[Store] | None:
        template = await resolvers.card_template(info, self)  # type: ignore[arg-type]
        return await resolvers.usable_stores(info, template.store_ids)

    @strawberry.field(description="The card's ledger, newest first.")
    async def ledger(self, info: Info, first: int = 20, after: str | None = None) -> GiftCardLedgerConnection:
        return await resolvers.card_ledger(info, self, first, after)  # type: ignore[arg-type, return-value]


@strawberry.type
class GiftCardEdge:
    cursor: str
    node: GiftCard


@strawberry.type
class GiftCardConnection:
    edges: list[GiftCardEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class GiftCardTemplateEdge:
    cursor: str
    node: GiftCardTemplate


@strawberry.type
class GiftCardTemplateConnection:
    edges: list[GiftCardTemplateEdge]
    page_info: PageInfo
    total_count: int


# Inputs and payloads


@strawberry.input
class GiftCardItemInput:
    sku: str
    name: str


@strawberry.input(description="Fields by kind: STORED_VALUE faceValue; PICKUP itemSku, itemName, uses; EXCHANGE "
                              "items; BENEFIT benefitTierLevel or benefitBundle, and benefitDays. Validity: "
                              "validUntil (and validFrom) or validDays after the claim.")
class CreateGiftCardTemplateInput:
    name: str
    kind: GiftCardKind  # type: ignore[valid-type]
    theme: GiftCardTheme | None = None  # type: ignore[valid-type]
    description: str | None = None
    face_value: Decimal | None = None
    item_sku: str | None = None
    item_name: str | None = None
    uses: int | None = None
    items: list[GiftCardItemInput] | None = None
    benefit_tier_level: int | None = None
    benefit_bundle: str | None = None
    benefit_days: int | None = None
    valid_from: datetime.datetime | None = None
    valid_until: datetime.datetime | None = None
    valid_days: int | None = None
    store_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Null: every store.")
    sale_price: Decimal | None = strawberry.field(default=None, description="Members may buy one as a gift.")


@strawberry.input(description="The whole new definition (the kind stays); `active: false` deactivates it.")
class UpdateGiftCardTemplateInput(CreateGiftCardTemplateInput):
    id: strawberry.ID
    active: bool | None = None


@strawberry.type
class GiftCardTemplatePayload:
    template: GiftCardTemplate | None = None
    errors: list[UserError]


@strawberry.input
class IssueGiftCardsInput:
    template_id: strawberry.ID
    count: int = strawberry.field(description="1 to 1000.")
    activate: bool = strawberry.field(default=True, description="False: ISSUED cards, to activate when sold.")


@strawberry.type
class IssuedGiftCard:
    code: str = strawberry.field(description="Shown this once: only a keyed hash is stored.")
    card: GiftCard


@strawberry.type
class IssueGiftCardsPayload:
    batch: str | None = None
    cards: list[IssuedGiftCard] | None = None
    errors: list[UserError]


@strawberry.input
class GiftCardIdInput:
    card_id: strawberry.ID


@strawberry.input
class VoidGiftCardInput:
    card_id: strawberry.ID
    reason: str


@strawberry.type
class GiftCardPayload:
    card: GiftCard | None = None
    errors: list[UserError]


@strawberry.input
class ClaimGiftCardInput:
    code: str = strawberry.field(description="Case, spaces and dashes do not matter.")


@strawberry.type
class ClaimGiftCardPayload:
    card: GiftCard | None = None
    replayed: bool = False
    errors: list[UserError]


@strawberry.input(description="Either templateId and paymentReference (buy one as a gift), or cardId (send a "
                              "card you hold and have not used).")
class SendGiftCardInput:
    template_id: strawberry.ID | None = None
    payment_reference: str | None = strawberry.field(default=None, description="Idempotent per brand.")
    card_id: strawberry.ID | None = None


@strawberry.type
class SendGiftCardPayload:
    card: GiftCard | None = None
    code: str | None = strawberry.field(default=None, description="The friend's code, shown once; null on a replay "
                                                                  "(send the card again for a new code).")
    replayed: bool = False
    errors: list[UserError]


@strawberry.input(description="The card by its code, or a claimed card by its id.")
class PayWithGiftCardInput:
    code: str | None = None
    card_id: strawberry.ID | None = None
    store_id: strawberry.ID
    amount: Decimal
    order_id: str = strawberry.field(description="Idempotency key: a replay returns the first result.")


@strawberry.type
class PayWithGiftCardPayload:
    card: GiftCard | None = None
    amount_paid: Decimal | None = None
    balance: Decimal | None = None
    replayed: bool = False
    errors: list[UserError]


@strawberry.input
class RefundGiftCardPaymentInput:
    order_id: str


@strawberry.type
class RefundGiftCardPaymentPayload:
    card: GiftCard | None = None
    amount_refunded: Decimal | None = None
    balance: Decimal | None = None
    replayed: bool = False
    errors: list[UserError]


@strawberry.input(description="The card by its code, or a claimed card by its id.")
class RedeemPickupCardInput:
    code: str | None = None
    card_id: strawberry.ID | None = None
    store_id: strawberry.ID
    item_sku: str | None = strawberry.field(default=None, description="EXCHANGE: the chosen item (required).")
    idempotency_key: str = strawberry.field(description="A replay returns the first result.")


@strawberry.type
class RedeemPickupCardPayload:
    card: GiftCard | None = None
    item_sku: str | None = None
    uses_left: int | None = None
    replayed: bool = False
    errors: list[UserError]


@strawberry.type
class GiftCardsQuery:
    @strawberry.field(description="A card by its code (store staff, members). Wrong codes are counted per caller; "
                                  "too many give RATE_LIMITED.")
    async def gift_card(self, info: Info, code: str) -> GiftCard:
        return await resolvers.gift_card(info, code)  # type: ignore[return-value]

    @strawberry.field(description="Newest first. Staff: every template; members: the ones on sale.")
    async def gift_card_templates(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> GiftCardTemplateConnection:
        return await resolvers.gift_card_templates(info, first, after)  # type: ignore[return-value]


@strawberry.type
class GiftCardsMutation:
    @strawberry.mutation(description="HQ designs a kind of gift card.")
    async def create_gift_card_template(
        self, info: Info, input: CreateGiftCardTemplateInput
    ) -> GiftCardTemplatePayload:
        return GiftCardTemplatePayload(**await resolvers.create_template(info, input))

    @strawberry.mutation(description="HQ changes or deactivates a template; issued cards keep value and dates.")
    async def update_gift_card_template(
        self, info: Info, input: UpdateGiftCardTemplateInput
    ) -> GiftCardTemplatePayload:
        return GiftCardTemplatePayload(**await resolvers.update_template(info, input))

    @strawberry.mutation(description="HQ issues a batch; the codes are in this payload only.")
    async def issue_gift_cards(self, info: Info, input: IssueGiftCardsInput) -> IssueGiftCardsPayload:
        return IssueGiftCardsPayload(**await resolvers.issue_gift_cards(info, input))

    @strawberry.mutation(description="HQ activates an ISSUED card (sold at a counter).")
    async def activate_gift_card(self, info: Info, input: GiftCardIdInput) -> GiftCardPayload:
        return GiftCardPayload(**await resolvers.activate_gift_card(info, input))

    @strawberry.mutation(description="HQ voids a card nobody has claimed or bought.")
    async def void_gift_card(self, info: Info, input: VoidGiftCardInput) -> GiftCardPayload:
        return GiftCardPayload(**await resolvers.void_gift_card(info, input))

    @strawberry.mutation(description="The member claims a card by its code.")
    async def claim_gift_card(self, info: Info, input: ClaimGiftCardInput) -> ClaimGiftCardPayload:
        return ClaimGiftCardPayload(**await resolvers.claim_gift_card(info, input))

    @strawberry.mutation(description="The member buys a card as a gift or passes one on: a fresh code for the friend.")
    async def send_gift_card(self, info: Info, input: SendGiftCardInput) -> SendGiftCardPayload:
        return SendGiftCardPayload(**await resolvers.send_gift_card(info, input))

    @strawberry.mutation(description="A stored-value card pays at a usable store, once per order id.")
    async def pay_with_gift_card(self, info: Info, input: PayWithGiftCardInput) -> PayWithGiftCardPayload:
        return PayWithGiftCardPayload(**await resolvers.pay_with_gift_card(info, input))

    @strawberry.mutation(description="The order is refunded: its amount goes back on the card.")
    async def refund_gift_card_payment(
        self, info: Info, input: RefundGiftCardPaymentInput
    ) -> RefundGiftCardPaymentPayload:
        return RefundGiftCardPaymentPayload(**await resolvers.refund_gift_card_payment(info, input))

    @strawberry.mutation(description="A pickup card hands over its item (one use), an exchange card one listed item.")
    async def redeem_pickup_card(self, info: Info, input: RedeemPickupCardInput) -> RedeemPickupCardPayload:
        return RedeemPickupCardPayload(**await resolvers.redeem_pickup_card(info, input))
