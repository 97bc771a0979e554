"""HQ admin's manual point changes: a reason, an idempotency key, an audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from domain import events

from domain.members.errors import MemberErrorCode
from domain.members.models import Member
from domain.points import ledger, rules as points_rules
from domain.points.errors import PointsErrorCode
from domain.points.models import LedgerKind, PointsLedgerEntry
from franchise import audit, validation
from franchise.errors import DomainError, invalid
from policies import Principal, authorize


@dataclass
class Adjustment:
    entry: PointsLedgerEntry
    balance: int
    replayed: bool


async def adjust_points(principal: Principal, *, member_id: int, delta: int, reason: str,
                        idempotency_key: str, now: datetime | None = None) -> Adjustment:
    authorize(principal, "points", "adjust")
    reason = validation.text(reason, "reason", max_length=200)
    key = f"adjust:{validation.text(idempotency_key, 'idempotencyKey', max_length=100)}"
    if delta == 0 or abs(delta) > 10_000_000:
        raise invalid("An adjustment is a non-zero number of points up to 10,000,000.", "delta")
    member = await Member.filter(id=member_id, brand_id=principal.brand_id).first()
    if member is None:
        raise DomainError(MemberErrorCode.MEMBER_NOT_FOUND, "No such member.", "memberId")
    now = now or datetime.now(timezone.utc)
    rules = await points_rules.current_rules(principal.brand_id)
    async with events.atomic():
        account = await ledger.lock_account(principal.brand_id, member.id)
        done = await PointsLedgerEntry.filter(brand_id=principal.brand_id, idempotency_key=key).first()
        if done is not None:
            if done.member_id != member.id or done.points != abs(delta):
                raise DomainError(PointsErrorCode.IDEMPOTENCY_CONFLICT, "This key was used for another adjustment.", "idempotencyKey")
            return Adjustment(done, account.balance, replayed=True)
        move = ledger.Movement(actor=audit.actor_of(principal), occurred_at=now, rule_version=rules.version,
                               reason=reason, idempotency_key=key)
        if delta > 0:
            zone = await points_rules.brand_timezone(principal.brand_id)
            entry = await ledger.credit(account, delta, kind=LedgerKind.ADJUST,
                                        expires_at=points_rules.expires_at(rules, now, zone), move=move)
        else:
            entry = await ledger.debit(account, -delta, kind=LedgerKind.ADJUST, move=move, now=now)
        await audit.record(principal, brand_id=principal.brand_id, action="points.adjust", object_type="Member",
                           object_id=member.id, changes={"points": [None, delta], "reason": reason},
                           store_id=member.home_store_id)
        return Adjustment(entry, account.balance, replayed=False)
