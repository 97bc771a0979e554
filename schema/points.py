"""Points: HQ's rules, purchases that earn, refunds that reverse, manual adjustments, estimates
and a member's ledger."""

from __future__ import annotations

import datetime
import enum
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from domain.points.models import ExpiryPolicy as ExpiryPolicyEnum
from domain.points.models import LedgerKind
from domain.points.purchases import Channel as ChannelEnum
from domain.points.rules import ACTIVITIES
from franchise.validation import minor_to_money
from resolvers import guides as guide_resolvers
from resolvers import points as resolvers
from schema.common import PageInfo, UserError
from schema.franchise import Store

if TYPE_CHECKING:
    from schema.guides import Guide
    from schema.members import Member

ExpiryPolicy = strawberry.enum(ExpiryPolicyEnum, name="ExpiryPolicy")
Channel = strawberry.enum(ChannelEnum, name="Channel", description="Where an order was placed.")
PointsLedgerKind = strawberry.enum(LedgerKind, name="PointsLedgerKind")
PointsActivity = strawberry.enum(
    enum.Enum("PointsActivity", {a: a for a in ACTIVITIES}), name="PointsActivity",
    description="Activities that earn points (used by engagement).",
)

# Purchase.member and Order.member point back at Member, which shows a ledger of this module.
LazyMember = Annotated["Member", strawberry.lazy("schema.members")]


@strawberry.type
class TierMultiplier:
    level: int
    multiplier: Decimal


@strawberry.type
class ActivityPoints:
    activity: PointsActivity  # type: ignore[valid-type]
    points: int
    daily_cap: int = strawberry.field(description="Most points a member earns a day by it; 0: no cap.")


@strawberry.type(description="HQ's points rules; every ledger entry names the version it used.")
class PointsRules:
    version: int
    earn_points: int = strawberry.field(description="Points for every `earnPer` of spend, rounded down.")
    earn_per: Decimal
    tier_multipliers: list[TierMultiplier] = strawberry.field(
        description="Overrides the tier programme's multiplier at these levels."
    )
    wallet_paid_earns: bool = strawberry.field(description="Whether what the wallet paid earns points.")
    activity_points: list[ActivityPoints]
    expiry_policy: ExpiryPolicy  # type: ignore[valid-type]
    expiry_n: int = strawberry.field(description="Months (ROLLING_MONTHS) or years (END_OF_YEAR_AFTER).")
    daily_cap: int | None = strawberry.field(description="Most points a member earns by purchases a day.")


def rules_type(row) -> PointsRules:
    return PointsRules(
        version=row.version, earn_points=row.earn_points, earn_per=minor_to_money(row.earn_per_minor),
        tier_multipliers=[TierMultiplier(level=int(level), multiplier=Decimal(factor))
                          for level, factor in sorted(row.tier_multipliers.items(), key=lambda kv: int(kv[0]))],
        wallet_paid_earns=row.wallet_paid_earns,
        activity_points=[ActivityPoints(activity=PointsActivity[name], points=setting["points"],
                                        daily_cap=setting["daily_cap"])
                         for name, setting in sorted(row.activity_points.items())],
        expiry_policy=row.expiry_policy, expiry_n=row.expiry_n, daily_cap=row.daily_cap,
    )


# Read from the service's rows (Tortoise models), so the fields below name their attributes.


@strawberry.type
class PointsLedgerEntry:
    id: strawberry.ID
    kind: PointsLedgerKind  # type: ignore[valid-type]
    points: int = strawberry.field(description="What the event was worth (before debt settlement).")
    delta: int = strawberry.field(description="How it moved the balance.")
    balance_after: int
    rule_version: int | None
    reason: str
    occurred_at: datetime.datetime
    created_at: datetime.datetime

    @strawberry.field(description="The campaign whose multiplier shaped this entry, if any.")
    def campaign_id(self) -> strawberry.ID | None:
        campaign_id = getattr(self, "campaign_id", None)
        return strawberry.ID(str(campaign_id)) if campaign_id else None

    @strawberry.field(description="Where it happened, if at a store.")
    async def store(self, info: Info) -> Store | None:
        store_id = getattr(self, "store_id", None)
        return await info.context.loaders.store_by_id.load(store_id) if store_id else None


@strawberry.type
class PointsLedgerEdge:
    cursor: str
    node: PointsLedgerEntry


@strawberry.type
class PointsLedgerConnection:
    edges: list[PointsLedgerEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="An order that earned points.")
class Purchase:
    id: strawberry.ID
    order_id: str
    channel: Channel  # type: ignore[valid-type]
    points_earned: int
    points_reversed: int = strawberry.field(description="Taken back by refunds so far.")
    occurred_at: datetime.datetime

    @strawberry.field
    def amount(self) -> Decimal:
        return minor_to_money(self.amount_minor)  # type: ignore[attr-defined]

    @strawberry.field(description="Refunded so far.")
    def refunded_amount(self) -> Decimal:
        return minor_to_money(self.refunded_minor)  # type: ignore[attr-defined]

    @strawberry.field(description="The shopping guide credited with the sale.")
    async def guide(self, info: Info) -> Annotated["Guide", strawberry.lazy("schema.guides")] | None:
        return await guide_resolvers.guide(info, self.guide_id)  # type: ignore[attr-defined]

    @strawberry.field
    async def store(self, info: Info) -> Store:
        return await info.context.loaders.store_by_id.load(self.store_id)  # type: ignore[attr-defined]

    @strawberry.field(description="Null with a FORBIDDEN error when the caller may not read the member.")
    async def member(self, info: Info) -> LazyMember | None:
        return await resolvers.purchase_member(info, self)


@strawberry.type
class PointsEstimate:
    points: int = strawberry.field(description="What the order would earn now, tier and daily cap included.")
    points_usable: int = strawberry.field(description="What the member's points may pay of this order (积分抵现).")
    amount_off: Decimal = strawberry.field(description="The money those points take off.")


# Inputs and payloads


@strawberry.input
class TierMultiplierInput:
    level: int
    multiplier: Decimal = strawberry.field(description="0 to 10, at most two decimals.")


@strawberry.input
class ActivityPointsInput:
    activity: PointsActivity  # type: ignore[valid-type]
    points: int
    daily_cap: int = 0


@strawberry.input(description="What to change; an omitted field keeps its value. A list replaces the whole list.")
class UpdatePointsRulesInput:
    earn_points: int | None = None
    earn_per: Decimal | None = strawberry.field(default=None, description="The spend step, e.g. 100.00.")
    tier_multipliers: list[TierMultiplierInput] | None = None
    wallet_paid_earns: bool | None = None
    activity_points: list[ActivityPointsInput] | None = None
    expiry_policy: ExpiryPolicy | None = None  # type: ignore[valid-type]
    expiry_n: int | None = None
    daily_cap: int | None = None
    clear_daily_cap: bool | None = strawberry.field(default=None, description="Remove the daily cap.")


@strawberry.type
class PointsRulesPayload:
    rules: PointsRules | None = None
    errors: list[UserError]


@strawberry.input
class RecordPurchaseInput:
    member_id: strawberry.ID
    store_id: strawberry.ID
    amount: Decimal
    order_id: str = strawberry.field(description="Idempotent per channel: a replay returns the first result.")
    channel: Channel = ChannelEnum.STORE  # type: ignore[valid-type]
    occurred_at: datetime.datetime | None = strawberry.field(default=None, description="Defaults to now.")
    wallet_paid: Decimal | None = strawberry.field(default=None, description="The part the wallet paid.")
    guide_id: strawberry.ID | None = strawberry.field(
        default=None, description="The shopping guide of the sale (staff of the store); defaults to the member's "
        "guide when the sale is at its store.")


@strawberry.type
class RecordPurchasePayload:
    points_earned: int | None = None
    balance: int | None = None
    replayed: bool = strawberry.field(default=False, description="This order was recorded before.")
    purchase: Purchase | None = None
    errors: list[UserError]


@strawberry.input
class RefundPurchaseInput:
    order_id: str
    channel: Channel = ChannelEnum.STORE  # type: ignore[valid-type]
    refund_id: str = strawberry.field(description="Idempotent: a replay reverses nothing twice.")
    amount: Decimal


@strawberry.type
class RefundPurchasePayload:
    points_reversed: int | None = None
    debt_added: int | None = strawberry.field(default=None, description="Spent points the member now owes.")
    balance: int | None = None
    replayed: bool = False
    purchase: Purchase | None = None
    errors: list[UserError]


@strawberry.input
class AdjustPointsInput:
    member_id: strawberry.ID
    delta: int
    reason: str
    idempotency_key: str


@strawberry.type
class AdjustPointsPayload:
    entry: PointsLedgerEntry | None = None
    balance: int | None = None
    replayed: bool = False
    errors: list[UserError]


def _payload(cls, result: dict):
    if result.get("rules") is not None:
        result["rules"] = rules_type(result["rules"])
    return cls(**result)


@strawberry.type
class PointsQuery:
    @strawberry.field(description="The brand's current points rules.")
    async def points_rules(self, info: Info) -> PointsRules:
        return rules_type(await resolvers.points_rules(info))

    @strawberry.field(description="What an order would earn (a member for itself, or store staff).")
    async def estimate_points(
        self, info: Info, member_id: strawberry.ID, store_id: strawberry.ID, amount: Decimal,
        wallet_paid: Decimal | None = None,
    ) -> PointsEstimate:
        estimate = await resolvers.estimate_points(
            info, member_id=member_id, store_id=store_id, amount=amount, wallet_paid=wallet_paid
        )
        return PointsEstimate(points=estimate.points, points_usable=estimate.points_usable,
                              amount_off=minor_to_money(estimate.amount_off_minor))


@strawberry.type
class PointsMutation:
    @strawberry.mutation(description="HQ admin alone: a new version of the rules, used from the next earning.")
    async def update_points_rules(self, info: Info, input: UpdatePointsRulesInput) -> PointsRulesPayload:
        return _payload(PointsRulesPayload, await resolvers.update_points_rules(info, input))

    @strawberry.mutation(description="An order earns points for its member, credited to the store; idempotent.")
    async def record_purchase(self, info: Info, input: RecordPurchaseInput) -> RecordPurchasePayload:
        return _payload(RecordPurchasePayload, await resolvers.record_purchase(info, input))

    @strawberry.mutation(description="Reverse an order's points in proportion; spent points become a debt.")
    async def refund_purchase(self, info: Info, input: RefundPurchaseInput) -> RefundPurchasePayload:
        return _payload(RefundPurchasePayload, await resolvers.refund_purchase(info, input))

    @strawberry.mutation(description="HQ admin alone: add or take points by hand, with a reason; idempotent.")
    async def adjust_points(self, info: Info, input: AdjustPointsInput) -> AdjustPointsPayload:
        return _payload(AdjustPointsPayload, await resolvers.adjust_points(info, input))
