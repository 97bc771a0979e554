"""Channel orders: the import and a phone's pending points."""

from __future__ import annotations

from typing import Any

from domain.channels import claims, imports
from resolvers.errors import attempt, parse_optional_id, user_error


async def import_channel_orders(info, input: Any) -> dict:
    async def work():
        lines = [imports.OrderLine(
            external_id=o.external_id, phone=o.phone, amount=o.amount, paid_at=o.paid_at,
            store_id=parse_optional_id(o.store_id, "storeId"),
            refunded_amount=o.refunded_amount if o.refunded_amount is not None else 0,
        ) for o in input.orders]
        results = await imports.import_channel_orders(info.context.principal, channel=input.channel.value,
                                                      lines=lines)
        counts = {outcome: sum(r.outcome == outcome for r in results)
                  for outcome in ("ACCEPTED", "DUPLICATE", "PENDING_MEMBER", "REJECTED")}
        return {
            "results": [{"index": r.index, "external_id": r.external_id, "outcome": r.outcome, "points": r.points,
                         "points_reversed": r.points_reversed,
                         "error": user_error(r.error) if r.error else None} for r in results],
            "accepted": counts["ACCEPTED"], "duplicates": counts["DUPLICATE"],
            "pending": counts["PENDING_MEMBER"], "rejected": counts["REJECTED"],
        }

    return await attempt(work())


async def pending_channel_points(info, phone: str) -> claims.PendingPoints:
    return await claims.pending_channel_points(info.context.principal, phone)
