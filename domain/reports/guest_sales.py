"""The POS reports each store's sales to guests (non-members) at the end of the day; the
enrolment rate and the member share of sales are measured against them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain.reports.errors import ReportErrorCode
from domain.reports.models import GuestSales
from domain.reports.service import EARLIEST
from franchise import audit, validation
from franchise.errors import DomainError, invalid
from franchise.models import Brand
from franchise.stores import require_store
from policies import Principal, authorize


@dataclass
class GuestSalesResult:
    sales: GuestSales
    replayed: bool


async def record_guest_sales(principal: Principal, *, store_id: int, business_date: date, orders: int, amount,
                             idempotency_key: str, now: datetime | None = None) -> GuestSalesResult:
    """One figure per store and business day. The same key again returns the first result; a
    new key for a day already reported replaces its figures (the POS corrected its day), and
    the correction is audited."""
    authorize(principal, "guest_sales", "record", store_id=store_id)
    store = await require_store(principal, store_id)
    key = validation.text(idempotency_key, "idempotencyKey", max_length=128)
    orders = validation.bounded_int(orders, "orders", low=0, high=10_000_000)
    amount_minor = validation.money_to_minor(amount, "amount")
    if (orders == 0) != (amount_minor == 0):
        raise invalid("Orders and amount are both zero or both positive.", "orders")
    zone = ZoneInfo((await Brand.get(id=principal.brand_id)).timezone)
    today = (now or datetime.now(timezone.utc)).astimezone(zone).date()
    if business_date < EARLIEST:
        raise invalid("A business day from 2000 on.", "businessDate")
    if business_date > today:
        raise invalid("A business day that has not begun yet.", "businessDate")
    actor = audit.actor_of(principal)
    for _ in range(2):  # a second round when a concurrent first report of the day won the insert
        existing = await GuestSales.filter(store_id=store.id, business_date=business_date).first()
        if existing is not None:
            return await _again(principal, existing, key, orders, amount_minor, actor)
        try:
            async with in_transaction():
                row = await GuestSales.create(brand_id=principal.brand_id, store_id=store.id,
                                              business_date=business_date, orders=orders, amount_minor=amount_minor,
                                              idempotency_key=key, recorded_by=actor)
            return GuestSalesResult(row, replayed=False)
        except IntegrityError:
            continue
    raise AssertionError("guest sales row neither found nor created")


async def _again(principal: Principal, existing: GuestSales, key: str, orders: int, amount_minor: int,
                 actor: str) -> GuestSalesResult:
    async with in_transaction():
        row = await GuestSales.filter(id=existing.id).select_for_update().first()
        earlier = row.earlier_reports or []
        reports = {r["key"]: (r["orders"], r["amount_minor"]) for r in earlier}
        reports[row.idempotency_key] = (row.orders, row.amount_minor)
        if key in reports:  # checked under the lock: two retries of one correction correct once
            if reports[key] != (orders, amount_minor):
                raise DomainError(ReportErrorCode.GUEST_SALES_CONFLICT,
                                  "This idempotency key was used with other figures.", "idempotencyKey")
            return GuestSalesResult(row, replayed=True)
        before = {"orders": row.orders, "amount_minor": row.amount_minor}
        row.earlier_reports = [*earlier,
                               {"key": row.idempotency_key, "orders": row.orders, "amount_minor": row.amount_minor}]
        row.orders, row.amount_minor, row.idempotency_key, row.recorded_by = orders, amount_minor, key, actor
        await row.save(update_fields=["orders", "amount_minor", "idempotency_key", "earlier_reports", "recorded_by",
                                      "updated_at"])
        await audit.record(principal, brand_id=principal.brand_id, action="guest_sales.correct",
                           object_type="GuestSales", object_id=row.id, store_id=row.store_id,
                           changes=audit.diff(before, {"orders": orders, "amount_minor": amount_minor}))
    return GuestSalesResult(row, replayed=False)
