"""Activities that earn (check-in, share, referral, post, comment, review): HQ's points per
activity within its daily cap, once per reference. Growth value in GROWTH tier mode."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from tortoise.functions import Sum

from domain import events
from domain.engagement.errors import EngagementErrorCode
from domain.engagement.models import ActivityRecord
from domain.members.errors import MemberErrorCode
from domain.members.models import Member
from domain.points import ledger, rules as points_rules
from domain.points.models import LedgerKind, PointsAccount, PointsRules
from domain.tiers import service as tiers
from domain.tiers.models import TierProgram
from franchise import audit, validation
from franchise.errors import DomainError
from policies import NotAuthorized, Principal, PrincipalKind, authorize

# What recordActivity accepts; CHECK_IN has its own operation (once a day, streaks).
RECORDABLE = ("SHARE", "REFERRAL", "POST", "COMMENT", "REVIEW")


@dataclass
class Earned:
    record: ActivityRecord
    points: int
    balance: int
    replayed: bool


async def credit_activity(account: PointsAccount, *, activity: str, reference: str, at: datetime,
                          rules: PointsRules, zone: str, actor: str, store_id: int | None = None,
                          program: TierProgram | None = None) -> Earned:
    """Inside a transaction holding the member's locked account: the rule's points for the
    activity, cut to what its daily cap (0: none) still allows on the local day of `at`."""
    existing = await ActivityRecord.filter(member_id=account.member_id, activity=activity,
                                           reference=reference).first()
    if existing is not None:
        return Earned(existing, existing.points, account.balance, replayed=True)
    setting = rules.activity_points.get(activity) or {"points": 0, "daily_cap": 0}
    day = at.astimezone(ZoneInfo(zone)).date()
    points = int(setting["points"])
    if setting["daily_cap"] and points:
        today = await ActivityRecord.filter(member_id=account.member_id, activity=activity, day=day).annotate(
            total=Sum("points")).values_list("total", flat=True)
        already = int(today[0] or 0) if today else 0
        points = max(0, min(points, int(setting["daily_cap"]) - already))
    record = await ActivityRecord.create(brand_id=account.brand_id, member_id=account.member_id, activity=activity,
                                         reference=reference, day=day, points=points, actor=actor)
    if points:
        await ledger.credit(account, points, kind=LedgerKind.ACTIVITY,
                            expires_at=points_rules.expires_at(rules, at, zone),
                            move=ledger.Movement(actor=actor, occurred_at=at, store_id=store_id,
                                                 rule_version=rules.version, reason=f"{activity} {reference}"))
        await add_growth(account, points, at=at, rules=rules, zone=zone, actor=actor, program=program)
    return Earned(record, points, account.balance, replayed=False)


async def add_growth(account: PointsAccount, value: int, *, at: datetime, rules: PointsRules, zone: str,
                     actor: str, program: TierProgram | None) -> None:
    """Activities add growth value in GROWTH tier mode (one per point earned); a level
    reached this way lifts the member at once with its welcome points."""
    program = program or await TierProgram.filter(brand_id=account.brand_id).first()
    upgrade = await tiers.qualify(account.brand_id, account.member_id, spend_minor=0, at=at, program=program,
                                  growth=value)
    if upgrade is not None and upgrade.welcome_points:
        await ledger.credit(account, upgrade.welcome_points, kind=LedgerKind.EARN,
                            expires_at=points_rules.expires_at(rules, at, zone),
                            move=ledger.Movement(actor=actor, occurred_at=at, rule_version=rules.version,
                                                 reason=f"welcome to tier level {upgrade.new_level}"))


async def acting_member(principal: Principal, member_id: int | None, action: str,
                        partners_too: bool = False) -> Member:
    """A member acts for itself; a partner (where allowed) names the member of its brand.
    Staff do not act for members here, whatever their role."""
    authorize(principal, "engagement", action)
    if principal.kind is not PrincipalKind.MEMBER and not (partners_too and principal.kind is PrincipalKind.API_CLIENT):
        raise NotAuthorized()
    if principal.kind is PrincipalKind.MEMBER:
        if member_id is not None and member_id != principal.member_id:
            raise NotAuthorized()
        member_id = principal.member_id
    if member_id is None:
        raise DomainError(MemberErrorCode.MEMBER_NOT_FOUND, "Name the member.", "memberId")
    member = await Member.filter(id=member_id, brand_id=principal.brand_id).first()
    if member is None:
        raise DomainError(MemberErrorCode.MEMBER_NOT_FOUND, "No such member.", "memberId")
    return member


async def record_activity(principal: Principal, *, activity: str, reference: str, member_id: int | None = None,
                          at: datetime | None = None) -> Earned:
    """SHARE, REFERRAL, POST, COMMENT, REVIEW by a member (itself) or a partner; idempotent per
    reference, capped per day."""
    member = await acting_member(principal, member_id, "record_activity", partners_too=True)
    if activity not in RECORDABLE:
        raise DomainError(EngagementErrorCode.UNKNOWN_ACTIVITY, f"Activities are {', '.join(RECORDABLE)}.",
                          "activity")
    reference = validation.text(reference, "reference", max_length=128)
    return await earn_for(member, activity=activity, reference=reference, actor=audit.actor_of(principal), at=at)


async def earn_for(member: Member, *, activity: str, reference: str, actor: str, at: datetime | None = None,
                   store_id: int | None = None) -> Earned:
    at = at or datetime.now(UTC)
    rules = await points_rules.current_rules(member.brand_id)
    zone = await points_rules.brand_timezone(member.brand_id)
    async with events.atomic():
        account = await ledger.lock_account(member.brand_id, member.id)
        return await credit_activity(account, activity=activity, reference=reference, at=at, rules=rules,
                                     zone=zone, actor=actor, store_id=store_id)
