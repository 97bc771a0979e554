"""Who may call each automation operation: HQ operators and admins configure and run
automations (an hq_admin alone approves a points budget), partners with `events:write` record
member events, a member sets its own notification preferences. Another brand's admin acts in
its own brand only. Every refused call changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.automations.models import MemberEvent
from domain.notifications.models import NotificationPreference
from tests.authorization.conftest import CALLERS, denial_code
from tests.automations import support
from tests.automations.support import (
    APPROVE, AUTOMATIONS, NOTIFICATIONS, PREFERENCES, RECORD_EVENT, RUN, UPDATE_PREFERENCES, UPSERT,
    AutomationAction, AutomationTrigger, make_automation, registered,
)
from tests.factories import make_api_client, make_member
from tests.points.support import error_codes

ALL_CALLERS = (*CALLERS, "partner_events")
EXTRA_MODELS = (MemberEvent, NotificationPreference)


async def rows() -> dict:
    return {**await support.rows(), **{m.__name__: await m.all().order_by("id").values() for m in EXTRA_MODELS}}


@pytest.fixture
async def scene(world):
    world.tokens["partner_events"] = await make_api_client(world.admin, ["events:write"])
    # The API runs at the wall clock: a member who joined two days ago and never bought.
    world.newcomer = await make_member(world.brand, world.store_a, name="Newcomer")
    await registered(world.newcomer, datetime.now(UTC) - timedelta(days=2))
    world.tagging = await make_automation(world, trigger=AutomationTrigger.REGISTERED_NO_ORDER, days=1)
    world.granting = await make_automation(world, name="Points back", action=AutomationAction.GRANT_POINTS,
                                           points=10, points_budget=100)
    return world


UPSERT_INPUT = {"name": "Dormant", "trigger": "DORMANT_DAYS", "days": 30, "action": "ADD_TAG", "tag": "x",
                "period": "MONTHLY"}
CASES = {
    "upsertAutomation": (UPSERT, lambda w: UPSERT_INPUT, {"hq_operator", "hq_admin"}),
    "runAutomations": (RUN, lambda w: {"automationId": str(w.tagging.id)}, {"hq_operator", "hq_admin"}),
    "approveAutomationBudget": (APPROVE, lambda w: {"automationId": str(w.granting.id), "pointsBudget": 500},
                                {"hq_admin"}),
    "recordMemberEvent": (RECORD_EVENT, lambda w: {"memberId": str(w.member_a.id), "kind": "ORDER_DELIVERED",
                                                   "reference": "order-1"}, {"partner_events"}),
    "updateNotificationPreferences": (UPDATE_PREFERENCES, lambda w: {"smsOptOut": True}, {"member"}),
}
# Another brand's admin passes the role check but finds nothing of ours (or creates in its own brand).
OTHER_BRAND = {"upsertAutomation": [], "runAutomations": ["AUTOMATION_NOT_FOUND"],
               "approveAutomationBudget": ["AUTOMATION_NOT_FOUND"]}
MATRIX = [pytest.param(name, caller, id=f"{name}-{caller}-{'allowed' if caller in allowed else 'denied'}")
          for name, (_, _, allowed) in CASES.items() for caller in ALL_CALLERS]


@pytest.mark.parametrize(("mutation", "caller"), MATRIX)
async def test_automation_mutation_permission(gql, scene, mutation, caller):
    document, make_input, allowed = CASES[mutation]
    before = await rows()

    body = await gql(document, {"input": make_input(scene)}, token=scene.tokens[caller], expect_errors=True)

    if caller in allowed:
        assert not body.get("errors") and body["data"][mutation]["errors"] == [], body
        assert await rows() != before
    elif caller == "other_admin" and mutation in OTHER_BRAND:
        assert [e["code"] for e in body["data"][mutation]["errors"]] == OTHER_BRAND[mutation]
        assert ours(await rows(), scene) == ours(before, scene)
    else:
        assert error_codes(body) == [denial_code(caller)], body
        assert await rows() == before


def ours(snapshot: dict, world) -> dict:
    return {name: [r for r in table if r.get("brand_id", world.brand.id) == world.brand.id]
            for name, table in snapshot.items()}


HQ_READERS = {"hq_operator", "hq_admin", "other_admin"}


@pytest.mark.parametrize("caller", ALL_CALLERS)
async def test_automation_queries_permission(gql, scene, caller):
    await make_automation(scene, by=support.hq(scene.other_admin), name="theirs")

    automations = await gql(AUTOMATIONS, token=scene.tokens[caller], expect_errors=True)
    notifications = await gql(NOTIFICATIONS, token=scene.tokens[caller], expect_errors=True)
    preferences = await gql(PREFERENCES, {"memberId": str(scene.member_a.id)}, token=scene.tokens[caller],
                            expect_errors=True)

    if caller in HQ_READERS:
        names = [e["node"]["name"] for e in automations["data"]["automations"]["edges"]]
        assert sorted(names) == (["theirs"] if caller == "other_admin" else ["Points back", "Win back"])
        assert notifications["data"]["notifications"]["totalCount"] == 0
    else:
        assert error_codes(automations) == [denial_code(caller)]
        assert error_codes(notifications) == [denial_code(caller)]
    if caller in {"member", "hq_operator", "hq_admin"}:
        assert preferences["data"]["notificationPreferences"]["memberId"] == str(scene.member_a.id)
    elif caller == "other_admin":
        assert error_codes(preferences) == ["MEMBER_NOT_FOUND"]
    else:
        assert error_codes(preferences) == [denial_code(caller)]


async def test_a_member_cannot_read_another_members_preferences(gql, scene):
    body = await gql(PREFERENCES, {"memberId": str(scene.member_b.id)}, token=scene.tokens["member"],
                     expect_errors=True)

    assert error_codes(body) == ["FORBIDDEN"]


async def test_a_run_through_the_api_fires_and_reports(gql, scene):
    dry = await gql(RUN, {"input": {"automationId": str(scene.tagging.id), "dryRun": True}},
                    token=scene.tokens["hq_operator"])
    real = await gql(RUN, {"input": {"automationId": str(scene.tagging.id)}}, token=scene.tokens["hq_operator"])

    [dry_run] = dry["data"]["runAutomations"]["runs"]
    [run] = real["data"]["runAutomations"]["runs"]
    assert (dry_run["dryRun"], dry_run["candidates"], dry_run["fired"]) == (True, 1, 0)
    assert dry_run["sample"][0]["memberId"] == str(scene.newcomer.id)
    assert (run["candidates"], run["fired"], run["blocked"]) == (1, 1, None)
    again = await gql(RUN, {"input": {"automationId": str(scene.tagging.id)}}, token=scene.tokens["hq_admin"])
    assert again["data"]["runAutomations"]["runs"][0]["fired"] == 0
