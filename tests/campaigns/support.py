"""Documents and helpers of the campaign tests."""

from __future__ import annotations

from datetime import date, datetime

from domain.campaigns import service
from domain.points import purchases
from domain.points.models import PointsLedgerEntry
from tests.factories import hq

UPSERT = """mutation($input: UpsertCampaignInput!) { upsertCampaign(input: $input) {
  campaign { id name pointsMultiplier growthMultiplier startsOn endsOn weekdays storeIds tierLevels memberTags
    priority active } errors { code field } } }"""
CAMPAIGNS = """query($active: Boolean) { campaigns(active: $active) { totalCount edges { node { id name } } } }"""


async def campaign(world, name: str = "double", *, starts: date, ends: date, multiplier: str = "2",
                   **more) -> int:
    made = await service.upsert_campaign(hq(world.admin), service.CampaignInput(
        name=name, starts_on=starts, ends_on=ends, points_multiplier=multiplier, **more))
    return made.id


async def buy(world, order_id: str, at: datetime, amount: str = "100.00", *, member=None, store=None):
    """A purchase of `amount` (1 point per yuan by default) and its EARN ledger entry."""
    accrual = await purchases.record_purchase(
        hq(world.admin), member_id=(member or world.member_a).id, store_id=(store or world.store_a).id,
        amount=amount, order_id=order_id, channel=purchases.Channel.STORE, occurred_at=at)
    entry = await PointsLedgerEntry.filter(purchase_id=accrual.purchase.id).first()
    return accrual.points_earned, entry.campaign_id if entry else None
