"""What each action does when an automation fires: coupons through domain.coupons, points
through the ledger within an hq_admin-approved budget, tags, and notifications through the
outbox with their placeholders filled and members' opt-outs honoured. Upserts are audited."""

from __future__ import annotations

from datetime import timedelta

from domain.automations import service
from domain.automations.messages import values_for
from domain.automations.models import AutomationPeriod, Automation, AutomationAction as A, AutomationFiring, AutomationTrigger
from domain.automations.runner import run_automations
from domain.coupons import service as coupons
from domain.coupons.models import Coupon, CouponKind
from domain.notifications import preferences
from domain.notifications.models import Notification, NotificationChannel
from domain.points.models import LedgerKind, PointsAccount, PointsLedgerEntry, PointsLot
from franchise.errors import DomainError
from franchise.models import AuditEntry
from policies import Principal
from tests.automations.support import (
    NOTIFICATIONS, NOW, UPSERT, bought, coupon_template, dormant_world, make_automation, operator, registered,
)
from tests.automations.support import given as given_input
from tests.factories import hq, make_member


async def more_dormant(world, count: int) -> list:
    members = []
    for i in range(count):
        member = await make_member(world.brand, world.store_a, name=f"Dormant {i}")
        await registered(member, NOW - timedelta(days=365))
        await bought(world, member, NOW - timedelta(days=60), f"old-{i}")
        members.append(member)
    return members


async def test_issue_coupon_gives_each_dormant_member_one_coupon_once(world):
    await dormant_world(world)
    template = await coupon_template(world)
    automation = await make_automation(world, action=A.ISSUE_COUPON, coupon_template_id=template)

    for hours in (0, 1):
        await run_automations(await operator(world), now=NOW + timedelta(hours=hours))

    coupons = await Coupon.filter(template_id=template).values_list("member_id", "source")
    assert coupons == [(world.member_a.id, "AUTOMATION")]
    assert await AutomationFiring.filter(automation_id=automation.id).values_list("outcome", flat=True) == ["DONE"]


async def test_a_coupon_the_member_may_not_hold_is_recorded_as_the_firings_outcome(world):
    await dormant_world(world)
    template = await coupon_template(world, per_member_limit=1)
    from domain.coupons.service import issue_coupon_to_member
    await issue_coupon_to_member(brand_id=world.brand.id, member_id=world.member_a.id, template_id=template,
                                 source="HQ", idempotency_key="held", now=NOW)
    await make_automation(world, action=A.ISSUE_COUPON, coupon_template_id=template)

    [run] = await run_automations(hq(world.admin), now=NOW)
    [again] = await run_automations(hq(world.admin), now=NOW + timedelta(hours=1))

    assert (run.fired, run.failed, again.candidates) == (0, {"COUPON_LIMIT_REACHED": 1}, 0)
    assert await Coupon.filter(template_id=template).count() == 1


async def test_an_operators_grant_points_automation_waits_for_an_admins_approval(world):
    await dormant_world(world)
    automation = await make_automation(world, by=await operator(world), action=A.GRANT_POINTS, points=50,
                                       points_budget=1000)

    [waiting] = await run_automations(await operator(world), now=NOW)
    approved = await service.approve_budget(hq(world.admin), automation.id, 1000, now=NOW)
    [fired] = await run_automations(await operator(world), now=NOW)

    assert (waiting.blocked, waiting.fired) == ("BUDGET_NOT_APPROVED", 0)
    assert approved.budget_approved_by == f"staff:{world.admin.id}"
    assert (fired.blocked, fired.fired) == (None, 1)
    entry = await PointsLedgerEntry.get(member_id=world.member_a.id, kind=LedgerKind.REWARD)
    assert (entry.points, entry.actor) == (50, "automation")
    assert (await Automation.get(id=automation.id)).points_granted == 50


async def test_an_operator_changing_the_points_withdraws_the_approval(world):
    automation = await make_automation(world, action=A.GRANT_POINTS, points=50, points_budget=1000)
    assert automation.budget_approved_at is not None  # an hq_admin's own save approves

    changed = await service.upsert_automation(await operator(world), service.AutomationInput(
        name="Win back", trigger=automation.trigger, action=A.GRANT_POINTS, period=automation.period, days=30,
        points=500, points_budget=1000), automation_id=automation.id, now=NOW)

    assert (changed.budget_approved_at, changed.budget_approved_by) == (None, None)


async def test_an_operator_changing_who_or_how_often_withdraws_the_approval(world):
    automation = await make_automation(world, action=A.GRANT_POINTS, points=50, points_budget=1000)

    changed = await service.upsert_automation(await operator(world), service.AutomationInput(
        name="Win back", trigger=automation.trigger, action=A.GRANT_POINTS, period=AutomationPeriod.DAILY, days=30,
        points=50, points_budget=1000), automation_id=automation.id, now=NOW)

    assert automation.period is not AutomationPeriod.DAILY
    assert (changed.budget_approved_at, changed.budget_approved_by) == (None, None)


async def test_grants_stop_at_the_budget(world):
    await dormant_world(world)
    await more_dormant(world, 3)  # four dormant members in all
    automation = await make_automation(world, action=A.GRANT_POINTS, points=10, points_budget=25)

    [run] = await run_automations(hq(world.admin), now=NOW)

    assert (run.candidates, run.fired, run.blocked) == (4, 2, "BUDGET_EXHAUSTED")
    assert (await Automation.get(id=automation.id)).points_granted == 20
    assert await PointsLedgerEntry.filter(kind=LedgerKind.REWARD).count() == 2
    # the member the budget could not pay is not marked as fired: a bigger budget reaches it
    await service.approve_budget(hq(world.admin), automation.id, 40, now=NOW)
    [more] = await run_automations(hq(world.admin), now=NOW)
    assert more.fired == 2 and (await Automation.get(id=automation.id)).points_granted == 40


async def test_approving_needs_a_points_automation_and_a_budget_above_what_was_granted(world):
    tagging = await make_automation(world)
    granting = await make_automation(world, action=A.GRANT_POINTS, points=10, points_budget=100)
    await Automation.filter(id=granting.id).update(points_granted=60)

    for automation_id, budget, code in ((tagging.id, 100, "NOT_GRANTING_POINTS"), (granting.id, 50, "INVALID_AUTOMATION")):
        try:
            await service.approve_budget(hq(world.admin), automation_id, budget)
        except DomainError as error:
            assert error.code.value == code
        else:
            raise AssertionError("approved")


async def test_notify_fills_the_placeholders_and_writes_the_outbox(gql, world):
    await dormant_world(world)
    await make_automation(world, action=A.NOTIFY, channel=NotificationChannel.WECHAT,
                          message="{name}, you have {points} points at {brand}; {expiring_points} expire after "
                                  "{expiry_date}.")

    [run] = await run_automations(hq(world.admin), now=NOW)
    listed = await gql(NOTIFICATIONS, {"channel": "WECHAT"}, token=world.tokens["hq_operator"])

    balance = (await PointsAccount.get(member_id=world.member_a.id)).balance
    row = await Notification.get(member_id=world.member_a.id)
    assert run.fired == 1 and row.channel is NotificationChannel.WECHAT and row.kind == "AUTOMATION"
    assert row.payload["text"] == (f"Han Meimei, you have {balance} points at Acme; {balance} expire after "
                                   f"2027-12-06.")
    assert listed["data"]["notifications"]["totalCount"] == 1
    assert listed["data"]["notifications"]["edges"][0]["node"]["channel"] == "WECHAT"
    empty = await gql(NOTIFICATIONS, {"channel": "SMS"}, token=world.tokens["hq_operator"])
    assert empty["data"]["notifications"]["totalCount"] == 0


async def test_a_lot_already_due_is_not_named_as_expiring(world):
    await dormant_world(world)
    [lot] = await PointsLot.filter(member_id=world.member_a.id, remaining__gt=0)
    row = {"id": world.member_a.id, "name": "Han Meimei"}

    before = await values_for([row], template="{expiring_points} {expiry_date}", brand_name="Acme",
                              timezone="Asia/Shanghai", now=lot.expires_at - timedelta(seconds=1))
    after = await values_for([row], template="{expiring_points} {expiry_date}", brand_name="Acme",
                             timezone="Asia/Shanghai", now=lot.expires_at)

    assert before[world.member_a.id]["expiring_points"] == str(lot.remaining)
    assert (after[world.member_a.id]["expiring_points"], after[world.member_a.id]["expiry_date"]) == ("0", "")


async def test_an_unknown_placeholder_is_refused_at_upsert_and_nothing_is_saved(gql, world):
    body = await gql(UPSERT, {"input": {"name": "Hi", "trigger": "BIRTHDAY", "action": "NOTIFY", "period": "YEARLY",
                                        "message": "Happy birthday {nmae}!"}}, token=world.tokens["hq_operator"])
    braces = await gql(UPSERT, {"input": {"name": "Hi", "trigger": "BIRTHDAY", "action": "NOTIFY",
                                          "period": "YEARLY", "message": "Happy {name"}},
                       token=world.tokens["hq_operator"])

    assert [(e["code"], e["field"]) for e in body["data"]["upsertAutomation"]["errors"]] == [
        ("UNKNOWN_PLACEHOLDER", "message")]
    assert [e["code"] for e in braces["data"]["upsertAutomation"]["errors"]] == ["INVALID_AUTOMATION"]
    assert await Automation.all().count() == 0 and await AuditEntry.filter(object_type="Automation").count() == 0


async def test_opted_out_members_are_skipped_and_counted(world):
    await dormant_world(world)
    third, fourth = await more_dormant(world, 2)
    for member, changes in ((world.member_a, {"sms_opt_out": True}), (third, {"marketing_opt_out": True}),
                            (fourth, {"wechat_opt_out": True})):
        await preferences.update_preferences(Principal.member(member_id=member.id, brand_id=world.brand.id),
                                             **changes)
    marketing = await make_automation(world, name="sms offer", action=A.NOTIFY, channel=NotificationChannel.SMS,
                                      message="Come back, {name}", marketing=True)
    service_notice = await make_automation(world, name="sms notice", action=A.NOTIFY,
                                           channel=NotificationChannel.SMS, message="Your card", marketing=False)

    dry = await run_automations(hq(world.admin), automation_id=marketing.id, dry_run=True, now=NOW)
    runs = await run_automations(hq(world.admin), now=NOW)

    assert [(r.candidates, r.skipped_opt_out) for r in dry] == [(1, 2)]
    assert [(r.automation.id, r.fired, r.skipped_opt_out) for r in runs] == [
        (marketing.id, 1, 2), (service_notice.id, 2, 1)]
    notified = await Notification.filter(unique_key__startswith=f"automation:{marketing.id}:").values_list(
        "member_id", flat=True)
    assert notified == [fourth.id]  # opted out of WeChat only, so SMS still reaches it
    # a member who opts back in is reached by the next run of the same period
    await preferences.update_preferences(Principal.member(member_id=third.id, brand_id=world.brand.id),
                                         marketing_opt_out=False)
    [later] = await run_automations(hq(world.admin), automation_id=marketing.id, now=NOW + timedelta(hours=1))
    assert later.fired == 1


async def test_every_upsert_is_audited_before_and_after(world):
    automation = await make_automation(world, by=await operator(world))
    await service.upsert_automation(await operator(world), service.AutomationInput(
        name="Win back", trigger=automation.trigger, action=automation.action, period=automation.period, days=45,
        tag="win-back"), automation_id=automation.id, now=NOW)

    entries = await AuditEntry.filter(object_type="Automation").order_by("id").values("action", "changes", "actor_role")
    assert [e["action"] for e in entries] == ["automation.create", "automation.update"]
    assert entries[1]["changes"] == {"triggerParams": [{"days": 30}, {"days": 45}]}
    assert entries[1]["actor_role"] == "hq_operator"


async def test_trigger_and_action_inputs_are_checked(world):
    cases = [({"days": None}, "days"), ({"days": 0}, "days"), ({"period": "EVERY_N_DAYS"}, "periodDays"),
             ({"action": A.ISSUE_COUPON, "coupon_template_id": 999_999}, "couponTemplateId"),
             ({"action": A.GRANT_POINTS, "points": 10}, "pointsBudget"), ({"action": A.ADD_TAG, "tag": ""}, "tag")]
    from domain.automations.models import AutomationPeriod
    for changes, field in cases:
        if changes.get("period"):
            changes["period"] = AutomationPeriod(changes["period"])
        try:
            await make_automation(world, **changes)
        except DomainError as error:
            assert error.field == field, (changes, error.field)
        else:
            raise AssertionError(f"accepted {changes}")
    assert await Automation.all().count() == 0


async def test_the_api_reports_failures_by_reason(gql, world):
    from datetime import UTC, datetime

    from domain.coupons.service import issue_coupon_to_member
    from tests.automations.support import RUN

    await registered(world.member_a, datetime.now(UTC) - timedelta(days=2))
    await registered(world.member_b, datetime.now(UTC))
    template = await coupon_template(world, per_member_limit=1)
    await issue_coupon_to_member(brand_id=world.brand.id, member_id=world.member_a.id, template_id=template,
                                 source="HQ", idempotency_key="held", now=datetime.now(UTC))
    automation = await make_automation(world, trigger=AutomationTrigger.REGISTERED_NO_ORDER, days=1,
                                       action=A.ISSUE_COUPON, coupon_template_id=template)

    body = await gql(RUN, {"input": {"automationId": str(automation.id)}}, token=world.tokens["hq_operator"])

    [run] = body["data"]["runAutomations"]["runs"]
    assert (run["fired"], run["failed"], run["failures"]) == (0, 1, [{"reason": "COUPON_LIMIT_REACHED", "members": 1}])


async def test_another_brands_automation_or_coupon_template_is_not_found_and_nothing_changes(world):
    theirs = await make_automation(world, by=hq(world.other_admin), name="Theirs")
    their_template = (await coupons.create_coupon_template(hq(world.other_admin), coupons.TemplateInput(
        name="Theirs", kind=CouponKind.AMOUNT_OFF, amount_off="10", valid_days=30))).id

    for attempt, code, field in (
            (lambda: service.upsert_automation(hq(world.admin), given_input(name="Taken over"), automation_id=theirs.id,
                                               now=NOW), "AUTOMATION_NOT_FOUND", "id"),
            (lambda: make_automation(world, action=A.ISSUE_COUPON, coupon_template_id=their_template),
             "INVALID_AUTOMATION", "couponTemplateId")):
        try:
            await attempt()
        except DomainError as error:
            assert (error.code.value, error.field) == (code, field)
        else:
            raise AssertionError("accepted")

    assert (await Automation.get(id=theirs.id)).name == "Theirs"
    assert await Automation.filter(brand_id=world.brand.id).count() == 0
