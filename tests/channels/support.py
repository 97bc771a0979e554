"""GraphQL documents and helpers of the channel import tests."""

from __future__ import annotations

from domain.channels.models import ChannelOrder
from domain.members.models import Member
from domain.points.models import PointsAccount, PointsLedgerEntry, PointsLot, Purchase, PurchaseRefund

IMPORT = """mutation($input: ImportChannelOrdersInput!) { importChannelOrders(input: $input) {
  accepted duplicates pending rejected
  results { index externalId outcome points pointsReversed error { code field } }
  errors { code field message } } }"""
PENDING = """query($phone: String!) { pendingChannelPoints(phone: $phone) {
  phone points orders { externalId channel amount paidAt pendingEarned pendingReversed expiresAt } } }"""


def order(external_id: str, phone: str, amount: str, paid_at: str = "2026-11-20T12:00:00+08:00", **more) -> dict:
    return {"externalId": external_id, "phone": phone, "amount": amount, "paidAt": paid_at, **more}


async def import_orders(gql, token, orders: list[dict], channel: str = "TMALL", **kw) -> dict:
    body = await gql(IMPORT, {"input": {"channel": channel, "orders": orders}}, token=token, **kw)
    return body if kw.get("expect_errors") else body["data"]["importChannelOrders"]


MODELS = (ChannelOrder, Member, PointsAccount, PointsLedgerEntry, PointsLot, Purchase, PurchaseRefund)


async def snapshot() -> dict[str, list[dict]]:
    """Every row a channel import may write."""
    return {model.__name__: await model.all().order_by("id").values() for model in MODELS}


async def balance_of(member_id: int) -> int:
    account = await PointsAccount.filter(member_id=member_id).first()
    return account.balance if account else 0
