"""Who may read which report and report guest sales: a store manager its own store's report,
HQ every store's and the brand's; guest sales by the store's staff, HQ and partners with
`points:earn`. Another brand sees none of ours. Every refused call changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.reports.models import GuestSales
from franchise.models import AuditEntry
from tests.authorization.conftest import CALLERS, denial_code
from tests.factories import make_api_client, make_member
from tests.points.support import error_codes
from tests.reports.support import BRAND_REPORT, RECORD_GUEST_SALES, STORE_REPORT

ALL_CALLERS = (*CALLERS, "partner_earn", "partner_earn_b")
# Around today, so the world's members (enrolled now) fall in it whatever the time zone.
RANGE = {"from": str(date.today() - timedelta(days=30)), "to": str(date.today() + timedelta(days=1))}


@pytest.fixture
async def scene(world):
    world.tokens["partner_earn"] = await make_api_client(world.admin, ["points:earn"])
    world.tokens["partner_earn_b"] = await make_api_client(world.admin, ["points:earn"], store_ids=[world.store_b.id])
    return world


STORE_REPORT_READERS = {"manager_a", "hq_operator", "hq_admin"}


@pytest.mark.parametrize("caller", ALL_CALLERS)
async def test_store_report_is_for_its_manager_and_hq(gql, scene, caller):
    body = await gql(STORE_REPORT, {"storeId": str(scene.store_a.id), **RANGE}, token=scene.tokens[caller],
                     expect_errors=True)

    if caller in STORE_REPORT_READERS:
        report = body["data"]["storeReport"]["report"]
        assert report["store"]["code"] == "A" and report["figures"]["newMembers"] == 1  # member A, enrolled today
    elif caller == "other_admin":
        # Our store is not in its brand: no figures, and nothing says more than "no such store".
        assert body["data"]["storeReport"] == {"report": None, "errors": [
            {"code": "STORE_NOT_FOUND", "field": "storeId", "message": "No such store."}]}
    else:
        assert error_codes(body) == [denial_code(caller)], body
        assert body.get("data") is None or body["data"] is None


BRAND_REPORT_READERS = {"hq_operator", "hq_admin"}


@pytest.mark.parametrize("caller", ALL_CALLERS)
async def test_brand_report_is_for_hq(gql, scene, caller):
    body = await gql(BRAND_REPORT, {**RANGE, "groupBy": "STORE"}, token=scene.tokens[caller], expect_errors=True)

    if caller in BRAND_REPORT_READERS:
        report = body["data"]["brandReport"]["report"]
        assert [row["store"]["code"] for row in report["rows"]] == ["A", "B"]
    elif caller == "other_admin":
        # Its own brand's report: its one store, none of ours.
        report = body["data"]["brandReport"]["report"]
        assert [row["store"]["id"] for row in report["rows"]] == [str(scene.other_store.id)]
    else:
        assert error_codes(body) == [denial_code(caller)], body


GUEST_SALES_RECORDERS = {"clerk_a", "manager_a", "hq_operator", "hq_admin", "partner_earn"}


@pytest.mark.parametrize("caller", ALL_CALLERS)
async def test_guest_sales_of_store_a_are_recorded_by_its_staff_hq_and_earning_partners(gql, scene, caller):
    before = (await GuestSales.all().values(), await AuditEntry.all().count())
    sales = {"storeId": str(scene.store_a.id), "businessDate": "2026-03-01", "orders": 12, "amount": "960.50",
             "idempotencyKey": "eod-A-2026-03-01"}

    body = await gql(RECORD_GUEST_SALES, {"input": sales}, token=scene.tokens[caller], expect_errors=True)

    if caller in GUEST_SALES_RECORDERS:
        payload = body["data"]["recordGuestSales"]
        assert payload["errors"] == [] and payload["guestSales"]["amount"] == "960.50"
        assert await GuestSales.filter(store_id=scene.store_a.id).count() == 1
    elif caller == "other_admin":
        assert body["data"]["recordGuestSales"]["errors"][0]["code"] == "STORE_NOT_FOUND"
        assert (await GuestSales.all().values(), await AuditEntry.all().count()) == before
    else:
        # manager B, a partner limited to store B, a member, a partner without the scope
        assert error_codes(body) == [denial_code(caller)], body
        assert (await GuestSales.all().values(), await AuditEntry.all().count()) == before


async def test_store_manager_cannot_read_another_stores_report_even_with_members_there(gql, scene):
    await make_member(scene.brand, scene.store_b, name="Somebody of B")

    body = await gql(STORE_REPORT, {"storeId": str(scene.store_b.id), **RANGE}, token=scene.tokens["manager_a"],
                     expect_errors=True)

    assert error_codes(body) == ["FORBIDDEN"]
