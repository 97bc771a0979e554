"""Partner events about a member (cart abandoned, order delivered, reviewed, page viewed):
recorded once per (brand, kind, reference), read by EVENT and EVENT_ABSENT triggers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain.automations.errors import AutomationErrorCode
from domain.automations.models import MemberEvent, MemberEventKind
from domain.members.errors import MemberErrorCode
from domain.members.models import Member
from franchise import audit, validation
from franchise.errors import DomainError
from policies import NotAuthorized, Principal, PrincipalKind, authorize

# A partner may report late, never from the future (beyond clock skew).
CLOCK_SKEW = timedelta(minutes=5)
OLDEST = timedelta(days=365)


@dataclass
class Recorded:
    event: MemberEvent
    replayed: bool


async def record_member_event(principal: Principal, *, member_id: int, kind: MemberEventKind, reference: str,
                              occurred_at: datetime | None = None, now: datetime | None = None) -> Recorded:
    """Idempotent: the same (kind, reference) again returns the first event, changed nothing."""
    authorize(principal, "member_event", "record")
    if principal.kind is not PrincipalKind.API_CLIENT:
        raise NotAuthorized()  # partners report what happened in their apps; staff do not make it up
    now = (now or datetime.now(UTC)).astimezone(UTC)
    reference = validation.text(reference, "reference", max_length=128)
    occurred_at = (occurred_at or now)
    if occurred_at.tzinfo is None:
        occurred_at = occurred_at.replace(tzinfo=UTC)
    occurred_at = occurred_at.astimezone(UTC)
    if occurred_at > now + CLOCK_SKEW or occurred_at < now - OLDEST:
        raise DomainError(AutomationErrorCode.INVALID_EVENT, "An event happened within the last year, not later "
                          "than now.", "occurredAt")
    member = await Member.filter(id=member_id, brand_id=principal.brand_id).first()
    confined = principal.allowed_store_ids
    if confined is not None and (member is None or member.home_store_id not in confined):
        raise NotAuthorized()  # a store-limited partner reports its stores' members only (never says which exist)
    if member is None:
        raise DomainError(MemberErrorCode.MEMBER_NOT_FOUND, "No such member.", "memberId")
    existing = await MemberEvent.filter(brand_id=principal.brand_id, kind=kind, reference=reference).first()
    if existing is None:
        try:
            async with in_transaction():
                event = await MemberEvent.create(brand_id=principal.brand_id, member_id=member.id, kind=kind,
                                                 reference=reference, occurred_at=occurred_at,
                                                 recorded_by=audit.actor_of(principal))
            return Recorded(event, replayed=False)
        except IntegrityError:  # the same event, sent twice at once
            existing = await MemberEvent.get(brand_id=principal.brand_id, kind=kind, reference=reference)
    if existing.member_id != member.id:
        raise DomainError(AutomationErrorCode.INVALID_EVENT, "This reference was reported for another member.",
                          "reference")
    return Recorded(existing, replayed=True)
