"""Reports: the store report, the brand report by store or city, and guest (non-member) sales
reported by the POS at the end of each day."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from domain.reports.figures import Figures
from domain.reports.service import Grouping
from franchise.validation import minor_to_money
from resolvers import guides as guide_resolvers
from resolvers import reports as resolvers
from schema.common import UserError
from schema.franchise import Store
from schema.guides import GuideFigures

ReportGrouping = strawberry.enum(Grouping, name="ReportGrouping")


def _money(minor: int | None) -> Decimal | None:
    return None if minor is None else minor_to_money(minor)


@strawberry.type(description="Members at one tier level (0: not in a tier yet), enrolled by the range's end.")
class TierCount:
    level: int
    members: int


@strawberry.type(description="What a store, city or brand did over the range, added up from the ledgers. Money in "
                             "the brand's currency; rates are null when their denominator is zero.")
class ReportFigures:
    figures: strawberry.Private[Figures]

    @strawberry.field(description="Members enrolled in the range (by home store).")
    def new_members(self) -> int:
        return self.figures.new_members

    @strawberry.field(description="Orders of guests (non-members), as the POS reported them (recordGuestSales).")
    def guest_orders(self) -> int:
        return self.figures.guest_orders

    @strawberry.field
    def guest_sales(self) -> Decimal:
        return minor_to_money(self.figures.guest_sales)

    @strawberry.field(description="New members ÷ guest orders.")
    def enrolment_rate(self) -> float | None:
        return self.figures.enrolment_rate

    @strawberry.field(description="Members who bought in the range.")
    def active_members(self) -> int:
        return self.figures.active_members

    @strawberry.field
    def member_orders(self) -> int:
        return self.figures.member_orders

    @strawberry.field(description="What members' orders in the range came to (before refunds).")
    def member_sales(self) -> Decimal:
        return minor_to_money(self.figures.member_sales)

    @strawberry.field(description="Member sales ÷ (member sales + guest sales).")
    def member_sales_share(self) -> float | None:
        return self.figures.member_sales_share

    @strawberry.field(description="Members with 2 or more orders ÷ members with 1 or more.")
    def repurchase_rate(self) -> float | None:
        return self.figures.repurchase_rate

    @strawberry.field
    def member_average_order(self) -> Decimal | None:
        return _money(self.figures.member_average_order)

    @strawberry.field
    def guest_average_order(self) -> Decimal | None:
        return _money(self.figures.guest_average_order)

    @strawberry.field(description="Points earned, granted and credited by hand in the range.")
    def points_issued(self) -> int:
        return self.figures.points_issued

    @strawberry.field(description="Points spent (at checkout, in the mall), less what cancellations returned.")
    def points_redeemed(self) -> int:
        return self.figures.points_redeemed

    @strawberry.field
    def points_expired(self) -> int:
        return self.figures.points_expired

    @strawberry.field(description="Points taken back by refunds (including what became a debt).")
    def points_reversed(self) -> int:
        return self.figures.points_reversed

    @strawberry.field(description="Points taken off by hand.")
    def points_adjusted_out(self) -> int:
        return self.figures.points_adjusted_out

    @strawberry.field(description="Points balance at the range's end (by home store).")
    def points_outstanding(self) -> int:
        return self.figures.points_outstanding

    @strawberry.field(description="Refund debts not settled at the range's end.")
    def points_debt(self) -> int:
        return self.figures.points_debt

    @strawberry.field(description="Principal topped up.")
    def wallet_topped_up(self) -> Decimal:
        return minor_to_money(self.figures.wallet_topped_up)

    @strawberry.field(description="Bonus given by top-up plans.")
    def wallet_bonus_granted(self) -> Decimal:
        return minor_to_money(self.figures.wallet_bonus_granted)

    @strawberry.field(description="Principal spent by wallet payments, less payment refunds.")
    def wallet_spent_principal(self) -> Decimal:
        return minor_to_money(self.figures.wallet_spent_principal)

    @strawberry.field(description="Bonus spent by wallet payments, less payment refunds.")
    def wallet_spent_bonus(self) -> Decimal:
        return minor_to_money(self.figures.wallet_spent_bonus)

    @strawberry.field(description="Principal paid back by balance refunds (安心退款).")
    def wallet_refunded(self) -> Decimal:
        return minor_to_money(self.figures.wallet_refunded)

    @strawberry.field(description="Bonus that expired or was forfeited.")
    def wallet_bonus_lapsed(self) -> Decimal:
        return minor_to_money(self.figures.wallet_bonus_lapsed)

    @strawberry.field(description="Principal left in wallets at the range's end (a liability), by top-up store.")
    def wallet_outstanding_principal(self) -> Decimal:
        return minor_to_money(self.figures.wallet_outstanding_principal)

    @strawberry.field(description="Bonus left in wallets at the range's end, by top-up store.")
    def wallet_outstanding_bonus(self) -> Decimal:
        return minor_to_money(self.figures.wallet_outstanding_bonus)

    @strawberry.field(description="Gift cards issued in the range: a brand figure (null on store and city rows).")
    def gift_cards_issued(self) -> int | None:
        return self.figures.gift_cards_issued

    @strawberry.field(description="Gift-card redemptions (payments, pickups, exchanges, benefits).")
    def gift_cards_redeemed(self) -> int:
        return self.figures.gift_cards_redeemed

    @strawberry.field(description="What gift cards paid, less payment refunds.")
    def gift_card_amount_redeemed(self) -> Decimal:
        return minor_to_money(self.figures.gift_card_amount_redeemed)

    @strawberry.field(description="Balance left on gift cards at the range's end: a brand figure.")
    def gift_card_outstanding(self) -> Decimal | None:
        return _money(self.figures.gift_card_outstanding)

    @strawberry.field(description="Mall redemptions in the range, not cancelled (by home store).")
    def mall_redemptions(self) -> int:
        return self.figures.mall_redemptions

    @strawberry.field(description="Members who redeemed in the mall ÷ active members.")
    def mall_redemption_rate(self) -> float | None:
        return self.figures.mall_redemption_rate

    @strawberry.field
    def tier_distribution(self) -> list[TierCount]:
        return [TierCount(level=level, members=n) for level, n in sorted(self.figures.tier_distribution.items())]


@strawberry.type
class StoreReport:
    from_: datetime.date = strawberry.field(name="from")
    to: datetime.date
    store: Store
    figures: ReportFigures

    @strawberry.field(description="Per shopping guide (导购) of the store over the same days: sales credited "
                      "net of refunds, orders, new members, members assigned, follow-ups done.")
    async def guides(self, info: Info) -> list[GuideFigures]:
        return await guide_resolvers.guide_performance(info, self.store.id, self.from_, self.to)  # type: ignore[return-value]


@strawberry.type(description="One store or one city of a brand report.")
class BrandReportRow:
    store: Store | None = strawberry.field(description="STORE rows.")
    city: str
    figures: ReportFigures


@strawberry.type
class BrandReport:
    from_: datetime.date = strawberry.field(name="from")
    to: datetime.date
    group_by: ReportGrouping  # type: ignore[valid-type]
    rows: list[BrandReportRow]
    total: ReportFigures


@strawberry.type
class StoreReportResult:
    report: StoreReport | None = None
    errors: list[UserError]


@strawberry.type
class BrandReportResult:
    report: BrandReport | None = None
    errors: list[UserError]


@strawberry.type(description="A store's end-of-day sales to guests (non-members).")
class GuestSales:
    id: strawberry.ID
    store_id: strawberry.ID
    business_date: datetime.date
    orders: int
    amount_minor: strawberry.Private[int]

    @strawberry.field
    def amount(self) -> Decimal:
        return minor_to_money(self.amount_minor)


@strawberry.input
class RecordGuestSalesInput:
    store_id: strawberry.ID
    business_date: datetime.date = strawberry.field(description="The day in the brand's time zone.")
    orders: int
    amount: Decimal
    idempotency_key: str = strawberry.field(description="The same key again changes nothing; a new key for a day "
                                                        "already reported replaces its figures.")


@strawberry.type
class RecordGuestSalesPayload:
    guest_sales: GuestSales | None = None
    replayed: bool = False
    errors: list[UserError]


def _store_report(report) -> StoreReport:
    return StoreReport(from_=report.first_day, to=report.last_day, store=report.store,
                       figures=ReportFigures(figures=report.figures))


def _brand_report(report) -> BrandReport:
    return BrandReport(
        from_=report.first_day, to=report.last_day, group_by=report.group_by,
        rows=[BrandReportRow(store=row.store, city=row.city, figures=ReportFigures(figures=row.figures))
              for row in report.rows],
        total=ReportFigures(figures=report.total),
    )


@strawberry.type
class ReportsQuery:
    @strawberry.field(description="A store's figures over local days `from`..`to` (at most 366): its manager, HQ.")
    async def store_report(self, info: Info, store_id: strawberry.ID,
                           from_: Annotated[datetime.date, strawberry.argument(name="from")],
                           to: datetime.date) -> StoreReportResult:
        result = await resolvers.store_report(info, store_id, from_, to)
        report = result.get("report")
        return StoreReportResult(report=_store_report(report) if report else None, errors=result["errors"])

    @strawberry.field(description="The brand's figures by store or city with a total row: HQ.")
    async def brand_report(self, info: Info, from_: Annotated[datetime.date, strawberry.argument(name="from")],
                           to: datetime.date, group_by: ReportGrouping = Grouping.STORE) -> BrandReportResult:  # type: ignore[valid-type]
        result = await resolvers.brand_report(info, from_, to, group_by)
        report = result.get("report")
        return BrandReportResult(report=_brand_report(report) if report else None, errors=result["errors"])


@strawberry.type
class ReportsMutation:
    @strawberry.mutation(description="The POS reports a store's sales to guests for a business day.")
    async def record_guest_sales(self, info: Info, input: RecordGuestSalesInput) -> RecordGuestSalesPayload:
        return RecordGuestSalesPayload(**await resolvers.record_guest_sales(info, input))
