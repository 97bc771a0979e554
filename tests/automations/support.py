"""Documents, a controlled clock and set-up helpers of the automation tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from domain.automations import service
from domain.automations.models import (  # noqa: F401 (AutomationAction re-exported)
    Automation, AutomationAction, AutomationFiring, AutomationPeriod, AutomationTrigger,
)
from domain.automations.member_events import record_member_event
from domain.automations.models import MemberEventKind
from domain.automations.runner import run_automations
from domain.coupons import service as coupons
from domain.coupons.models import Coupon, CouponKind
from domain.members.models import Member, MemberTag
from domain.notifications.models import Notification
from domain.points.models import PointsLedgerEntry
from domain.points.purchases import Channel, record_purchase
from franchise.models import AuditEntry, Staff
from policies import Principal, Role
from tests.factories import hq  # noqa: F401 (re-exported for the tests)

# 10:00 in Asia/Shanghai, the brands' zone: the clock every service here is given.
NOW = datetime(2027, 1, 15, 2, tzinfo=UTC)
ERRORS = "errors { code field message }"
AUTOMATION_FIELDS = ("id name trigger action period periodDays days gap eventKind afterEventKind withinHours "
                     "delayHours couponTemplateId points pointsBudget pointsGranted budgetApprovedAt tag channel "
                     "message marketing active")
UPSERT = f"""mutation($input: UpsertAutomationInput!) {{ upsertAutomation(input: $input) {{
  automation {{ {AUTOMATION_FIELDS} }} {ERRORS} }} }}"""
APPROVE = f"""mutation($input: ApproveAutomationBudgetInput!) {{ approveAutomationBudget(input: $input) {{
  automation {{ id pointsBudget budgetApprovedAt }} {ERRORS} }} }}"""
RUN = f"""mutation($input: RunAutomationsInput!) {{ runAutomations(input: $input) {{
  runs {{ automation {{ id }} dryRun periodKey candidates skippedOptOut fired failed failures {{ reason members }} blocked
    sample {{ memberId name maskedPhone }} }} {ERRORS} }} }}"""
AUTOMATIONS = "{ automations { totalCount edges { node { id name trigger } } } }"
RECORD_EVENT = f"""mutation($input: RecordMemberEventInput!) {{ recordMemberEvent(input: $input) {{
  event {{ id memberId kind reference occurredAt }} replayed {ERRORS} }} }}"""
UPDATE_PREFERENCES = f"""mutation($input: UpdateNotificationPreferencesInput!) {{
  updateNotificationPreferences(input: $input) {{
    preferences {{ memberId smsOptOut wechatOptOut appPushOptOut marketingOptOut }} {ERRORS} }} }}"""
PREFERENCES = """query($memberId: ID) { notificationPreferences(memberId: $memberId) {
  memberId smsOptOut wechatOptOut appPushOptOut marketingOptOut } }"""
NOTIFICATIONS = """query($channel: NotificationChannel, $status: NotificationStatus, $kind: String) {
  notifications(channel: $channel, status: $status, kind: $kind) {
    totalCount edges { node { memberId kind channel status payload } } } }"""

DORMANT = service.AutomationInput(name="Win back", trigger=AutomationTrigger.DORMANT_DAYS, days=30,
                                  action=AutomationAction.ADD_TAG, tag="win-back", period=AutomationPeriod.MONTHLY)
# Every table a run could change.
MODELS = (Automation, AutomationFiring, Coupon, MemberTag, Notification, PointsLedgerEntry, AuditEntry)


def given(**changes) -> service.AutomationInput:
    return replace(DORMANT, **changes)


async def operator(world) -> Principal:
    staff = await Staff.get(brand_id=world.brand.id, role=Role.HQ_OPERATOR.value)
    return Principal.staff(staff_id=staff.id, brand_id=world.brand.id, role=Role.HQ_OPERATOR, store_id=None)


async def make_automation(world, *, by: Principal | None = None, **changes) -> Automation:
    return await service.upsert_automation(by or hq(world.admin), given(**changes), now=NOW)


async def registered(member: Member, at: datetime) -> None:
    await Member.filter(id=member.id).update(created_at=at)


async def bought(world, member: Member, at: datetime, order_id: str, amount: str = "100") -> None:
    await record_purchase(hq(world.admin), member_id=member.id, store_id=member.home_store_id, amount=amount,
                          order_id=order_id, channel=Channel.POS, occurred_at=at)


async def dormant_world(world) -> None:
    """member_a bought 40 days ago (dormant at 30 days), member_b 5 days ago (active); both joined
    a year ago. The other brand's member is dormant too, and never ours to hit."""
    for member in (world.member_a, world.member_b, world.other_member):
        await registered(member, NOW - timedelta(days=365))
    await bought(world, world.member_a, NOW - timedelta(days=40), "o-a")
    await bought(world, world.member_b, NOW - timedelta(days=5), "o-b")


async def coupon_template(world, **changes) -> int:
    data = coupons.TemplateInput(name="Come back", kind=CouponKind.AMOUNT_OFF, amount_off="10", valid_days=30)
    for name, value in changes.items():
        setattr(data, name, value)
    return (await coupons.create_coupon_template(hq(world.admin), data)).id


async def rows() -> dict:
    return {m.__name__: await m.all().order_by("id").values() for m in MODELS}


def partner(world, brand=None) -> Principal:
    """A partner app of the brand holding `events:write`."""
    return Principal.api_client(api_client_id=1, brand_id=(brand or world.brand).id,
                                scopes=frozenset({"events:write"}), store_ids=frozenset())


async def event(world, member: Member, kind: str, reference: str, at: datetime) -> None:
    await record_member_event(partner(world), member_id=member.id, kind=MemberEventKind(kind), reference=reference,
                              occurred_at=at, now=NOW)


async def hit(world, **changes) -> list[int]:
    """The members an automation would hit now (a dry run's sample), in id order."""
    automation = await make_automation(world, **changes)
    [run] = await run_automations(hq(world.admin), automation_id=automation.id, dry_run=True, now=NOW)
    return [s.member_id for s in run.sample]
