"""Report figures as flat rows, for files (`loyalty report --format csv|json`): money as
Decimal in the brand's currency, rates as fractions, one column per tier level."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from domain.reports.figures import Figures
from domain.reports.service import BrandReport, StoreReport
from franchise.validation import minor_to_money

MONEY = {
    "guest_sales", "member_sales", "wallet_topped_up", "wallet_bonus_granted", "wallet_spent_principal",
    "wallet_spent_bonus", "wallet_refunded", "wallet_bonus_lapsed", "wallet_outstanding_principal",
    "wallet_outstanding_bonus", "gift_card_amount_redeemed", "gift_card_outstanding",
}
RATIOS = ("enrolment_rate", "member_sales_share", "repurchase_rate", "mall_redemption_rate")
AVERAGES = ("member_average_order", "guest_average_order")


def flatten(figures: Figures, levels: list[int]) -> dict:
    row: dict = {}
    for item in dataclasses.fields(Figures):
        if item.name == "tier_distribution":
            continue
        value = getattr(figures, item.name)
        row[item.name] = minor_to_money(value) if item.name in MONEY and value is not None else value
    for name in RATIOS:
        row[name] = getattr(figures, name)
    for name in AVERAGES:
        value = getattr(figures, name)
        row[name] = None if value is None else minor_to_money(value)
    for level in levels:
        row[f"tier_{level}_members"] = figures.tier_distribution.get(level, 0)
    return row


def rows(report: BrandReport | StoreReport) -> list[dict]:
    """One row per store or city (a store report: its store), then the brand's total row."""
    if isinstance(report, StoreReport):
        parts = [({"group": report.store.code, "city": report.store.city}, report.figures)]
    else:
        parts = [({"group": row.store.code if row.store else row.city, "city": row.city}, row.figures)
                 for row in report.rows]
        parts.append(({"group": "TOTAL", "city": ""}, report.total))
    levels = sorted({level for _, figures in parts for level in figures.tier_distribution})
    head = {"from": report.first_day.isoformat(), "to": report.last_day.isoformat()}
    return [{**head, **label, **flatten(figures, levels)} for label, figures in parts]


def plain(value):
    """JSON: money and dates as strings, so nothing is rounded through a float."""
    return str(value) if isinstance(value, Decimal) else value
