"""Completing a guide task: the contact is recorded (guide, member, reason, channel, note,
time), and the task leaves the list for its reason during the brand's cool-down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from domain.guides.assignments import effective_guide_id
from domain.guides.errors import GuideErrorCode
from domain.guides.models import ContactChannel, GuideFollowUp, TaskReason
from domain.members.errors import MemberErrorCode
from domain.members.models import Member
from franchise import audit, validation
from franchise.errors import DomainError
from franchise.models import Staff
from policies import NotAuthorized, Principal, PrincipalKind, Role, authorize, store_scope

SAME_CONTACT = timedelta(minutes=10)


async def complete_task(principal: Principal, *, member_id: int, reason: TaskReason, channel: ContactChannel,
                        note: str | None = None, now: datetime | None = None) -> GuideFollowUp:
    """The member's guide records its contact; its store manager or HQ may record it for the
    guide. The follow-up is credited to the member's current guide."""
    authorize(principal, "guide.task", "complete")
    if principal.kind is not PrincipalKind.STAFF:
        raise NotAuthorized()
    note = validation.text(note, "note", max_length=500, required=False) or ""
    member = await Member.filter(id=member_id, brand_id=principal.brand_id).first()
    scope = store_scope(principal)
    if scope is not None and (member is None or member.home_store_id not in scope):
        raise NotAuthorized()
    if member is None:
        raise DomainError(MemberErrorCode.MEMBER_NOT_FOUND, "No such member.", "memberId")
    guide = await Staff.filter(id=member.guide_id).first() if member.guide_id else None
    guide_id = effective_guide_id(member, guide)
    if principal.role is Role.STORE_CLERK and guide_id != principal.staff_id:
        raise NotAuthorized()  # a clerk completes the tasks of its own members only
    if guide_id is None:
        raise DomainError(GuideErrorCode.NO_GUIDE, "The member has no guide at its home store.", "memberId")
    now = now or datetime.now(UTC)
    async with in_transaction():
        # A double tap or a client's retry records one contact: the member's row lock orders them
        # and the second finds the first. A later contact for the same reason is a new one.
        await Member.filter(id=member.id).select_for_update().first()
        done = await GuideFollowUp.filter(member_id=member.id, guide_id=guide_id, reason=reason,
                                          completed_at__gt=now - SAME_CONTACT).order_by("-completed_at").first()
        if done is not None:
            return done
        return await GuideFollowUp.create(
            brand_id=member.brand_id, member_id=member.id, guide_id=guide_id, store_id=member.home_store_id,
            reason=reason, channel=channel, note=note, recorded_by=audit.actor_of(principal), completed_at=now,
        )
