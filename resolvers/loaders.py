"""Per-request DataLoaders: a page of members costs a constant number of queries."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from strawberry.dataloader import DataLoader
from tortoise.functions import Sum

from domain.members.models import Member
from domain.points.models import PointsAccount, PointsLot, Purchase
from franchise.models import Staff, Store, StoreMemberCard


def _by_id(model):
    async def load(ids: list[int]) -> list:
        rows = {row.id: row for row in await model.filter(id__in=list(set(ids)))}
        return [rows.get(i) for i in ids]

    return load


async def _cards_by_store(store_ids: list[int]) -> list:
    rows = {c.store_id: c for c in await StoreMemberCard.filter(store_id__in=list(set(store_ids)))}
    return [rows.get(i) for i in store_ids]


async def _accounts_by_member(member_ids: list[int]) -> list:
    rows = {a.member_id: a for a in await PointsAccount.filter(member_id__in=list(set(member_ids)))}
    return [rows.get(i) for i in member_ids]


async def _expiring_by_member(keys: list[tuple[int, int]]) -> list[int]:
    """(member id, within days) -> open points expiring by then: one grouped query per horizon."""
    now, totals = datetime.now(timezone.utc), {}
    for days in {d for _, d in keys}:
        members = list({m for m, d in keys if d == days})
        rows = await (
            PointsLot.filter(member_id__in=members, remaining__gt=0, expires_at__lte=now + timedelta(days=days))
            .annotate(total=Sum("remaining")).group_by("member_id").values("member_id", "total")
        )
        totals.update({(row["member_id"], days): int(row["total"] or 0) for row in rows})
    return [totals.get(key, 0) for key in keys]


# A commerce order may have been recorded on several channels; the counter's record wins.
_CHANNEL_PREFERENCE = {"STORE": 0, "POS": 1}


async def _purchases_by_order(keys: list[tuple[int, str]]) -> list:
    """(brand id, order id) -> that brand's purchase for the order id, on any channel."""
    found: dict[tuple[int, str], Purchase] = {}
    for brand_id in {b for b, _ in keys}:
        order_ids = list({o for b, o in keys if b == brand_id})
        rows = await Purchase.filter(brand_id=brand_id, order_id__in=order_ids).order_by("id")
        for row in sorted(rows, key=lambda r: _CHANNEL_PREFERENCE.get(r.channel, 2)):
            found.setdefault((brand_id, row.order_id), row)
    return [found.get(key) for key in keys]


class Loaders:
    """Brand checks happen in the services; loaders only batch rows already allowed."""

    def __init__(self) -> None:
        self.store_by_id: DataLoader[int, Store | None] = DataLoader(_by_id(Store))
        self.member_by_id: DataLoader[int, Member | None] = DataLoader(_by_id(Member))
        self.card_by_store: DataLoader[int, StoreMemberCard | None] = DataLoader(_cards_by_store)
        self.points_account_by_member: DataLoader[int, PointsAccount | None] = DataLoader(_accounts_by_member)
        self.expiring_points_by_member: DataLoader[tuple[int, int], int] = DataLoader(_expiring_by_member)
        self.purchase_by_order: DataLoader[tuple[int, str], Purchase | None] = DataLoader(_purchases_by_order)
        self.staff_by_id: DataLoader[int, Staff | None] = DataLoader(_by_id(Staff))  # shopping guides
