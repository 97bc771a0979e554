"""Activities earn the rule's points within daily caps, once per reference; a referrer earns
once, when the referee's first purchase lands."""

from __future__ import annotations

from datetime import datetime, timezone

from domain.engagement.models import ActivityRecord, Referral
from domain.members.models import MemberSource
from domain.members.service import Enrolment, create_member
from domain.points import purchases
from domain.points.models import LedgerKind, PointsLedgerEntry
from domain.points.verify import verify_ledgers
from tests.engagement.support import RECORD_ACTIVITY, earn_by_activities
from tests.factories import hq, make_api_client
from tests.points.support import balance_of


async def record(gql, token, activity: str, reference: str, **more) -> dict:
    body = await gql(RECORD_ACTIVITY, {"input": {"activity": activity, "reference": reference, **more}}, token=token)
    return body["data"]["recordActivity"]


async def test_shares_earn_within_the_daily_cap_and_once_per_reference(gql, world):
    await earn_by_activities(world)  # SHARE: 3 points, at most 6 a day
    token = world.tokens["member"]

    results = [await record(gql, token, "SHARE", ref) for ref in ("s-1", "s-1", "s-2", "s-3")]

    assert [(r["points"], r["replayed"]) for r in results] == [(3, False), (3, True), (3, False), (0, False)]
    assert await balance_of(world.member_a) == 6
    assert await ActivityRecord.filter(member_id=world.member_a.id).count() == 3


async def test_a_partner_records_a_review_for_a_member_of_its_brand(gql, world):
    await earn_by_activities(world)
    key = await make_api_client(world.admin, ["points:earn"])

    done = await record(gql, key, "REVIEW", "review-9", memberId=str(world.member_b.id))
    other = await gql(RECORD_ACTIVITY, {"input": {"activity": "REVIEW", "reference": "r", "memberId":
                                                  str(world.other_member.id)}}, token=key)

    assert done["points"] == 8 and await balance_of(world.member_b) == 8
    assert [e["code"] for e in other["data"]["recordActivity"]["errors"]] == ["MEMBER_NOT_FOUND"]


async def test_a_member_records_for_itself_only(gql, world):
    body = await gql(RECORD_ACTIVITY, {"input": {"activity": "SHARE", "reference": "x",
                                                 "memberId": str(world.member_b.id)}},
                     token=world.tokens["member"], expect_errors=True)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_referrer_earns_once_when_the_referees_first_purchase_lands(world):
    await earn_by_activities(world)  # REFERRAL: 50 points
    referee = await create_member(world.brand, Enrolment(phone="+8613955550000"), home_store_id=world.store_a.id,
                                  source=MemberSource.REFERRAL, referrer_id=world.member_b.id)
    at = datetime(2026, 11, 20, 4, tzinfo=timezone.utc)

    for n in range(2):
        await purchases.record_purchase(hq(world.admin), member_id=referee.id, store_id=world.store_a.id,
                                        amount="30.00", order_id=f"o-{n}", channel=purchases.Channel.STORE,
                                        occurred_at=at)

    assert await balance_of(world.member_b) == 50
    assert await Referral.filter(referee_id=referee.id).count() == 1
    entry = await PointsLedgerEntry.get(member_id=world.member_b.id)
    assert (entry.kind, entry.points, entry.reason) == (LedgerKind.ACTIVITY, 50, f"REFERRAL referee:{referee.id}")
    assert await balance_of(referee) == 60
    assert await verify_ledgers() == []
