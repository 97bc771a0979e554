"""Who may call each guide operation. Store managers assign within their store and read their
store's lists and figures; a clerk reads and completes its own list only; HQ everything in its
brand; members and partners (whatever their scopes) nothing; another brand's admin never
reaches ours. Every refused call changes nothing."""

from __future__ import annotations

import pytest

from domain.guides.models import GuideAssignment, GuideFollowUp, GuideSettings
from domain.members.models import Member
from franchise.models import AuditEntry
from tests.authorization.conftest import denial_code
from tests.factories import make_api_client
from tests.guides.support import (
    ASSIGN, COMPLETE, PERFORMANCE, SETTINGS, TASKS, UPDATE_SETTINGS, give_guide,
)
from tests.points.support import error_codes

CALLERS = ("anonymous", "member", "clerk_a", "clerk_a2", "manager_a", "manager_b", "hq_operator", "hq_admin",
           "partner", "partner_earn", "other_admin")
MODELS = (Member, GuideAssignment, GuideFollowUp, GuideSettings, AuditEntry)


async def rows() -> dict:
    return {m.__name__: await m.all().order_by("id").values() for m in MODELS}


@pytest.fixture
async def scene(guides):
    g = guides
    g.tokens["partner_earn"] = await make_api_client(g.admin, ["points:earn", "members:pii"])
    await give_guide(g, g.clerk_a, g.member_a)
    return g


CASES = {
    "assignGuide": (ASSIGN, lambda g: {"guideId": str(g.clerk_a2.id), "memberIds": [str(g.member_a.id)]},
                    {"manager_a", "hq_operator", "hq_admin"}, "GUIDE_NOT_FOUND"),
    "completeGuideTask": (COMPLETE, lambda g: {"memberId": str(g.member_a.id), "reason": "DORMANT",
                                               "channel": "PHONE"},
                          {"clerk_a", "manager_a", "hq_operator", "hq_admin"}, "MEMBER_NOT_FOUND"),
    "updateGuideSettings": (UPDATE_SETTINGS, lambda g: {"dormantDays": 45}, {"hq_operator", "hq_admin"}, None),
}
MATRIX = [pytest.param(name, caller, id=f"{name}-{caller}-{'allowed' if caller in allowed else 'denied'}")
          for name, (_, _, allowed, _) in CASES.items() for caller in CALLERS]


@pytest.mark.parametrize(("mutation", "caller"), MATRIX)
async def test_guide_mutation_permission(gql, scene, mutation, caller):
    document, make_input, allowed, other_brand_error = CASES[mutation]
    before = await rows()

    body = await gql(document, {"input": make_input(scene)}, token=scene.tokens[caller], expect_errors=True)

    if caller in allowed:
        assert not body.get("errors") and body["data"][mutation]["errors"] == [], body
        assert await rows() != before
    elif caller == "other_admin" and other_brand_error:
        # our staff and members do not exist in its brand
        assert [e["code"] for e in body["data"][mutation]["errors"]] == [other_brand_error]
        assert await rows() == before
    elif caller == "other_admin":
        # its own brand's settings, never ours
        assert body["data"][mutation]["errors"] == []
        assert await GuideSettings.filter(brand_id=scene.brand.id).count() == 0
    else:
        assert error_codes(body) == [denial_code(caller)], body
        assert await rows() == before


TASK_READERS = {"clerk_a", "manager_a", "hq_operator", "hq_admin"}
REPORT_READERS = {"manager_a", "hq_operator", "hq_admin"}
SETTINGS_READERS = {"hq_operator", "hq_admin", "other_admin"}


@pytest.mark.parametrize("caller", CALLERS)
async def test_guide_queries_permission(gql, scene, caller):
    token = scene.tokens[caller]
    tasks = await gql(TASKS, {"guideId": str(scene.clerk_a.id)}, token=token, expect_errors=True)
    report = await gql(PERFORMANCE, {"storeId": str(scene.store_a.id), "from": "2030-01-01", "to": "2030-01-31"},
                       token=token, expect_errors=True)
    settings = await gql(SETTINGS, token=token, expect_errors=True)

    if caller in TASK_READERS:
        assert tasks["data"]["guideTasks"]["totalCount"] == 0
    elif caller == "other_admin":
        assert error_codes(tasks) == ["GUIDE_NOT_FOUND"]
    else:
        assert error_codes(tasks) == [denial_code(caller)]
    if caller in REPORT_READERS:
        assert [r["guideId"] for r in report["data"]["guidePerformance"]] == sorted(
            [str(scene.clerk_a.id), str(scene.clerk_a2.id)]) + [str(scene.manager_a.id)]
    elif caller == "other_admin":
        assert error_codes(report) == ["STORE_NOT_FOUND"]
    else:
        assert error_codes(report) == [denial_code(caller)]
    if caller in SETTINGS_READERS:
        assert settings["data"]["guideSettings"]["dormantDays"] == 60
    else:
        assert error_codes(settings) == [denial_code(caller)]


async def test_a_clerk_reads_only_its_own_list_and_its_own_list_by_default(gql, scene):
    own = await gql(TASKS, token=scene.tokens["clerk_a2"])
    hq_without_guide = await gql(TASKS, token=scene.tokens["hq_admin"], expect_errors=True)

    assert own["data"]["guideTasks"]["totalCount"] == 0
    assert error_codes(hq_without_guide) == ["REQUIRED"]
