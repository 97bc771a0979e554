"""Reports and guest sales: arguments in, service results out."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.reports import guest_sales, service
from resolvers.errors import attempt, parse_id


async def store_report(info, store_id: Any, first_day: date, last_day: date) -> dict[str, Any]:
    principal = info.context.principal

    async def work():
        return {"report": await service.store_report(principal, store_id=parse_id(store_id, "storeId"),
                                                     first_day=first_day, last_day=last_day)}
    return await attempt(work())


async def brand_report(info, first_day: date, last_day: date, group_by: service.Grouping) -> dict[str, Any]:
    principal = info.context.principal

    async def work():
        return {"report": await service.brand_report(principal, first_day=first_day, last_day=last_day,
                                                     group_by=service.Grouping(group_by))}
    return await attempt(work())


async def record_guest_sales(info, input: Any) -> dict[str, Any]:
    principal = info.context.principal

    async def work():
        result = await guest_sales.record_guest_sales(
            principal, store_id=parse_id(input.store_id, "storeId"), business_date=input.business_date,
            orders=input.orders, amount=input.amount, idempotency_key=input.idempotency_key)
        return {"guest_sales": result.sales, "replayed": result.replayed}
    return await attempt(work())
