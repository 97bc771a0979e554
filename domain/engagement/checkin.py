"""Daily check-in (签到): once per local day in the brand's time zone, the CHECK_IN points of
the rules, a streak bonus every `streak_days` days in a row, optionally at a store (到店签到)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError

from domain import events
from domain.engagement.activities import acting_member, add_growth, credit_activity
from domain.engagement.models import CheckIn
from domain.engagement.settings import brand_settings
from domain.points import ledger, rules as points_rules
from domain.points.models import LedgerKind
from franchise import audit
from franchise.errors import DomainError, FranchiseErrorCode
from franchise.models import Store
from policies import Principal


@dataclass
class CheckInResult:
    check_in: CheckIn
    balance: int
    replayed: bool  # the member had checked in today already


async def check_in(principal: Principal, *, store_id: int | None = None, now: datetime | None = None) -> CheckInResult:
    member = await acting_member(principal, None, "check_in")
    if store_id is not None and not await Store.filter(id=store_id, brand_id=member.brand_id, active=True).exists():
        raise DomainError(FranchiseErrorCode.STORE_NOT_FOUND, "No such store.", "storeId")
    now = now or datetime.now(UTC)
    rules = await points_rules.current_rules(member.brand_id)
    zone = await points_rules.brand_timezone(member.brand_id)
    settings = await brand_settings(member.brand_id)
    day = now.astimezone(ZoneInfo(zone)).date()
    actor = audit.actor_of(principal)
    try:
        async with events.atomic():
            # The account lock serialises a member's check-ins; the unique (member, day) backs it.
            account = await ledger.lock_account(member.brand_id, member.id)
            today = await CheckIn.filter(member_id=member.id, day=day).first()
            if today is not None:
                return CheckInResult(today, account.balance, replayed=True)
            yesterday = await CheckIn.filter(member_id=member.id, day=day - timedelta(days=1)).first()
            streak = yesterday.streak + 1 if yesterday else 1
            earned = await credit_activity(account, activity="CHECK_IN", reference=f"day:{day.isoformat()}",
                                           at=now, rules=rules, zone=zone, actor=actor, store_id=store_id)
            bonus = settings.streak_bonus if settings.streak_bonus and streak % settings.streak_days == 0 else 0
            if bonus:
                await ledger.credit(account, bonus, kind=LedgerKind.ACTIVITY,
                                    expires_at=points_rules.expires_at(rules, now, zone),
                                    move=ledger.Movement(actor=actor, occurred_at=now, store_id=store_id,
                                                         rule_version=rules.version,
                                                         reason=f"CHECK_IN streak of {streak} days"))
                await add_growth(account, bonus, at=now, rules=rules, zone=zone, actor=actor, program=None)
            row = await CheckIn.create(brand_id=member.brand_id, member_id=member.id, day=day, store_id=store_id,
                                       streak=streak, points=earned.points, bonus=bonus)
            return CheckInResult(row, account.balance, replayed=False)
    except IntegrityError:
        # The account row was created by a concurrent first check-in: it holds today's row.
        row = await CheckIn.filter(member_id=member.id, day=day).first()
        if row is None:
            raise
        account = await ledger.PointsAccount.get(member_id=member.id)
        return CheckInResult(row, account.balance, replayed=True)
