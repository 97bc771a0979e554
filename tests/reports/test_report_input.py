"""What the reports and guest sales refuse, and how a repeated or corrected end-of-day report
behaves."""

from __future__ import annotations

from datetime import date

from domain.reports.models import GuestSales
from franchise.models import AuditEntry
from tests.reports.support import BRAND_REPORT, RECORD_GUEST_SALES, STORE_REPORT


def _errors(body: dict, field: str) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in body["data"][field]["errors"]]


async def test_a_range_that_starts_after_it_ends_is_a_user_error(gql, world):
    body = await gql(BRAND_REPORT, {"from": "2025-10-31", "to": "2025-10-01", "groupBy": "STORE"},
                     token=world.tokens["hq_operator"])

    assert _errors(body, "brandReport") == [("INVALID_RANGE", "from")]
    assert body["data"]["brandReport"]["report"] is None


async def test_dates_outside_2000_to_2099_are_a_user_error(gql, world):
    for dates, field in ((("0001-01-01", "0001-01-31"), "from"), (("2099-12-01", "9999-12-31"), "to")):
        body = await gql(BRAND_REPORT, {"from": dates[0], "to": dates[1], "groupBy": "CITY"},
                         token=world.tokens["hq_admin"])
        assert _errors(body, "brandReport") == [("INVALID_RANGE", field)]


async def test_a_range_longer_than_366_days_is_a_user_error_and_a_year_is_not(gql, world):
    too_long = await gql(STORE_REPORT, {"storeId": str(world.store_a.id), "from": "2024-01-01", "to": "2025-01-01"},
                         token=world.tokens["manager_a"])
    leap_year = await gql(STORE_REPORT, {"storeId": str(world.store_a.id), "from": "2024-01-01", "to": "2024-12-31"},
                          token=world.tokens["manager_a"])

    assert _errors(too_long, "storeReport") == [("RANGE_TOO_LONG", "to")]
    assert leap_year["data"]["storeReport"]["errors"] == []


def _sales(world, **more) -> dict:
    return {"storeId": str(world.store_a.id), "businessDate": "2025-10-02", "orders": 10, "amount": "800.00",
            "idempotencyKey": "eod-1", **more}


async def test_the_same_end_of_day_report_twice_is_recorded_once(gql, world):
    first = await gql(RECORD_GUEST_SALES, {"input": _sales(world)}, token=world.tokens["clerk_a"])
    again = await gql(RECORD_GUEST_SALES, {"input": _sales(world)}, token=world.tokens["clerk_a"])

    assert first["data"]["recordGuestSales"]["replayed"] is False
    assert again["data"]["recordGuestSales"]["replayed"] is True
    assert again["data"]["recordGuestSales"]["guestSales"] == first["data"]["recordGuestSales"]["guestSales"]
    assert await GuestSales.all().count() == 1


async def test_a_key_replayed_with_other_figures_is_a_conflict_and_changes_nothing(gql, world):
    await gql(RECORD_GUEST_SALES, {"input": _sales(world)}, token=world.tokens["clerk_a"])

    body = await gql(RECORD_GUEST_SALES, {"input": _sales(world, orders=11)}, token=world.tokens["clerk_a"])

    assert _errors(body, "recordGuestSales") == [("GUEST_SALES_CONFLICT", "idempotencyKey")]
    assert await GuestSales.all().values_list("orders", flat=True) == [10]


async def test_a_new_key_for_a_day_already_reported_replaces_its_figures_and_is_audited(gql, world):
    await gql(RECORD_GUEST_SALES, {"input": _sales(world)}, token=world.tokens["clerk_a"])

    body = await gql(RECORD_GUEST_SALES, {"input": _sales(world, orders=12, amount="950.00", idempotencyKey="eod-2")},
                     token=world.tokens["manager_a"])

    assert body["data"]["recordGuestSales"]["guestSales"]["orders"] == 12
    row = await GuestSales.get(store_id=world.store_a.id, business_date=date(2025, 10, 2))
    assert (row.orders, row.amount_minor) == (12, 950_00)
    audit = await AuditEntry.get(action="guest_sales.correct")
    assert audit.changes == {"orders": [10, 12], "amountMinor": [800_00, 950_00]}


async def test_guest_sales_refuse_a_future_day_negative_figures_and_orders_without_an_amount(gql, world):
    cases = [
        (_sales(world, businessDate="2999-01-01"), ("INVALID_INPUT", "businessDate")),
        (_sales(world, businessDate="0001-01-01"), ("INVALID_INPUT", "businessDate")),
        (_sales(world, orders=-1), ("INVALID_INPUT", "orders")),
        (_sales(world, amount="-5.00"), ("INVALID_AMOUNT", "amount")),
        (_sales(world, amount="0"), ("INVALID_INPUT", "orders")),
        (_sales(world, amount="1.234"), ("INVALID_AMOUNT", "amount")),
    ]
    for sales, expected in cases:
        body = await gql(RECORD_GUEST_SALES, {"input": sales}, token=world.tokens["clerk_a"])
        assert _errors(body, "recordGuestSales") == [expected], sales
    assert await GuestSales.all().count() == 0


async def test_a_late_retry_of_a_replaced_report_is_a_replay_and_keeps_the_correction(gql, world):
    await gql(RECORD_GUEST_SALES, {"input": _sales(world)}, token=world.tokens["clerk_a"])
    await gql(RECORD_GUEST_SALES, {"input": _sales(world, orders=12, amount="950.00", idempotencyKey="eod-2")},
              token=world.tokens["manager_a"])

    late = await gql(RECORD_GUEST_SALES, {"input": _sales(world)}, token=world.tokens["clerk_a"])
    changed = await gql(RECORD_GUEST_SALES, {"input": _sales(world, orders=9)}, token=world.tokens["clerk_a"])

    assert late["data"]["recordGuestSales"]["replayed"] is True
    assert _errors(changed, "recordGuestSales") == [("GUEST_SALES_CONFLICT", "idempotencyKey")]
    row = await GuestSales.get(store_id=world.store_a.id, business_date=date(2025, 10, 2))
    assert (row.orders, row.amount_minor) == (12, 950_00)
    assert await AuditEntry.filter(action="guest_sales.correct").count() == 1
