"""Who may follow a member's wallet balance as it changes: whoever may read the member (the
rules of `Member.wallet`, as `Member.points` for the points balance)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from domain import events
from domain.members import access
from domain.members.errors import MemberErrorCode
from domain.members.models import Member
from domain.wallet.models import Wallet
from franchise.errors import DomainError
from policies import Principal


async def watch_wallet_balance(principal: Principal, member_id: int) -> AsyncIterator[events.BalanceChanged]:
    """Checked when called, so a refusal comes before any stream is set up. Balances are minor
    units: principal + bonus, whatever store the bonus is usable at."""
    member = await Member.filter(id=member_id, brand_id=principal.brand_id).first()
    if access.check_member_readable(principal, member) is None:
        raise DomainError(MemberErrorCode.MEMBER_NOT_FOUND, "No such member.", "memberId")

    async def current_balance() -> int:
        wallet = await Wallet.filter(member_id=member.id).first()
        return wallet.principal_minor + wallet.bonus_minor if wallet else 0

    return events.balance_changes("wallet", member.brand_id, member.id, current_balance)
