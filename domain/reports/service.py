"""The store report (its manager, HQ) and the brand report by store or city (HQ). GraphQL and
the `loyalty report` command both call these."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from domain.reports import figures
from domain.reports.errors import ReportErrorCode
from domain.points.rules import brand_timezone, local_days_bounds
from domain.reports.figures import Figures, Window
from franchise.errors import DomainError
from franchise.models import Store
from franchise.stores import require_store
from policies import Principal, authorize

MAX_DAYS = 366  # a year (a leap year's) at most: longer ranges are several reports
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)  # no loyalty history outside; keeps instants in range


class Grouping(str, enum.Enum):
    STORE = "STORE"
    CITY = "CITY"


@dataclass
class Row:
    key: str  # the store id or the city
    store: Store | None  # STORE rows
    city: str
    figures: Figures


@dataclass
class StoreReport:
    first_day: date
    last_day: date
    store: Store
    figures: Figures


@dataclass
class BrandReport:
    first_day: date
    last_day: date
    group_by: Grouping
    rows: list[Row]
    total: Figures


async def window(brand_id: int, first_day: date, last_day: date, store_id: int | None = None) -> Window:
    """The range's local days (inclusive) as UTC instants, end exclusive."""
    for value, field in ((first_day, "from"), (last_day, "to")):
        if not EARLIEST <= value <= LATEST:
            raise DomainError(ReportErrorCode.INVALID_RANGE, "Report dates are from 2000 to 2099.", field)
    if first_day > last_day:
        raise DomainError(ReportErrorCode.INVALID_RANGE, "The range starts after it ends.", "from")
    if (last_day - first_day).days + 1 > MAX_DAYS:
        raise DomainError(ReportErrorCode.RANGE_TOO_LONG, f"A report covers at most {MAX_DAYS} days.", "to")
    start, end = local_days_bounds(first_day, last_day, await brand_timezone(brand_id))
    return Window(brand_id, start, end, first_day, last_day, store_id)


async def store_report(principal: Principal, *, store_id: int, first_day: date, last_day: date) -> StoreReport:
    authorize(principal, "report.store", "read", store_id=store_id)
    store = await require_store(principal, store_id)
    return await store_figures(principal.brand_id, store_id=store.id, first_day=first_day, last_day=last_day)


async def brand_report(principal: Principal, *, first_day: date, last_day: date,
                       group_by: Grouping = Grouping.STORE) -> BrandReport:
    authorize(principal, "report.brand", "read")
    return await brand_figures(principal.brand_id, first_day=first_day, last_day=last_day, group_by=group_by)


async def brand_figures(brand_id: int, *, first_day: date, last_day: date, group_by: Grouping) -> BrandReport:
    """For callers already authorised (the CLI runs as the platform operator)."""
    scope = await window(brand_id, first_day, last_day)
    stores = await Store.filter(brand_id=brand_id).order_by("code")
    group = "store" if group_by is Grouping.STORE else "city"
    found = await figures.compute(scope, (group, "brand"))
    by_group, total = found[group], found["brand"].get(brand_id, Figures())
    if group_by is Grouping.STORE:
        rows = [Row(str(s.id), s, s.city, by_group.get(s.id, Figures())) for s in stores]
    else:
        rows = [Row(city, None, city, by_group.get(city, Figures())) for city in sorted({s.city for s in stores})]
    return BrandReport(first_day, last_day, group_by, rows, total)


async def store_figures(brand_id: int, *, store_id: int, first_day: date, last_day: date) -> StoreReport:
    """For callers already authorised (the CLI)."""
    store = await Store.get(id=store_id, brand_id=brand_id)
    scope = await window(brand_id, first_day, last_day, store.id)
    found = await figures.compute(scope, ("store",))
    return StoreReport(first_day, last_day, store, found["store"].get(store.id, Figures()))
