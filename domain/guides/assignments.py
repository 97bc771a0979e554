"""Assigning a member's guide: a staff member (store clerk or manager) of the member's home
store. A store manager assigns its own store's guides to its own store's members; HQ any
store, also in bulk by saved segment. Every change leaves a history row (who, when, from whom).

When a guide is deactivated or moves to another store, and when a member moves to another
home store, nothing is rewritten: the assignment and its history stay, but the guide is no
longer *effective* (see `effective_guide_id`): `Member.guide` reads null, the member leaves the
guide's task list and its purchases are no longer credited to that guide. A manager (or HQ)
assigns a new guide; re-activating the staff member at the same store revives the assignment."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain import events
from domain.guides.errors import GuideErrorCode
from domain.guides.models import GuideAssignment
from domain.guides.segments import segment_member_query
from domain.members.errors import MemberErrorCode
from domain.members.models import Member
from franchise import audit
from franchise.errors import DomainError, FranchiseErrorCode
from franchise.models import Staff
from policies import NotAuthorized, Principal, Role, authorize, authorize_store, store_scope

MAX_MEMBERS = 500  # by ids in one call; a segment has no limit
GUIDE_ROLES = (Role.STORE_CLERK.value, Role.STORE_MANAGER.value)
SKIPPED_SHOWN = 1000


@dataclass
class AssignmentResult:
    guide: Staff | None
    assigned: int = 0  # members whose guide changed
    unchanged: int = 0  # members who already had this guide
    skipped: int = 0  # segment members of another home store than the guide's
    skipped_member_ids: list[int] = field(default_factory=list)  # the first SKIPPED_SHOWN of them


def is_guide_of(guide: Staff | None, store_id: int) -> bool:
    """Whether `guide` may serve members of (or be credited with sales at) `store_id` now."""
    return guide is not None and guide.active and guide.role in GUIDE_ROLES and guide.store_id == store_id


def effective_guide_id(member: Member, guide: Staff | None) -> int | None:
    """The member's guide if it is still active staff of the member's home store, else None."""
    if member.guide_id is None or guide is None or guide.id != member.guide_id:
        return None
    return guide.id if is_guide_of(guide, member.home_store_id) else None


async def find_guide(principal: Principal, guide_id: int, field_name: str = "guideId") -> Staff:
    """An active store staff member of the caller's brand; a store-confined caller names its own store's."""
    guide = await Staff.filter(id=guide_id, brand_id=principal.brand_id, active=True,
                               role__in=GUIDE_ROLES).first()
    if guide is None:
        if store_scope(principal) is not None:
            raise NotAuthorized()  # a store role learns nothing about other stores' staff
        raise DomainError(GuideErrorCode.GUIDE_NOT_FOUND, "No active store staff member with this id.", field_name)
    authorize_store(principal, guide.store_id)
    return guide


async def _members_by_ids(principal: Principal, member_ids: list[int]) -> list[Member]:
    ids = sorted(set(member_ids))
    if not ids:
        raise DomainError(FranchiseErrorCode.REQUIRED, "Name at least one member.", "memberIds")
    if len(ids) > MAX_MEMBERS:
        raise DomainError(GuideErrorCode.TOO_MANY_MEMBERS, f"At most {MAX_MEMBERS} members at once.", "memberIds")
    # Locked in id order: two assignments of overlapping members serialise without deadlock.
    members = await Member.filter(id__in=ids, brand_id=principal.brand_id).select_for_update().order_by("id")
    scope = store_scope(principal)
    if scope is not None and (len(members) != len(ids) or any(m.home_store_id not in scope for m in members)):
        raise NotAuthorized()  # also for a missing member: a denial never tells what exists
    if len(members) != len(ids):
        raise DomainError(MemberErrorCode.MEMBER_NOT_FOUND, "No such member.", "memberIds")
    return members


async def _apply(principal: Principal, members: list[Member], guide: Staff | None, result: AssignmentResult,
                 segment_id: int | None = None) -> None:
    """One UPDATE for the members that change, one INSERT of their history rows."""
    target = guide.id if guide else None
    changing = [m for m in members if m.guide_id != target]
    result.unchanged += len(members) - len(changing)
    result.assigned += len(changing)
    if not changing:
        return
    await Member.filter(id__in=[m.id for m in changing]).update(guide_id=target)
    actor, role = audit.actor_of(principal), audit.role_of(principal)
    await GuideAssignment.bulk_create([
        GuideAssignment(brand_id=m.brand_id, member_id=m.id, guide_id=target, previous_guide_id=m.guide_id,
                        store_id=m.home_store_id, assigned_by=actor, assigned_by_role=role, segment_id=segment_id)
        for m in changing
    ])


async def assign_guide(principal: Principal, *, guide_id: int | None, member_ids: list[int] | None = None,
                       segment_id: int | None = None) -> AssignmentResult:
    """Assign `guide_id` (None: unassign) to the named members, all of the guide's store (else
    nothing changes), or to the members of a saved segment whose home store is the guide's
    (the others are reported as skipped; HQ only)."""
    authorize(principal, "guide", "assign")
    if (member_ids is None) == (segment_id is None):
        raise DomainError(FranchiseErrorCode.INVALID_INPUT, "Name the members or a segment (one of them).",
                          "memberIds")
    guide = await find_guide(principal, guide_id) if guide_id is not None else None
    result = AssignmentResult(guide=guide)
    async with events.atomic():
        if segment_id is not None:
            await _assign_segment(principal, guide, segment_id, result)
        else:
            members = await _members_by_ids(principal, member_ids or [])
            if guide is not None and any(m.home_store_id != guide.store_id for m in members):
                raise DomainError(GuideErrorCode.GUIDE_NOT_OF_STORE,
                                  "A guide serves members of its own store: every member's home store must be "
                                  "the guide's store.", "memberIds")
            await _apply(principal, members, guide, result)
    return result


async def _assign_segment(principal: Principal, guide: Staff | None, segment_id: int,
                          result: AssignmentResult) -> None:
    if store_scope(principal) is not None:
        raise NotAuthorized()  # bulk by segment is HQ's
    if guide is None:
        raise DomainError(GuideErrorCode.GUIDE_NOT_FOUND, "Name the guide to assign a segment to.", "guideId")
    query = await segment_member_query(principal, segment_id)
    skipped = query.exclude(home_store_id=guide.store_id)
    result.skipped = await skipped.count()
    result.skipped_member_ids = list(await skipped.order_by("id").limit(SKIPPED_SHOWN).values_list("id", flat=True))
    members = await query.filter(home_store_id=guide.store_id).select_for_update().order_by("id")
    await _apply(principal, list(members), guide, result, segment_id=segment_id)


def history_query(principal: Principal, member: Member):
    """A member's guide changes, newest first, for whoever may read the member."""
    return GuideAssignment.filter(brand_id=principal.brand_id, member_id=member.id)
