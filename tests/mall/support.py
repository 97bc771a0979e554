"""GraphQL documents and helpers of the mall and coupon tests."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.coupons.models import Coupon, CouponTemplate
from domain.coupons.verify import verify_coupons
from domain.mall.models import MallItem, MallRedemption, MallStockMovement
from domain.mall.verify import verify_stock
from domain.points import purchases
from domain.points.models import PointsAccount, PointsLedgerEntry, PointsLot
from domain.points.verify import verify_ledgers
from domain.tiers import service as tiers
from domain.tiers.models import TierMode
from franchise.models import AuditEntry
from tests.factories import hq

ERRORS = "errors { code field message }"
ITEM_FIELDS = ("id name kind pointsPrice cash stock perMemberLimit limitPeriodDays eligibleTiers eligibleStoreIds "
               "saleStartsAt saleEndsAt nearExpiry pickupDays active couponTemplate { id } redeemable unavailableReason")
REDEMPTION_FIELDS = ("id quantity points cash state verificationCode qrPayload pickupExpiresAt verifiedAt cancelledAt "
                     "cancelReason item { id } pickupStore { id } verifiedStore { id } coupon { id code status }")

UPSERT_ITEM = f"""mutation($input: UpsertMallItemInput!) {{
  upsertMallItem(input: $input) {{ item {{ {ITEM_FIELDS} }} {ERRORS} }} }}"""
REDEEM = f"""mutation($input: RedeemMallItemInput!) {{
  redeemMallItem(input: $input) {{ redemption {{ {REDEMPTION_FIELDS} }} balance replayed {ERRORS} }} }}"""
VERIFY = f"""mutation($input: VerifyRedemptionInput!) {{
  verifyRedemption(input: $input) {{ redemption {{ id state verifiedAt verifiedStore {{ id }} }} {ERRORS} }} }}"""
CANCEL = f"""mutation($input: CancelRedemptionInput!) {{
  cancelRedemption(input: $input) {{ redemption {{ id state cancelledAt cancelReason }} {ERRORS} }} }}"""
MALL_ITEMS = f"""query($first: Int = 20, $after: String, $nearExpiryOnly: Boolean = false) {{
  mallItems(first: $first, after: $after, nearExpiryOnly: $nearExpiryOnly) {{
    totalCount pageInfo {{ hasNextPage endCursor }} edges {{ cursor node {{ {ITEM_FIELDS} }} }} }} }}"""
MALL_ITEM = f"query($id: ID!) {{ mallItem(id: $id) {{ {ITEM_FIELDS} }} }}"
STORE_PICKUPS = """query($storeId: ID!) { storePickups(storeId: $storeId) {
  totalCount edges { node { id state verificationCode pickupStore { id } item { id } } } } }"""
MEMBER_REDEMPTIONS = f"""query($id: ID!) {{ member(id: $id) {{ redemptions {{ totalCount edges {{ node {{
  {REDEMPTION_FIELDS} }} }} }} }} }}"""

CREATE_TEMPLATE = f"""mutation($input: CreateCouponTemplateInput!) {{
  createCouponTemplate(input: $input) {{ template {{ id name kind amountOff percentOff maxDiscount giftItem minSpend
    storeIds validFrom validUntil validDays perMemberLimit issuedCount usedCount }} {ERRORS} }} }}"""
ISSUE = f"""mutation($input: IssueCouponInput!) {{
  issueCoupon(input: $input) {{ coupon {{ id code status validFrom validUntil source template {{ id }} }} replayed
    {ERRORS} }} }}"""
USE = f"""mutation($input: UseCouponInput!) {{
  useCoupon(input: $input) {{ coupon {{ id status usedOrderId discount }} discount giftItem replayed {ERRORS} }} }}"""
MEMBER_COUPONS = """query($id: ID!, $status: CouponStatus) { member(id: $id) { coupons(status: $status) {
  totalCount edges { node { id code status validUntil discount template { id name } } } } } }"""


def error_codes(body: dict) -> list[str | None]:
    return [(error.get("extensions") or {}).get("code") for error in body.get("errors") or []]


def payload_errors(payload: dict) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def give_points(world, member, amount: str, order_id: str, occurred_at: datetime | None = None) -> None:
    """Points by a purchase at the member's home store (default rules: 1 point a yuan)."""
    await purchases.record_purchase(hq(world.admin), member_id=member.id, store_id=member.home_store_id,
                                    amount=amount, order_id=order_id, channel=purchases.Channel.STORE,
                                    occurred_at=occurred_at)


async def tier_program(world) -> None:
    """Three SPEND levels: 1 from 0, 2 from 500.00, 3 from 2,000.00 (10% off at level 2)."""
    levels = [tiers.Level(1, "Silver", 0), tiers.Level(2, "Gold", 500_00, discount_percent=10),
              tiers.Level(3, "Black", 2000_00, discount_percent=20)]
    await tiers.update_tier_program(hq(world.admin), mode=TierMode.SPEND, evaluation_months=12, levels=levels)


def member_token(tokens, member) -> str:
    return tokens.issue(kind="member", subject_id=member.id, brand_id=member.brand_id)


def item_input(name: str = "Swiss roll", kind: str = "PICKUP", points: int = 10, **more) -> dict:
    return {"name": name, "kind": kind, "pointsPrice": points, **more}


async def upsert_item(gql, world, token: str | None = None, **input) -> dict:
    body = await gql(UPSERT_ITEM, {"input": item_input(**input)}, token=token or world.tokens["hq_operator"])
    payload = body["data"]["upsertMallItem"]
    assert payload["errors"] == [], payload
    return payload["item"]


async def redeem(gql, token: str, item_id, key: str, quantity: int = 1, **kw) -> dict:
    input = {"itemId": str(item_id), "idempotencyKey": key, "quantity": quantity, **kw.pop("more", {})}
    body = await gql(REDEEM, {"input": input}, token=token, **kw)
    return body if kw.get("expect_errors") else body["data"]["redeemMallItem"]


async def balance_of(member) -> int:
    account = await PointsAccount.filter(member_id=member.id).first()
    return account.balance if account else 0


async def all_consistent() -> None:
    """The ledger check over points, stock and coupons."""
    assert await verify_ledgers() == []
    assert await verify_stock() == []
    assert await verify_coupons() == []


def now() -> datetime:
    return datetime.now(UTC)


MALL_MODELS = (MallItem, MallStockMovement, MallRedemption, CouponTemplate, Coupon, PointsAccount,
               PointsLedgerEntry, PointsLot, AuditEntry)


async def mall_snapshot(brand_id: int | None = None) -> dict[str, list[dict]]:
    snapshot = {}
    for model in MALL_MODELS:
        query = model.all() if brand_id is None else model.filter(brand_id=brand_id)
        snapshot[model.__name__] = await query.order_by("id").values()
    return snapshot


async def bulk_members_with_points(world, count: int, points: int, expires_at: datetime) -> list:
    """`count` members of store A holding `points` each, written in a few bulk inserts (one
    EARN entry and one lot each, so the ledger check holds); returns the members."""
    from domain.members.models import Member, MemberSource
    from domain.points.models import LedgerKind

    marker = f"bulk-{world.brand.id}-{datetime.now(UTC).timestamp()}"
    await Member.bulk_create([
        Member(brand_id=world.brand.id, phone=f"+86139{i:08d}", name=f"bulk {i}", home_store_id=world.store_a.id,
               source=MemberSource.IMPORT, referral_code=f"B{i:07d}")
        for i in range(count)
    ])
    members = await Member.filter(brand_id=world.brand.id, name__startswith="bulk ").order_by("id")
    at = datetime.now(UTC)
    await PointsAccount.bulk_create([
        PointsAccount(brand_id=world.brand.id, member_id=m.id, balance=points, lifetime_earned=points)
        for m in members])
    await PointsLedgerEntry.bulk_create([
        PointsLedgerEntry(brand_id=world.brand.id, member_id=m.id, kind=LedgerKind.EARN, points=points,
                          delta=points, balance_after=points, actor="test", reason="seed",
                          idempotency_key=f"{marker}:{m.id}", occurred_at=at)
        for m in members])
    entries = await PointsLedgerEntry.filter(idempotency_key__startswith=marker).values("id", "member_id")
    await PointsLot.bulk_create([
        PointsLot(brand_id=world.brand.id, member_id=e["member_id"], entry_id=e["id"], earned=points,
                  remaining=points, earned_at=at, expires_at=expires_at)
        for e in entries])
    return members
