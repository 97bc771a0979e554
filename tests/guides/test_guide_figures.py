"""Per-guide figures of a store over the brand's local days: sales credited net of refunds,
orders, members enrolled, members assigned, tasks completed; exact to the cent and the day."""

from __future__ import annotations

from datetime import date

from domain.guides.follow_ups import complete_task
from domain.guides.models import ContactChannel, TaskReason
from domain.guides.reports import GuideFigures, guide_figures
from domain.members.service import Enrolment, register_member
from domain.points.purchases import Channel, refund_purchase
from franchise import staff as staff_service
from tests.factories import hq
from tests.guides.support import PERFORMANCE, as_staff, at, enrolled_on, give_guide, purchase


async def arrange_march(g) -> None:
    """March 2030 in Shanghai is 2030-02-28T16:00Z .. 2030-03-31T16:00Z."""
    await give_guide(g, g.clerk_a, g.member_a)
    await purchase(g, g.member_a, "o-1", "100.00", at=at("2030-03-05T02:00:00+00:00"))
    await purchase(g, g.member_a, "o-2", "50.00", at=at("2030-03-31T15:59:00+00:00"))  # Mar 31, 23:59 local
    await purchase(g, g.member_a, "o-3", "70.00", at=at("2030-03-31T16:00:00+00:00"))  # Apr 1 local: out
    await purchase(g, g.member_a, "o-4", "30.00", at=at("2030-02-28T15:59:00+00:00"))  # Feb 28 local: out
    await purchase(g, g.member_b, "o-5", "40.00", at=at("2030-03-10T02:00:00+00:00"), guide_id=g.clerk_a2.id)
    await purchase(g, g.member_b, "o-6", "99.00", at=at("2030-03-10T02:00:00+00:00"), store=g.store_b,
                   guide_id=g.clerk_b.id)
    await refund_purchase(hq(g.admin), order_id="o-1", channel=Channel.STORE, refund_id="r-1", amount="25.00")
    enrolled = await register_member(as_staff(g.clerk_a), Enrolment(phone="+8613900000011", name="New"))
    late = await register_member(as_staff(g.clerk_a), Enrolment(phone="+8613900000012", name="Late"))
    await enrolled_on(enrolled, at("2030-03-15T02:00:00+00:00"))
    await enrolled_on(late, at("2030-03-31T16:00:00+00:00"))
    await give_guide(g, g.clerk_a, enrolled)
    for when in ("2030-03-20T02:00:00+00:00", "2030-03-31T16:00:00+00:00"):
        await complete_task(as_staff(g.clerk_a), member_id=g.member_a.id, reason=TaskReason.DORMANT,
                            channel=ContactChannel.PHONE, now=at(when))
    await staff_service.update_staff_role(hq(g.admin), staff_id=g.clerk_a2.id, active=False)


async def test_guide_figures_are_exact_for_the_local_days(guides):
    g = guides
    await arrange_march(g)

    figures = await guide_figures(g.brand.id, g.store_a.id, date(2030, 3, 1), date(2030, 3, 31))

    assert figures == [
        GuideFigures(g.clerk_a.id, g.clerk_a.name, True, sales_minor=12_500, order_count=2, new_members=1,
                     members_assigned=2, tasks_completed=1),
        # deactivated since, listed for its sale in the period
        GuideFigures(g.clerk_a2.id, g.clerk_a2.name, False, sales_minor=4_000, order_count=1, new_members=0,
                     members_assigned=0, tasks_completed=0),
        GuideFigures(g.manager_a.id, g.manager_a.name, True, 0, 0, 0, 0, 0),
    ]


async def test_guide_performance_through_the_api(gql, guides):
    g = guides
    await arrange_march(g)
    variables = {"storeId": str(g.store_a.id), "from": "2030-04-01", "to": "2030-04-30"}

    april = (await gql(PERFORMANCE, variables, token=g.tokens["manager_a"]))["data"]["guidePerformance"]

    assert april[0] == {"guideId": str(g.clerk_a.id), "guideName": g.clerk_a.name, "active": True,
                        "salesAmount": "70.00", "orderCount": 1, "newMembers": 1, "membersAssigned": 2,
                        "tasksCompleted": 1}
    assert [row["guideId"] for row in april] == [str(g.clerk_a.id), str(g.manager_a.id)]


async def test_a_period_far_outside_the_calendar_is_bad_input(gql, guides):
    g = guides
    variables = {"storeId": str(g.store_a.id), "from": "0001-01-01", "to": "9999-12-31"}

    body = await gql(PERFORMANCE, variables, token=g.tokens["hq_admin"], expect_errors=True)

    assert [e["extensions"]["code"] for e in body["errors"]] == ["INVALID_INPUT"]


STORE_REPORT_GUIDES = """query($storeId: ID!, $from: Date!, $to: Date!) {
  storeReport(storeId: $storeId, from: $from, to: $to) {
    report { guides { guideId salesAmount orderCount newMembers } } errors { code } } }"""


async def test_the_store_report_shows_sales_and_new_members_per_guide(gql, guides):
    g = guides
    await arrange_march(g)
    variables = {"storeId": str(g.store_a.id), "from": "2030-03-01", "to": "2030-03-31"}

    body = await gql(STORE_REPORT_GUIDES, variables, token=g.tokens["manager_a"])

    assert body["data"]["storeReport"]["report"]["guides"] == [
        {"guideId": str(g.clerk_a.id), "salesAmount": "125.00", "orderCount": 2, "newMembers": 1},
        {"guideId": str(g.clerk_a2.id), "salesAmount": "40.00", "orderCount": 1, "newMembers": 0},
        {"guideId": str(g.manager_a.id), "salesAmount": "0.00", "orderCount": 0, "newMembers": 0},
    ]
