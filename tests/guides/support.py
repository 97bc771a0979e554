"""Documents and set-up of the shopping-guide tests (fixtures: conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.guides.assignments import assign_guide
from domain.members.models import Member
from franchise.models import Staff
from policies import Principal, Role
from tests.factories import World, hq

ERRORS = "errors { code field message }"
ASSIGN = f"""mutation($input: AssignGuideInput!) {{ assignGuide(input: $input) {{
  guide {{ id name store {{ code }} }} assigned unchanged skipped skippedMemberIds {ERRORS} }} }}"""
TASKS = """query($guideId: ID, $first: Int = 20, $after: String) { guideTasks(guideId: $guideId, first: $first,
  after: $after) { totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node { member { id name } reason message nextLevel gap points coupons expiresAt
  lastPurchaseAt } } } }"""
COMPLETE = f"""mutation($input: CompleteGuideTaskInput!) {{ completeGuideTask(input: $input) {{
  followUp {{ id reason channel note completedAt guide {{ id }} }} {ERRORS} }} }}"""
SETTINGS = """{ guideSettings { nearTierPercent highPointsThreshold highPointsIdleDays pointsExpiringDays
  couponExpiringDays dormantDays cooldownDays } }"""
UPDATE_SETTINGS = f"""mutation($input: UpdateGuideSettingsInput!) {{ updateGuideSettings(input: $input) {{
  settings {{ dormantDays cooldownDays }} {ERRORS} }} }}"""
PERFORMANCE = """query($storeId: ID!, $from: Date!, $to: Date!) { guidePerformance(storeId: $storeId, from: $from,
  to: $to) { guideId guideName active salesAmount orderCount newMembers membersAssigned tasksCompleted } }"""
MEMBER_GUIDE = """query($id: ID!) { member(id: $id) { guide { id name store { code } }
  guideHistory { totalCount edges { node { assignedBy assignedByRole guide { id } previousGuide { id } } } } } }"""


@dataclass
class Guides:
    """The world plus its store staff by name: clerk_a is the guide of store A's members."""

    world: World
    clerk_a: Staff
    clerk_a2: Staff  # another clerk of store A, not the guide
    manager_a: Staff
    manager_b: Staff
    clerk_b: Staff

    def __getattr__(self, name):
        return getattr(self.world, name)


def as_staff(staff: Staff) -> Principal:
    return Principal.staff(staff_id=staff.id, brand_id=staff.brand_id, role=Role(staff.role), store_id=staff.store_id)


async def give_guide(g: Guides, guide: Staff, *members: Member) -> None:
    await assign_guide(hq(g.admin), guide_id=guide.id, member_ids=[m.id for m in members])
    for member in members:
        await member.refresh_from_db()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# Arranging a member's state at a given time, through the services that own it.

async def points_lot(member: Member, points: int, *, earned_at: datetime, expires_at: datetime) -> None:
    from domain import events
    from domain.points import ledger
    from domain.points.models import LedgerKind

    async with events.atomic():
        account = await ledger.lock_account(member.brand_id, member.id)
        await ledger.credit(account, points, kind=LedgerKind.EARN, expires_at=expires_at,
                            move=ledger.Movement(actor="test", occurred_at=earned_at, reason="arranged"))


async def redeem(member: Member, points: int, *, at: datetime) -> None:
    from domain import events
    from domain.points import ledger
    from domain.points.models import LedgerKind

    async with events.atomic():
        account = await ledger.lock_account(member.brand_id, member.id)
        await ledger.debit(account, points, kind=LedgerKind.REDEEM, now=at,
                           move=ledger.Movement(actor="test", occurred_at=at, reason="mall"))


async def purchase(g: Guides, member: Member, order_id: str, amount: str, *, at: datetime | None = None,
                   store=None, guide_id: int | None = None, principal: Principal | None = None):
    from domain.points.purchases import Channel, record_purchase

    return await record_purchase(principal or hq(g.admin), member_id=member.id, store_id=(store or g.store_a).id,
                                 amount=amount, order_id=order_id, channel=Channel.STORE, occurred_at=at,
                                 guide_id=guide_id)


async def enrolled_on(member: Member, moment: datetime) -> None:
    await Member.filter(id=member.id).update(created_at=moment)
