"""Tiers: the brand's levels and where a member stands."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from domain.tiers.models import TierMode as TierModeEnum
from domain.tiers.service import Level, levels_of
from franchise.validation import minor_to_money
from resolvers import tiers as resolvers
from schema.common import UserError

TierMode = strawberry.enum(TierModeEnum, name="TierMode")


@strawberry.type
class TierLevel:
    level: int
    name: str
    threshold: Decimal = strawberry.field(description="Money in SPEND / STORED_VALUE, growth value in GROWTH.")
    discount_percent: int
    points_multiplier: Decimal
    birthday_points: int
    welcome_points: int


def level_type(mode: TierModeEnum, lv: Level) -> TierLevel:
    threshold = Decimal(lv.threshold) if mode is TierModeEnum.GROWTH else minor_to_money(lv.threshold)
    return TierLevel(level=lv.level, name=lv.name, threshold=threshold, discount_percent=lv.discount_percent,
                     points_multiplier=Decimal(lv.points_multiplier), birthday_points=lv.birthday_points,
                     welcome_points=lv.welcome_points)


@strawberry.type
class TierProgram:
    mode: TierMode  # type: ignore[valid-type]
    evaluation_months: int
    levels: list[TierLevel]


def program_type(program) -> TierProgram | None:
    if program is None:
        return None
    return TierProgram(mode=program.mode, evaluation_months=program.evaluation_months,
                       levels=[level_type(program.mode, lv) for lv in levels_of(program)])


@strawberry.type(description="Where a member stands: the data behind \"one order away from Gold\".")
class TierProgress:
    level: int = strawberry.field(description="0 when the member has no tier yet.")
    qualifying: Decimal
    next_level: TierLevel | None
    still_needed: Decimal | None
    period_end: datetime.datetime | None


@strawberry.input
class TierLevelInput:
    level: int
    name: str
    threshold: Decimal
    discount_percent: int = 0
    points_multiplier: Decimal = Decimal(1)
    birthday_points: int = 0
    welcome_points: int = 0


@strawberry.input
class UpdateTierProgramInput:
    mode: TierMode  # type: ignore[valid-type]
    evaluation_months: int = 12
    levels: list[TierLevelInput]


@strawberry.type
class TierProgramPayload:
    program: TierProgram | None = None
    errors: list[UserError]


async def progress_type(info: Info, member) -> TierProgress:
    progress = await resolvers.member_progress(info, member)
    program = progress.program
    growth = program is not None and program.mode is TierModeEnum.GROWTH

    def amount(value):
        if value is None:
            return None
        return Decimal(value) if growth else minor_to_money(value)

    return TierProgress(
        level=progress.level, qualifying=amount(progress.qualifying),
        next_level=level_type(program.mode, progress.next_level) if progress.next_level else None,
        still_needed=amount(progress.still_needed), period_end=progress.period_end,
    )


async def current_level(info: Info, member) -> TierLevel | None:
    progress = await resolvers.member_progress(info, member)
    program = progress.program
    if program is None or progress.level == 0:
        return None
    by_level = {lv.level: lv for lv in levels_of(program)}
    return level_type(program.mode, by_level[progress.level])


@strawberry.type
class TiersQuery:
    @strawberry.field(description="The brand's tier programme (null until HQ sets one).")
    async def tier_program(self, info: Info) -> TierProgram | None:
        return program_type(await resolvers.tier_program(info))


@strawberry.type
class TiersMutation:
    @strawberry.mutation(description="HQ admin alone: mode, 3-10 levels, thresholds, benefits, evaluation period.")
    async def update_tier_program(self, info: Info, input: UpdateTierProgramInput) -> TierProgramPayload:
        result = await resolvers.update_tier_program(info, input)
        if result.get("program") is not None:
            result["program"] = program_type(result["program"])
        return TierProgramPayload(**result)
