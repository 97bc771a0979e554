"""What the wallet services share: the member in the caller's brand, the clock."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.members.errors import MemberErrorCode
from domain.members.models import Member
from franchise.errors import DomainError
from policies import Principal


def now_utc(now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


async def brand_member(principal: Principal, member_id: int) -> Member:
    # One card, every store: any store of the brand serves any of its members.
    member = await Member.filter(id=member_id, brand_id=principal.brand_id).first()
    if member is None:
        raise DomainError(MemberErrorCode.MEMBER_NOT_FOUND, "No such member.", "memberId")
    return member
