"""importMembers with opening points: a previous system's balances land as OPENING lots with the
member, only for the caller who may change balances by hand, and never half a row."""

from domain.members.models import Member
from domain.points.models import LedgerKind, PointsAccount, PointsLedgerEntry, PointsLot
from domain.points.verify import verify_ledgers
from franchise.models import AuditEntry
from tests.members.support import error_codes, phone
from tests.members.test_import_members import outcome, run_import


async def test_hq_admin_imports_members_with_their_opening_points_as_one_lot_each(gql, world):
    rows = [
        {"phone": phone(11), "name": "Carried", "homeStoreCode": "A", "openingPoints": 1250},
        {"phone": phone(12), "name": "Fresh", "homeStoreCode": "B"},
    ]

    payload = await run_import(gql, world.tokens["hq_admin"], rows)

    assert outcome(payload["results"]) == [(0, "ok"), (1, "ok")]
    carried = int(payload["results"][0]["memberId"])
    fresh = int(payload["results"][1]["memberId"])
    account = await PointsAccount.get(member_id=carried)
    assert account.balance == 1250
    entry = await PointsLedgerEntry.get(member_id=carried)
    assert (entry.kind, entry.delta, entry.store_id) == (LedgerKind.OPENING, 1250, world.store_a.id)
    lot = await PointsLot.get(member_id=carried)
    assert (lot.earned, lot.remaining) == (1250, 1250) and lot.expires_at > entry.occurred_at
    assert not await PointsLedgerEntry.filter(member_id=fresh).exists()
    assert await verify_ledgers(world.brand.id) == []
    audit = await AuditEntry.get(action="members.import_opening_points")
    assert audit.changes["openingPoints"] == [None, 1250]


async def test_operators_and_store_managers_cannot_import_opening_points(gql, world):
    for caller in ("hq_operator", "manager_a"):
        rows = [{"phone": phone(21), "name": "Carried", "homeStoreCode": "A", "openingPoints": 10}]

        body = await run_import(gql, world.tokens[caller], rows, expect_errors=True)

        assert error_codes(body) == ["FORBIDDEN"]
    assert not await PointsLedgerEntry.filter(brand_id=world.brand.id).exists()


async def test_a_row_with_negative_opening_points_is_reported_and_lands_nothing(gql, world):
    rows = [
        {"phone": phone(31), "name": "Negative", "homeStoreCode": "A", "openingPoints": -5},
        {"phone": phone(32), "name": "Fine", "homeStoreCode": "A", "openingPoints": 7},
    ]

    payload = await run_import(gql, world.tokens["hq_admin"], rows)

    assert outcome(payload["results"]) == [(0, "INVALID_INPUT"), (1, "ok")]
    assert payload["results"][0]["error"]["field"] == "openingPoints"
    assert await PointsAccount.filter(brand_id=world.brand.id).count() == 1
    assert not await Member.filter(phone=phone(31)).exists()
    assert await verify_ledgers(world.brand.id) == []
