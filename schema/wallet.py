"""Stored value: top-up plans, wallets with principal and bonus, payments, refunds and the
stored-value liability."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from domain.wallet.models import ConsumptionRule as ConsumptionRuleEnum
from domain.wallet.models import PlanKind as PlanKindEnum
from domain.wallet.models import WalletLedgerKind as WalletLedgerKindEnum
from franchise.validation import minor_to_money
from resolvers import wallet as resolvers
from schema.common import PageInfo, UserError
from schema.franchise import Store

ConsumptionRule = strawberry.enum(ConsumptionRuleEnum, name="ConsumptionRule",
                                  description="How a wallet payment splits principal and the bonus usable at the store.")
TopUpPlanKind = strawberry.enum(PlanKindEnum, name="TopUpPlanKind")
WalletLedgerKind = strawberry.enum(WalletLedgerKindEnum, name="WalletLedgerKind")


def _ids(values) -> list[strawberry.ID] | None:
    return None if values is None else [strawberry.ID(str(v)) for v in values]


# Read from the service's rows (Tortoise models), so the fields below name their attributes.


@strawberry.type(description="HQ's top-up plan: pay X get Y, or 储值免单 (top up N × the bill, the bill is free).")
class TopUpPlan:
    id: strawberry.ID
    name: str
    kind: TopUpPlanKind  # type: ignore[valid-type]
    free_order_multiple: int | None = strawberry.field(description="FREE_ORDER: the multiple N of the bill.")
    bonus_expiry_days: int | None = strawberry.field(description="Days after the top-up; null: never.")
    gift_points: int
    gift_tier_level: int | None = strawberry.field(description="Lifts the member to at least this level.")
    active_from: datetime.datetime | None
    active_to: datetime.datetime | None
    active: bool

    @strawberry.field
    def pay_amount(self) -> Decimal:
        return minor_to_money(self.pay_minor)  # type: ignore[attr-defined]

    @strawberry.field
    def bonus_amount(self) -> Decimal:
        return minor_to_money(self.bonus_minor)  # type: ignore[attr-defined]

    @strawberry.field(description="Where the plan is offered; null: every store.")
    def offered_store_ids(self) -> list[strawberry.ID] | None:
        return _ids(self.offered_store_ids)

    @strawberry.field(description="Where its bonus is usable; null: every store.")
    def bonus_store_ids(self) -> list[strawberry.ID] | None:
        return _ids(self.bonus_store_ids)

    @strawberry.field(description="Coupon templates of which each top-up gives one.")
    def gift_coupon_template_ids(self) -> list[strawberry.ID]:
        return _ids(self.gift_coupon_template_ids or [])  # type: ignore[return-value]

    @strawberry.field(description="A gift card template of which each top-up gives one card, already claimed.")
    def gift_card_template_id(self) -> strawberry.ID | None:
        template_id = self.gift_card_template_id  # type: ignore[attr-defined]
        return None if template_id is None else strawberry.ID(str(template_id))


@strawberry.type(description="A bonus grant of a top-up: what is left, where and until when it is usable.")
class BonusGrant:
    id: strawberry.ID
    granted_at: datetime.datetime
    expires_at: datetime.datetime | None

    @strawberry.field
    def amount(self) -> Decimal:
        return minor_to_money(self.amount)  # type: ignore[arg-type]

    @strawberry.field
    def remaining(self) -> Decimal:
        return minor_to_money(self.remaining)  # type: ignore[arg-type]

    @strawberry.field(description="Where it is usable; null: every store.")
    def usable_store_ids(self) -> list[strawberry.ID] | None:
        return _ids(self.usable_store_ids)

    @strawberry.field(description="Where it was topped up.")
    async def origin_store(self, info: Info) -> Store | None:
        return await info.context.loaders.store_by_id.load(self.origin_store_id)  # type: ignore[attr-defined]


@strawberry.type
class WalletLedgerEntry:
    id: strawberry.ID
    kind: WalletLedgerKind  # type: ignore[valid-type]
    order_id: str | None
    reason: str
    actor: str
    occurred_at: datetime.datetime

    @strawberry.field
    def principal_delta(self) -> Decimal:
        return minor_to_money(self.principal_delta)  # type: ignore[arg-type]

    @strawberry.field
    def bonus_delta(self) -> Decimal:
        return minor_to_money(self.bonus_delta)  # type: ignore[arg-type]

    @strawberry.field
    def principal_after(self) -> Decimal:
        return minor_to_money(self.principal_after)  # type: ignore[arg-type]

    @strawberry.field
    def bonus_after(self) -> Decimal:
        return minor_to_money(self.bonus_after)  # type: ignore[arg-type]

    @strawberry.field(description="Where it happened, if at a store.")
    async def store(self, info: Info) -> Store | None:
        store_id = getattr(self, "store_id", None)
        return await info.context.loaders.store_by_id.load(store_id) if store_id else None


@strawberry.type
class WalletLedgerEdge:
    cursor: str
    node: WalletLedgerEntry


@strawberry.type
class WalletLedgerConnection:
    edges: list[WalletLedgerEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="A member's stored value: principal (what it paid) and bonus (what plans gave).")
class Wallet:
    @strawberry.field
    def principal(self) -> Decimal:
        return minor_to_money(self.principal)  # type: ignore[arg-type]

    @strawberry.field(description="Bonus not expired, wherever usable.")
    def bonus(self) -> Decimal:
        return minor_to_money(self.bonus)  # type: ignore[arg-type]

    @strawberry.field(description="Bonus usable at the store asked for (null without a store).")
    def usable_bonus(self) -> Decimal | None:
        return None if self.usable_bonus is None else minor_to_money(self.usable_bonus)  # type: ignore[attr-defined]

    @strawberry.field(description="What the wallet can pay at the store asked for: principal + usable bonus.")
    def usable_at_store(self) -> Decimal | None:
        usable = self.usable_bonus  # type: ignore[attr-defined]
        return None if usable is None else minor_to_money(self.principal + usable)  # type: ignore[operator]

    @strawberry.field(description="Open bonus grants, oldest first.")
    def bonus_grants(self) -> list[BonusGrant]:
        return self.bonus_grants  # type: ignore[return-value]

    @strawberry.field(description="The wallet ledger, newest first.")
    async def ledger(self, info: Info, first: int = 20, after: str | None = None) -> WalletLedgerConnection:
        return await resolvers.wallet_ledger(info, self, first, after)  # type: ignore[arg-type, return-value]


@strawberry.type
class WalletTopUp:
    id: strawberry.ID
    payment_reference: str
    order_id: str | None = strawberry.field(description="FREE_ORDER: the bill made free.")
    gift_points: int
    created_at: datetime.datetime

    @strawberry.field
    def paid_amount(self) -> Decimal:
        return minor_to_money(self.paid_minor)  # type: ignore[attr-defined]

    @strawberry.field
    def bonus_amount(self) -> Decimal:
        return minor_to_money(self.bonus_minor)  # type: ignore[attr-defined]

    @strawberry.field(description="FREE_ORDER: the bill paid by the free bonus.")
    def free_order_amount(self) -> Decimal:
        return minor_to_money(self.free_order_minor)  # type: ignore[attr-defined]


@strawberry.type
class WalletPayment:
    id: strawberry.ID
    order_id: str
    created_at: datetime.datetime

    @strawberry.field
    def amount(self) -> Decimal:
        return minor_to_money(self.amount_minor)  # type: ignore[attr-defined]

    @strawberry.field(description="The part paid from principal.")
    def principal_amount(self) -> Decimal:
        return minor_to_money(self.principal_minor)  # type: ignore[attr-defined]

    @strawberry.field(description="The part paid from bonus.")
    def bonus_amount(self) -> Decimal:
        return minor_to_money(self.bonus_minor)  # type: ignore[attr-defined]

    @strawberry.field
    def refunded(self) -> bool:
        return self.refunded_at is not None  # type: ignore[attr-defined]

    @strawberry.field
    async def store(self, info: Info) -> Store:
        return await info.context.loaders.store_by_id.load(self.store_id)  # type: ignore[attr-defined]


@strawberry.type
class StoredValueOutstanding:
    principal: Decimal
    bonus: Decimal
    total: Decimal
    store: Store | None = strawberry.field(description="Where the money was topped up; null for a brand total.")


@strawberry.type(description="Stored value still in members' wallets: a liability on the brand's books.")
class StoredValueLiability:
    principal: Decimal
    bonus: Decimal
    total: Decimal
    by_store: list[StoredValueOutstanding]


async def _outstanding(info: Info, row) -> StoredValueOutstanding:
    store = await info.context.loaders.store_by_id.load(row.store_id) if row.store_id else None
    return StoredValueOutstanding(principal=minor_to_money(row.principal), bonus=minor_to_money(row.bonus),
                                  total=minor_to_money(row.principal + row.bonus), store=store)


@strawberry.type
class WalletSettings:
    consumption_rule: ConsumptionRule  # type: ignore[valid-type]


# Inputs and payloads


@strawberry.input(description="Every field of the plan; with `id` it replaces that plan's fields.")
class UpsertTopUpPlanInput:
    id: strawberry.ID | None = None
    name: str
    kind: TopUpPlanKind = PlanKindEnum.STANDARD  # type: ignore[valid-type]
    pay_amount: Decimal | None = strawberry.field(default=None, description="STANDARD: what the member pays.")
    bonus_amount: Decimal | None = strawberry.field(default=None, description="STANDARD: the bonus it gets.")
    free_order_multiple: int | None = strawberry.field(default=None, description="FREE_ORDER: N (2-50).")
    offered_store_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Null: every store.")
    bonus_store_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Null: every store.")
    bonus_expiry_days: int | None = strawberry.field(default=None, description="Null: the bonus never expires.")
    gift_points: int = 0
    gift_tier_level: int | None = None
    gift_coupon_template_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Coupon templates (of the brand, not over) of which each top-up gives one.")
    gift_card_template_id: strawberry.ID | None = strawberry.field(
        default=None, description="An active gift card template: each top-up gives one card, already claimed.")
    active_from: datetime.datetime | None = None
    active_to: datetime.datetime | None = None
    active: bool = True


@strawberry.type
class TopUpPlanPayload:
    plan: TopUpPlan | None = None
    errors: list[UserError]


@strawberry.input
class UpdateWalletSettingsInput:
    consumption_rule: ConsumptionRule  # type: ignore[valid-type]


@strawberry.type
class WalletSettingsPayload:
    consumption_rule: ConsumptionRule | None = None  # type: ignore[valid-type]
    errors: list[UserError]


@strawberry.input
class TopUpWalletInput:
    member_id: strawberry.ID
    store_id: strawberry.ID
    payment_reference: str = strawberry.field(description="Idempotent per brand: a replay returns the first result.")
    plan_id: strawberry.ID | None = strawberry.field(default=None, description="A plan, or a free `amount`.")
    amount: Decimal | None = None
    bill_amount: Decimal | None = strawberry.field(default=None, description="FREE_ORDER: the current bill.")
    order_id: str | None = strawberry.field(default=None, description="FREE_ORDER: the bill's order id.")


@strawberry.type
class TopUpWalletPayload:
    top_up: WalletTopUp | None = None
    principal: Decimal | None = None
    bonus: Decimal | None = None
    replayed: bool = False
    gift_coupon_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="The coupons the plan gave (the member's coupons list shows them).")
    gift_card_id: strawberry.ID | None = strawberry.field(
        default=None, description="The gift card the plan gave, claimed by the member (used by its id).")
    errors: list[UserError]


@strawberry.input
class PayWithWalletInput:
    member_id: strawberry.ID
    store_id: strawberry.ID
    amount: Decimal
    order_id: str = strawberry.field(description="Idempotent per brand: a replay returns the first result.")


@strawberry.type
class WalletPaymentPayload:
    payment: WalletPayment | None = None
    principal: Decimal | None = strawberry.field(default=None, description="The wallet's principal after.")
    bonus: Decimal | None = strawberry.field(default=None, description="The wallet's bonus after.")
    replayed: bool = False
    errors: list[UserError]


@strawberry.input
class RefundWalletPaymentInput:
    order_id: str


@strawberry.input
class RefundWalletBalanceInput:
    member_id: strawberry.ID
    store_id: strawberry.ID = strawberry.field(description="The store that pays the principal back.")
    refund_id: str = strawberry.field(description="Idempotency key.")
    reason: str


@strawberry.type
class RefundWalletBalancePayload:
    principal_refunded: Decimal | None = None
    bonus_forfeited: Decimal | None = None
    replayed: bool = False
    errors: list[UserError]


def _money(result: dict, *names: str) -> dict:
    for name in names:
        if result.get(name) is not None:
            result[name] = minor_to_money(result[name])
    return result


@strawberry.type
class WalletQuery:
    @strawberry.field(description="The top-up plans offered at a store now.")
    async def top_up_plans(self, info: Info, store_id: strawberry.ID) -> list[TopUpPlan]:
        return await resolvers.top_up_plans(info, store_id)  # type: ignore[return-value]

    @strawberry.field(description="The brand's wallet settings.")
    async def wallet_settings(self, info: Info) -> WalletSettings:
        return WalletSettings(consumption_rule=await resolvers.wallet_settings(info))

    @strawberry.field(description="Outstanding principal and bonus by the store where they were topped up: "
                                  "one store's (its manager, HQ) or, without a store, the brand's (HQ).")
    async def stored_value_liability(self, info: Info, store_id: strawberry.ID | None = None) -> StoredValueLiability:
        total, rows = await resolvers.stored_value_liability(info, store_id)
        return StoredValueLiability(principal=minor_to_money(total.principal), bonus=minor_to_money(total.bonus),
                                    total=minor_to_money(total.principal + total.bonus),
                                    by_store=[await _outstanding(info, row) for row in rows])


@strawberry.type
class WalletMutation:
    @strawberry.mutation(description="HQ creates or replaces a top-up plan; audited.")
    async def upsert_top_up_plan(self, info: Info, input: UpsertTopUpPlanInput) -> TopUpPlanPayload:
        return TopUpPlanPayload(**await resolvers.upsert_top_up_plan(info, input))

    @strawberry.mutation(description="HQ sets the consumption rule of wallet payments; audited.")
    async def update_wallet_settings(self, info: Info, input: UpdateWalletSettingsInput) -> WalletSettingsPayload:
        return WalletSettingsPayload(**await resolvers.update_wallet_settings(info, input))

    @strawberry.mutation(description="Top up a member's wallet by a plan or an amount; idempotent per payment reference.")
    async def top_up_wallet(self, info: Info, input: TopUpWalletInput) -> TopUpWalletPayload:
        return TopUpWalletPayload(**_money(await resolvers.top_up_wallet(info, input), "principal", "bonus"))

    @strawberry.mutation(description="Pay an order from the wallet at a store; idempotent per order id.")
    async def pay_with_wallet(self, info: Info, input: PayWithWalletInput) -> WalletPaymentPayload:
        return WalletPaymentPayload(**_money(await resolvers.pay_with_wallet(info, input), "principal", "bonus"))

    @strawberry.mutation(description="Refund a wallet payment to the very buckets and grants it took from.")
    async def refund_wallet_payment(self, info: Info, input: RefundWalletPaymentInput) -> WalletPaymentPayload:
        return WalletPaymentPayload(**_money(await resolvers.refund_wallet_payment(info, input), "principal", "bonus"))

    @strawberry.mutation(description="安心退款: the remaining principal is paid back, the remaining bonus forfeited.")
    async def refund_wallet_balance(self, info: Info, input: RefundWalletBalanceInput) -> RefundWalletBalancePayload:
        return RefundWalletBalancePayload(**_money(await resolvers.refund_wallet_balance(info, input),
                                                   "principal_refunded", "bonus_forfeited"))
