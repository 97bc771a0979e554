"""Set-up of the segments tests: rows written straight into the tables a filter reads (the
ledgers' own services are tested in their areas; here only what a segment sees matters)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from domain.members.models import Member, MemberTag, TagKind
from domain.points.models import LedgerKind, PointsAccount, PointsLedgerEntry, PointsLot, Purchase
from domain.tiers.models import MemberTier
from domain.wallet.models import Wallet

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
_orders = itertools.count(1)


async def buy(member: Member, store_id: int, amount_minor: int, at: datetime, refunded_minor: int = 0) -> Purchase:
    return await Purchase.create(
        brand_id=member.brand_id, member_id=member.id, store_id=store_id, channel="STORE",
        order_id=f"seg-{next(_orders)}", amount_minor=amount_minor, points_earned=0,
        refunded_minor=refunded_minor, rule_version=1, occurred_at=at)


async def give_points(member: Member, balance: int, *, expiring: int = 0, expires_at: datetime | None = None) -> None:
    await PointsAccount.create(brand_id=member.brand_id, member_id=member.id, balance=balance)
    if expiring:
        entry = await PointsLedgerEntry.create(
            brand_id=member.brand_id, member_id=member.id, kind=LedgerKind.EARN, points=expiring, delta=expiring,
            balance_after=balance, actor="test", occurred_at=NOW)
        await PointsLot.create(brand_id=member.brand_id, member_id=member.id, entry=entry, earned=expiring,
                               remaining=expiring, earned_at=NOW - timedelta(days=300), expires_at=expires_at)


async def give_wallet(member: Member, principal: int, bonus: int = 0) -> None:
    await Wallet.create(brand_id=member.brand_id, member_id=member.id, principal_minor=principal, bonus_minor=bonus)


async def set_tier(member: Member, level: int) -> None:
    await MemberTier.create(brand_id=member.brand_id, member_id=member.id, level=level,
                            period_start=NOW - timedelta(days=30), period_end=NOW + timedelta(days=335))


async def tag(member: Member, name: str, store_id: int | None = None, kind: TagKind = TagKind.MANUAL) -> None:
    await MemberTag.create(brand_id=member.brand_id, member_id=member.id, tag=name, store_id=store_id, kind=kind)

ERRORS = "errors { code field message }"
TAG = f"""mutation($input: TagMembersInput!) {{ tagMembers(input: $input) {{ tag storeId changedMemberIds {ERRORS} }} }}"""
UNTAG = f"""mutation($input: TagMembersInput!) {{ untagMembers(input: $input) {{
  tag storeId changedMemberIds {ERRORS} }} }}"""
UPSERT_RULE = f"""mutation($input: UpsertTagRuleInput!) {{ upsertTagRule(input: $input) {{
  rule {{ id tag kind threshold days active }} {ERRORS} }} }}"""
UPDATE_RFM = f"""mutation($input: UpdateRfmSettingsInput!) {{ updateRfmSettings(input: $input) {{
  settings {{ method windowDays recencyDays frequencyOrders monetary dormantDays newDays }} {ERRORS} }} }}"""
RECOMPUTE_RFM = f"""mutation {{ recomputeRfm {{ scoredMembers computedAt {ERRORS} }} }}"""
SAVE_SEGMENT = f"""mutation($input: SaveSegmentInput!) {{ saveSegment(input: $input) {{
  segment {{ id name filter {{ tierLevels tagsAny pointsMin walletMin birthdayMonth rfmSegments }} }} {ERRORS} }} }}"""
SEGMENT_MEMBERS = """query($filter: SegmentFilterInput, $segmentId: ID, $first: Int = 20, $after: String) {
  segmentMembers(filter: $filter, segmentId: $segmentId, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id name tags points homeStore { code } rfm { recency frequency monetary segment } } } } }"""
SEGMENTS = "{ segments { totalCount edges { node { id name } } } }"
TAG_RULES = "{ tagRules { totalCount edges { node { id tag } } } }"
RFM_SETTINGS = "{ rfmSettings { method windowDays } }"


def node_ids(body: dict) -> set[int]:
    return {int(e["node"]["id"]) for e in body["data"]["segmentMembers"]["edges"]}
