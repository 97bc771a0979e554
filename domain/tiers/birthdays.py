"""Birthday rewards: each tier level's birthday points, once a year, on the member's birthday
in the brand's time zone (29 February counts on 28 February in other years)."""

from __future__ import annotations

import calendar
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain import events

from domain.members.models import Member
from domain.points import ledger, rules as points_rules
from domain.points.models import LedgerKind, PointsLedgerEntry
from domain.tiers.models import MemberTier, TierProgram
from domain.tiers.service import levels_of
from franchise.models import Brand

JOB_ACTOR = "job:birthday-rewards"


def _celebrates(birthday: date, today: date) -> bool:
    if (birthday.month, birthday.day) == (today.month, today.day):
        return True
    leap_day = (birthday.month, birthday.day) == (2, 29)
    return leap_day and not calendar.isleap(today.year) and (today.month, today.day) == (2, 28)


async def grant_birthday_rewards(now: datetime, *, brand_id: int | None = None) -> int:
    """Credit today's birthday points; returns how many members got them. Safe to run twice or
    in two processes: the ledger's idempotency key (one per member and year) decides."""
    granted = 0
    programs = TierProgram.all() if brand_id is None else TierProgram.filter(brand_id=brand_id)
    for program in await programs:
        brand = await Brand.get(id=program.brand_id)
        today = now.astimezone(ZoneInfo(brand.timezone)).date()
        gifts = {lv.level: lv.birthday_points for lv in levels_of(program) if lv.birthday_points > 0}
        if not gifts:
            continue
        standings = {row.member_id: row.level for row in await MemberTier.filter(
            brand_id=brand.id, level__in=list(gifts))}
        members = await Member.filter(id__in=list(standings), birthday__isnull=False)
        rules = await points_rules.current_rules(brand.id)
        for member in members:
            if not _celebrates(member.birthday, today):
                continue
            key = f"birthday:{member.id}:{today.year}"
            async with events.atomic():
                account = await ledger.lock_account(brand.id, member.id)
                if await PointsLedgerEntry.filter(brand_id=brand.id, idempotency_key=key).exists():
                    continue
                await ledger.credit(
                    account, gifts[standings[member.id]], kind=LedgerKind.EARN,
                    expires_at=points_rules.expires_at(rules, now, brand.timezone),
                    move=ledger.Movement(actor=JOB_ACTOR, occurred_at=now, rule_version=rules.version,
                                         reason=f"birthday reward {today.year}", idempotency_key=key),
                )
                granted += 1
    return granted
