"""importMembers: one result per row; a bad row is reported and never half-imported, good rows land."""

from domain.members.models import Member
from franchise.models import Brand
from tests.members.support import error_codes, phone

IMPORT = """
mutation($rows: [ImportMemberRow!]!) {
  importMembers(input: {rows: $rows}) {
    results { row memberId error { code field } }
    imported
    failed
    errors { code field }
  }
}
"""


async def run_import(gql, token, rows, expect_errors=False) -> dict:
    body = await gql(IMPORT, {"rows": rows}, token=token, expect_errors=expect_errors)
    return body if expect_errors else body["data"]["importMembers"]


def outcome(results: list[dict]) -> list[tuple[int, str]]:
    """(row, "ok" or the error code) per result, in order."""
    return [(r["row"], "ok" if r["memberId"] else r["error"]["code"]) for r in results]


async def test_each_row_is_reported_and_bad_rows_never_land_while_good_rows_do(gql, world, member_count):
    # given a file with good rows and one of each kind of bad row
    rows = [
        {"phone": phone(1), "name": "Good A", "homeStoreCode": "A"},
        {"phone": "12345", "name": "Bad phone", "homeStoreCode": "A"},
        {"phone": phone(2), "name": "Unknown store", "homeStoreCode": "ZZ"},
        {"phone": "139 0000 0001", "name": "Same phone as row 0", "homeStoreCode": "B"},
        {"phone": phone(3), "name": "x" * 101, "homeStoreCode": "A"},
        {"phone": phone(4), "name": "Not a store id", "homeStoreId": "abc"},
        {"phone": phone(5), "name": "Good B", "homeStoreId": str(world.store_b.id), "birthday": "1990-01-02"},
    ]
    before = await member_count(brand_id=world.brand.id)

    # when an HQ operator imports it
    payload = await run_import(gql, world.tokens["hq_operator"], rows)

    # then every row has its result, in order, and only the good rows became members
    assert payload["errors"] == []
    assert outcome(payload["results"]) == [
        (0, "ok"), (1, "INVALID_PHONE"), (2, "STORE_NOT_FOUND"), (3, "PHONE_TAKEN"),
        (4, "TOO_LONG"), (5, "INVALID_INPUT"), (6, "ok"),
    ]
    assert (payload["imported"], payload["failed"]) == (2, 5)
    assert await member_count(brand_id=world.brand.id) == before + 2
    for bad in (phone(2), phone(3), phone(4)):
        assert await member_count(phone=bad) == 0

    first = await Member.get(id=int(payload["results"][0]["memberId"]))
    assert (first.phone, first.name, first.source) == (phone(1), "Good A", "IMPORT")
    assert first.home_store_id == world.store_a.id
    last = await Member.get(id=int(payload["results"][6]["memberId"]))
    assert (last.home_store_id, str(last.birthday)) == (world.store_b.id, "1990-01-02")


async def test_row_missing_a_field_the_brand_requires_is_reported_as_required(gql, world, member_count):
    await Brand.filter(id=world.brand.id).update(required_profile_fields=["name"])
    rows = [
        {"phone": phone(1), "homeStoreCode": "A"},
        {"phone": phone(2), "name": "Named", "homeStoreCode": "A"},
    ]

    payload = await run_import(gql, world.tokens["hq_operator"], rows)

    assert outcome(payload["results"]) == [(0, "REQUIRED"), (1, "ok")]
    assert payload["results"][0]["error"]["field"] == "name"
    assert await member_count(phone=phone(1)) == 0
    assert await member_count(phone=phone(2)) == 1


async def test_importing_a_phone_that_is_already_a_member_reports_phone_taken(gql, world):
    rows = [{"phone": world.member_a.phone, "homeStoreCode": "B"}]

    payload = await run_import(gql, world.tokens["hq_operator"], rows)

    assert outcome(payload["results"]) == [(0, "PHONE_TAKEN")]
    assert (await Member.get(id=world.member_a.id)).home_store_id == world.store_a.id


async def test_store_manager_importing_rows_for_another_store_gets_store_not_found_for_them(gql, world, member_count):
    # given a manager of store A with a file that also names store B, by code and by id
    rows = [
        {"phone": phone(1), "name": "Mine", "homeStoreCode": "A"},
        {"phone": phone(2), "name": "Theirs", "homeStoreCode": "B"},
        {"phone": phone(3), "name": "Theirs by id", "homeStoreId": str(world.store_b.id)},
        {"phone": phone(4), "name": "Mine by id", "homeStoreId": str(world.store_a.id)},
    ]

    payload = await run_import(gql, world.tokens["manager_a"], rows)

    assert outcome(payload["results"]) == [(0, "ok"), (1, "STORE_NOT_FOUND"), (2, "STORE_NOT_FOUND"), (3, "ok")]
    assert await member_count(phone=phone(2)) == 0
    assert await member_count(phone=phone(3)) == 0
    assert await member_count(home_store_id=world.store_b.id) == 1  # only the world's member_b


async def test_more_than_a_thousand_rows_is_refused_whole_with_too_many_rows(gql, world, member_count):
    before = await member_count()
    rows = [{"phone": phone(i), "homeStoreCode": "A"} for i in range(1001)]

    payload = await run_import(gql, world.tokens["hq_operator"], rows)

    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("TOO_MANY_ROWS", "rows")]
    assert payload["results"] == []
    assert payload["imported"] == 0
    assert await member_count() == before


async def test_store_clerk_cannot_import(gql, world, member_count):
    before = await member_count()

    rows = [{"phone": phone(1), "homeStoreCode": "A"}]

    body = await run_import(gql, world.tokens["clerk_a"], rows, expect_errors=True)

    assert error_codes(body) == ["FORBIDDEN"]
    assert await member_count() == before
