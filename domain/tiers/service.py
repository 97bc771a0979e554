"""Tiers: HQ's programme of 3-10 levels; members rise at once when a purchase qualifies and
fall only when their evaluation period ends."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from decimal import Decimal
from fractions import Fraction

from dateutil.relativedelta import relativedelta
from tortoise.transactions import in_transaction

from domain.points import ledger
from domain.tiers.models import MemberTier, TierMode, TierProgram
from franchise import audit, validation
from franchise.errors import invalid
from policies import Principal, authorize

MONEY_MODES = (TierMode.SPEND, TierMode.STORED_VALUE)


@dataclass
class Level:
    level: int
    name: str
    threshold: int  # minor units in SPEND / STORED_VALUE, growth value in GROWTH
    discount_percent: int = 0
    points_multiplier: str = "1"
    birthday_points: int = 0
    welcome_points: int = 0


@dataclass
class Progress:
    level: int
    qualifying: int
    next_level: Level | None
    still_needed: int | None
    period_end: datetime | None
    program: TierProgram | None = None


def check_levels(levels: list[Level]) -> list[Level]:
    if not 3 <= len(levels) <= 10:
        raise invalid("A programme has 3 to 10 levels.", "levels")
    levels = sorted(levels, key=lambda lv: lv.level)
    if [lv.level for lv in levels] != list(range(1, len(levels) + 1)):
        raise invalid("Levels are numbered 1, 2, 3, … without gaps.", "levels")
    previous = -1
    for lv in levels:
        lv.name = validation.text(lv.name, "levels.name", max_length=40)
        if lv.threshold < 0 or lv.threshold <= previous:
            raise invalid("Each level's threshold is above the one below it.", "levels.threshold")
        previous = lv.threshold
        validation.bounded_int(lv.discount_percent, "levels.discountPercent", low=0, high=90)
        multiplier = Decimal(str(lv.points_multiplier))
        if not Decimal(0) <= multiplier <= Decimal(10) or multiplier != multiplier.quantize(Decimal("0.01")):
            raise invalid("A multiplier is 0 to 10 with at most two decimals.", "levels.pointsMultiplier")
        lv.points_multiplier = str(multiplier)
        validation.bounded_int(lv.birthday_points, "levels.birthdayPoints", low=0, high=1_000_000)
        validation.bounded_int(lv.welcome_points, "levels.welcomePoints", low=0, high=1_000_000)
    return levels


def levels_of(program: TierProgram) -> list[Level]:
    return [Level(**raw) for raw in program.levels]


def level_for(program: TierProgram, qualifying: int) -> int:
    """The highest level whose threshold the qualifying value reaches (0: none)."""
    reached = [lv.level for lv in levels_of(program) if qualifying >= lv.threshold]
    return max(reached, default=0)


async def get_tier_program(principal: Principal) -> TierProgram | None:
    authorize(principal, "tiers", "read")
    return await TierProgram.filter(brand_id=principal.brand_id).first()


async def update_tier_program(principal: Principal, *, mode: TierMode, evaluation_months: int,
                              levels: list[Level]) -> TierProgram:
    """HQ admin alone. Standing members keep their level until their period ends."""
    authorize(principal, "tiers", "update")
    validation.bounded_int(evaluation_months, "evaluationMonths", low=1, high=36)
    raw = [asdict(lv) for lv in check_levels(levels)]
    async with in_transaction():
        program = await TierProgram.filter(brand_id=principal.brand_id).select_for_update().first()
        before = {"mode": program.mode.value, "evaluation_months": program.evaluation_months,
                  "levels": program.levels} if program else {}
        after = {"mode": mode.value, "evaluation_months": evaluation_months, "levels": raw}
        if program is None:
            program = await TierProgram.create(brand_id=principal.brand_id, mode=mode,
                                               evaluation_months=evaluation_months, levels=raw)
        else:
            program.update_from_dict({"mode": mode, "evaluation_months": evaluation_months, "levels": raw})
            await program.save()
        if changed := audit.diff(before, after):
            await audit.record(principal, brand_id=principal.brand_id, action="tiers.update",
                               object_type="TierProgram", object_id=program.id, changes=changed)
    return program


async def standing(brand_id: int, member_id: int, program: TierProgram, now: datetime) -> MemberTier:
    """The member's standing with its period rolled forward to `now`. Call it with the member's
    points account locked (the purchase transaction), which serialises changes per member."""
    row = await MemberTier.filter(member_id=member_id).first()
    if row is None:
        row = await MemberTier.create(
            brand_id=brand_id, member_id=member_id, level=0, qualifying=0, period_start=now,
            period_end=now + relativedelta(months=program.evaluation_months),
        )
    roll_periods(row, program, now)
    return row


def roll_periods(row: MemberTier, program: TierProgram, now: datetime) -> bool:
    """At each period end the level becomes what the finished period earned (up or down)."""
    rolled = False
    while now >= row.period_end:
        row.level = level_for(program, row.qualifying)
        row.qualifying = 0
        row.period_start = row.period_end
        row.period_end = row.period_end + relativedelta(months=program.evaluation_months)
        rolled = True
    return rolled


@dataclass
class Upgrade:
    old_level: int
    new_level: int
    welcome_points: int


async def current_level(program: TierProgram | None, member_id: int, now: datetime) -> int:
    """The member's level at `now` (its period rolled forward, not saved); 0 without a tier."""
    if program is None:
        return 0
    row = await MemberTier.filter(member_id=member_id).first()
    if row is None:
        return 0
    roll_periods(row, program, now)
    return row.level


async def qualify(brand_id: int, member_id: int, *, spend_minor: int, at: datetime,
                  program: TierProgram | None, growth_factor: Fraction = Fraction(1),
                  growth: int | None = None) -> Upgrade | None:
    """Count a purchase toward the member's tier under the brand's `program`; an upgrade
    happens at once (never a downgrade). Returns the upgrade with the welcome points of every
    level passed, or None. `growth_factor` is a campaign's growth acceleration; `growth` adds
    growth value directly (activities, GROWTH mode only)."""
    if program is None or program.mode is TierMode.STORED_VALUE:
        return None
    if growth is not None and program.mode is not TierMode.GROWTH:
        return None
    row = await standing(brand_id, member_id, program, at)
    if growth is not None:
        row.qualifying += max(growth, 0)
    elif program.mode is TierMode.SPEND:
        row.qualifying += max(spend_minor, 0)  # SPEND counts money in minor units
    else:
        # GROWTH: one growth point per whole yuan spent, times a campaign's acceleration.
        row.qualifying += max(int(spend_minor // 100 * growth_factor), 0)
    reached = level_for(program, row.qualifying)
    upgrade = None
    if reached > row.level:
        welcome = sum(lv.welcome_points for lv in levels_of(program) if row.level < lv.level <= reached)
        upgrade = Upgrade(row.level, reached, welcome)
        row.level = reached
    await row.save()
    return upgrade


def multiplier_of(program: TierProgram | None, level: int) -> Decimal:
    if program is None or level == 0:
        return Decimal(1)
    by_level = {lv.level: lv for lv in levels_of(program)}
    return Decimal(by_level[level].points_multiplier) if level in by_level else Decimal(1)


async def progress(member_id: int, brand_id: int, now: datetime) -> Progress:
    """Where the member stands and what the next level still needs ("one order away")."""
    program = await TierProgram.filter(brand_id=brand_id).first()
    row = await MemberTier.filter(member_id=member_id).first()
    if program is None:
        return Progress(level=0, qualifying=0, next_level=None, still_needed=None, period_end=None)
    level, qualifying, period_end = 0, 0, None
    if row is not None:
        roll_periods(row, program, now)  # read-only view: not saved here
        level, qualifying, period_end = row.level, row.qualifying, row.period_end
    higher = [lv for lv in levels_of(program) if lv.level > level]
    next_level = higher[0] if higher else None
    needed = max(next_level.threshold - qualifying, 0) if next_level else None
    return Progress(level, qualifying, next_level, needed, period_end, program)


async def evaluate_tiers(now: datetime, *, brand_id: int | None = None) -> int:
    """The period-end job: roll every standing whose period has ended; returns how many."""
    now = now.astimezone(timezone.utc)  # SQLite compares datetimes as UTC text
    due = MemberTier.filter(period_end__lte=now)
    if brand_id is not None:
        due = due.filter(brand_id=brand_id)
    count = 0
    for row_brand, member_id in await due.values_list("brand_id", "member_id"):
        program = await TierProgram.filter(brand_id=row_brand).first()
        if program is None:
            continue
        async with in_transaction():
            await ledger.lock_account(row_brand, member_id)  # the same lock purchases take
            row = await MemberTier.filter(member_id=member_id).first()
            if roll_periods(row, program, now):
                await row.save()
                count += 1
    return count


async def qualify_top_up(brand_id: int, member_id: int, *, top_up_minor: int, at: datetime,
                         program: TierProgram | None, at_least_level: int | None = None) -> Upgrade | None:
    """A wallet top-up: in STORED_VALUE mode a single top-up of at least a level's threshold
    lifts the member to that level at once; a plan may also lift it to at least a given level
    (any mode). The period's qualifying value is the largest single top-up, so the level holds
    at the period end only if a top-up of the period reached it. Call it with the member's
    points account locked, as `qualify`."""
    if program is None:
        return None
    reached = level_for(program, top_up_minor) if program.mode is TierMode.STORED_VALUE else 0
    top = max((lv.level for lv in levels_of(program)), default=0)
    reached = max(reached, min(at_least_level or 0, top))
    if reached == 0 and program.mode is not TierMode.STORED_VALUE:
        return None
    row = await standing(brand_id, member_id, program, at)
    if program.mode is TierMode.STORED_VALUE:
        row.qualifying = max(row.qualifying, top_up_minor)
    upgrade = None
    if reached > row.level:
        welcome = sum(lv.welcome_points for lv in levels_of(program) if row.level < lv.level <= reached)
        upgrade = Upgrade(row.level, reached, welcome)
        row.level = reached
    await row.save()
    return upgrade
