"""NOTIFY messages: templates with {placeholders}, checked when HQ saves them and filled per
member when the automation fires (values read for a whole batch at once)."""

from __future__ import annotations

import string
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.automations.errors import AutomationErrorCode
from domain.points.models import PointsAccount, PointsLot
from franchise.errors import DomainError

PLACEHOLDERS = {
    "name": "the member's name",
    "points": "the member's points balance",
    "expiring_points": "points of the member's soonest-expiring lots",
    "expiry_date": "the brand-local last day of those points",
    "brand": "the brand's name",
}


def placeholders_of(template: str, field: str = "message") -> set[str]:
    """The names a template uses; a malformed brace or an unknown name is a UserError."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        raise DomainError(AutomationErrorCode.INVALID_AUTOMATION,
                          "Braces must enclose a placeholder: write {{ and }} for literal braces.", field) from None
    names = set()
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            raise DomainError(AutomationErrorCode.UNKNOWN_PLACEHOLDER,
                              f"Unknown placeholder {{{name}}}; known: "
                              + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS), field)
        names.add(name)
    return names


async def values_for(members: list[dict], *, template: str, brand_name: str, timezone: str,
                     now: datetime) -> dict[int, dict]:
    """{member id: {placeholder: text}} for a batch of members ({"id", "name"} rows): at most
    two queries whatever the batch size."""
    used = placeholders_of(template)
    ids = [m["id"] for m in members]
    balances: dict[int, int] = {}
    if "points" in used:
        balances = dict(await PointsAccount.filter(member_id__in=ids).values_list("member_id", "balance"))
    expiring: dict[int, tuple] = {}
    if used & {"expiring_points", "expiry_date"}:
        # The batch's open lots (a bounded batch, few lots each): the soonest expiry and its points;
        # a lot already due (the expiry job not yet run in this zone) is not "expiring".
        lots = await PointsLot.filter(member_id__in=ids, remaining__gt=0, expires_at__gt=now).values_list(
            "member_id", "expires_at", "remaining")
        for member_id, expires_at, remaining in sorted(lots, key=lambda lot: (lot[0], lot[1])):
            first = expiring.get(member_id)
            if first is None or first[0] == expires_at:
                expiring[member_id] = (expires_at, (first[1] if first else 0) + remaining)
    zone = ZoneInfo(timezone)

    def last_day(expires_at) -> str:
        # A lot expires at the local midnight after its last valid day: that day is the date.
        return (expires_at.astimezone(zone) - timedelta(seconds=1)).date().isoformat() if expires_at else ""

    return {m["id"]: {"name": m["name"] or "", "points": str(balances.get(m["id"], 0)),
                      "expiring_points": str(expiring.get(m["id"], (None, 0))[1]),
                      "expiry_date": last_day(expiring.get(m["id"], (None, 0))[0]), "brand": brand_name}
            for m in members}


def render(template: str, values: dict) -> str:
    return template.format_map(values)
