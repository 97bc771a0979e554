"""Concurrent assignments of the same members on PostgreSQL: the member rows are locked in id
order, so the history is one unbroken chain (each row's previous guide is the guide before it)
and ends with the guide the member has."""

import asyncio

from domain.guides.models import GuideAssignment
from domain.members.models import Member
from tests.conftest import requires_postgres
from tests.factories import make_member
from tests.guides.support import ASSIGN
from tests.points.support import error_codes

pytestmark = requires_postgres


async def test_concurrent_assignments_leave_one_consistent_history(gql, guides):
    g = guides
    members = [g.member_a, *[await make_member(g.brand, g.store_a, name=f"M{i}") for i in range(5)]]
    ids = [str(m.id) for m in members]
    # opposite id orders in the requests: the service locks in one order whatever it is given
    inputs = [{"guideId": str(guide.id), "memberIds": ids if i % 2 else ids[::-1]}
              for i, guide in enumerate([g.clerk_a, g.clerk_a2, g.manager_a] * 4)]

    bodies = await asyncio.gather(*(gql(ASSIGN, {"input": input}, token=g.tokens["manager_a"], expect_errors=True)
                                    for input in inputs))

    assert [error_codes(b) for b in bodies if b.get("errors")] == []
    assert all(b["data"]["assignGuide"]["errors"] == [] for b in bodies)
    for member in members:
        chain = await GuideAssignment.filter(member_id=member.id).order_by("id").values_list(
            "previous_guide_id", "guide_id")
        assert chain[0][0] is None
        assert all(before[1] == after[0] for before, after in zip(chain, chain[1:]))
        assert (await Member.get(id=member.id)).guide_id == chain[-1][1]
    assert sum(b["data"]["assignGuide"]["assigned"] for b in bodies) == await GuideAssignment.all().count()
