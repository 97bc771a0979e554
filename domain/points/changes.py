"""Who may follow a member's points balance as it changes: whoever may read the member's points."""

from __future__ import annotations

from collections.abc import AsyncIterator

from domain import events
from domain.members import access
from domain.members.errors import MemberErrorCode
from domain.members.models import Member
from domain.points.models import PointsAccount
from franchise.errors import DomainError
from policies import Principal


async def watch_points_balance(principal: Principal, member_id: int) -> AsyncIterator[events.BalanceChanged]:
    """The member itself, its home store's staff, HQ and partners that read members (the rules of
    `Member.points`). Checked when called, so a refusal comes before any stream is set up."""
    member = await Member.filter(id=member_id, brand_id=principal.brand_id).first()
    if access.check_member_readable(principal, member) is None:
        raise DomainError(MemberErrorCode.MEMBER_NOT_FOUND, "No such member.", "memberId")

    async def current_balance() -> int:
        account = await PointsAccount.filter(member_id=member.id).first()
        return account.balance if account else 0

    return events.balance_changes("points", member.brand_id, member.id, current_balance)
