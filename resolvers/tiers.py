"""The tier programme and a member's standing."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from domain.tiers import service as tiers
from domain.tiers.models import TierMode, TierProgram
from franchise.errors import invalid
from franchise.validation import money_to_minor
from resolvers.errors import attempt


async def tier_program(info) -> TierProgram | None:
    return await tiers.get_tier_program(info.context.principal)


def _threshold(mode: TierMode, value: Decimal, index: int) -> int:
    field = f"levels.{index}.threshold"
    if mode is TierMode.GROWTH:
        if value != value.to_integral_value():
            raise invalid("A growth threshold is a whole number.", field)
        return int(value)
    return money_to_minor(value, field)


async def update_tier_program(info, input: Any) -> dict:
    async def work():
        mode = TierMode(input.mode.value)
        levels = [
            tiers.Level(
                level=lv.level, name=lv.name, threshold=_threshold(mode, lv.threshold, i),
                discount_percent=lv.discount_percent, points_multiplier=str(lv.points_multiplier),
                birthday_points=lv.birthday_points, welcome_points=lv.welcome_points,
            )
            for i, lv in enumerate(input.levels)
        ]
        program = await tiers.update_tier_program(
            info.context.principal, mode=mode, evaluation_months=input.evaluation_months, levels=levels
        )
        return {"program": program}

    return await attempt(work())


async def member_progress(info, member) -> tiers.Progress:
    """Read once per member and request, whether `tier`, `tierProgress` or both are asked.
    The member was already checked readable by whoever returned it."""
    return await info.context.once(
        f"tier_progress:{member.id}",
        lambda: tiers.progress(member.id, member.brand_id, datetime.now(timezone.utc)),
    )
