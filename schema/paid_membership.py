"""Paid membership (付费会员卡): HQ's plans, a member's membership, purchases, renewals, refunds."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from domain.wallet.models import MembershipLedgerKind as MembershipLedgerKindEnum
from domain.wallet.models import MembershipState as MembershipStateEnum
from domain.wallet.models import PeriodUnit as PeriodUnitEnum
from franchise.validation import minor_to_money
from resolvers import paid_membership as resolvers
from schema.common import UserError

PeriodUnit = strawberry.enum(PeriodUnitEnum, name="PeriodUnit")
PaidMembershipState = strawberry.enum(MembershipStateEnum, name="PaidMembershipState")
PaidMembershipLedgerKind = strawberry.enum(MembershipLedgerKindEnum, name="PaidMembershipLedgerKind")


@strawberry.type(description="What a paid membership grants beside the tier.")
class PaidMembershipBenefits:
    discount_percent: int
    points_multiplier: Decimal = strawberry.field(description="Applied to accrual on top of the tier multiplier.")
    early_access_tag: str | None


# Read from the service's rows (Tortoise models), so the fields below name their attributes.


@strawberry.type(description="HQ's paid membership plan (e.g. 199 yuan a year).")
class PaidMembershipPlan:
    id: strawberry.ID
    name: str
    period_unit: PeriodUnit  # type: ignore[valid-type]
    period_count: int
    refund_window_days: int = strawberry.field(description="A refund within so many days of a payment ends it.")
    active: bool

    @strawberry.field(description="The coupon pack: one coupon of each at purchase, then in every later month.")
    def coupon_template_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(str(v)) for v in self.coupon_template_ids or []]  # type: ignore[attr-defined]

    @strawberry.field
    def price(self) -> Decimal:
        return minor_to_money(self.price_minor)  # type: ignore[attr-defined]

    @strawberry.field
    def benefits(self) -> PaidMembershipBenefits:
        return _benefits(self)


def _benefits(plan) -> PaidMembershipBenefits:
    return PaidMembershipBenefits(discount_percent=plan.discount_percent,
                                  points_multiplier=Decimal(plan.points_multiplier),
                                  early_access_tag=plan.early_access_tag)


@strawberry.type(description="A member's paid membership: its plan, current run and state.")
class PaidMembership:
    state: PaidMembershipState  # type: ignore[valid-type]
    ends_at: datetime.datetime

    @strawberry.field(description="The start of the current uninterrupted run (renewals extend it).")
    def started_at(self) -> datetime.datetime:
        return self.term_started_at  # type: ignore[attr-defined]

    @strawberry.field
    def plan(self) -> PaidMembershipPlan:
        return self.plan  # type: ignore[return-value]

    @strawberry.field(description="The plan's benefits while ACTIVE.")
    def benefits(self) -> PaidMembershipBenefits:
        return _benefits(self.plan)


@strawberry.type
class PaidMembershipLedgerEntry:
    id: strawberry.ID
    kind: PaidMembershipLedgerKind  # type: ignore[valid-type]
    period_start: datetime.datetime | None
    period_end: datetime.datetime | None
    occurred_at: datetime.datetime

    @strawberry.field(description="Paid (positive) or refunded (negative).")
    def amount(self) -> Decimal:
        return minor_to_money(self.amount_minor)  # type: ignore[attr-defined]


@strawberry.input(description="Every field of the plan; with `id` it replaces that plan's fields.")
class UpsertPaidMembershipPlanInput:
    id: strawberry.ID | None = None
    name: str
    price: Decimal
    period_unit: PeriodUnit  # type: ignore[valid-type]
    period_count: int
    discount_percent: int = 0
    points_multiplier: Decimal = Decimal(1)
    early_access_tag: str | None = None
    refund_window_days: int = 0
    active: bool = True
    coupon_template_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="The coupon pack: one of each at purchase, then in every later month.")


@strawberry.type
class PaidMembershipPlanPayload:
    plan: PaidMembershipPlan | None = None
    errors: list[UserError]


@strawberry.input
class PurchasePaidMembershipInput:
    member_id: strawberry.ID
    plan_id: strawberry.ID
    payment_reference: str = strawberry.field(description="Idempotent per brand.")
    store_id: strawberry.ID | None = strawberry.field(default=None, description="Required for store staff.")


@strawberry.input
class RefundPaidMembershipInput:
    member_id: strawberry.ID
    refund_id: str = strawberry.field(description="Idempotency key.")


@strawberry.type
class PaidMembershipPayload:
    membership: PaidMembership | None = None
    entry: PaidMembershipLedgerEntry | None = strawberry.field(default=None, description="The ledger row written.")
    replayed: bool = False
    errors: list[UserError]


@strawberry.type
class PaidMembershipMutation:
    @strawberry.mutation(description="HQ creates or replaces a paid membership plan; audited.")
    async def upsert_paid_membership_plan(self, info: Info,
                                          input: UpsertPaidMembershipPlanInput) -> PaidMembershipPlanPayload:
        return PaidMembershipPlanPayload(**await resolvers.upsert_paid_membership_plan(info, input))

    @strawberry.mutation(description="Buy or renew (from the current end) a paid membership; idempotent.")
    async def purchase_paid_membership(self, info: Info, input: PurchasePaidMembershipInput) -> PaidMembershipPayload:
        return PaidMembershipPayload(**await resolvers.purchase_paid_membership(info, input))

    @strawberry.mutation(description="Within the refund window: end the membership and refund it.")
    async def refund_paid_membership(self, info: Info, input: RefundPaidMembershipInput) -> PaidMembershipPayload:
        return PaidMembershipPayload(**await resolvers.refund_paid_membership(info, input))
