"""createStaff: HQ admin adds anyone; a store manager adds clerks to its own store only."""

import pytest

from franchise.models import Staff
from tests.factories import PASSWORD

CREATE_STAFF = """
mutation($input: CreateStaffInput!) {
  createStaff(input: $input) {
    staff { id email name role active store { id code } }
    errors { code field message }
  }
}"""
LOGIN = """
mutation($input: LoginInput!) { login(input: $input) { token staff { role } errors { code } } }"""


def staff_input(role: str, store=None, email: str = "new.person@acme.test", **extra) -> dict:
    values = {"email": email, "name": "New Person", "password": PASSWORD, "role": role,
              "storeId": str(store.id) if store else None}
    return {"input": values | extra}


@pytest.mark.parametrize("role, in_store", [
    ("HQ_OPERATOR", False), ("HQ_ADMIN", False), ("STORE_MANAGER", True), ("STORE_CLERK", True),
])
async def test_hq_admin_creates_any_role(gql, world, audit_trail, role, in_store):
    # when
    body = await gql(CREATE_STAFF, staff_input(role, world.store_b if in_store else None,
                                                email=" New.Person@ACME.test "),
                     token=world.tokens["hq_admin"])

    # then
    payload = body["data"]["createStaff"]
    assert payload["errors"] == []
    staff = payload["staff"]
    assert staff["email"] == "new.person@acme.test"
    assert staff["role"] == role and staff["active"] is True
    assert staff["store"] == ({"id": str(world.store_b.id), "code": "B"} if in_store else None)
    [entry] = await audit_trail("staff.create", staff["id"])
    assert entry.actor == f"staff:{world.admin.id}"
    assert entry.changes == {
        "email": [None, "new.person@acme.test"], "role": [None, role.lower()],
        "storeId": [None, world.store_b.id if in_store else None],
    }
    # The account can sign in with its role.
    login = await gql(LOGIN, {"input": {"brandSlug": "acme", "email": "new.person@acme.test",
                                        "password": PASSWORD}})
    assert login["data"]["login"]["staff"]["role"] == role


async def test_store_roles_need_a_store_and_hq_roles_have_none(gql, world):
    no_store = await gql(CREATE_STAFF, staff_input("STORE_CLERK"), token=world.tokens["hq_admin"])
    hq_in_store = await gql(CREATE_STAFF, staff_input("HQ_OPERATOR", world.store_a),
                            token=world.tokens["hq_admin"])
    other_brand_store = await gql(CREATE_STAFF, staff_input("STORE_CLERK", world.other_store),
                                  token=world.tokens["hq_admin"])

    assert no_store["data"]["createStaff"]["errors"][0]["code"] == "REQUIRED"
    assert no_store["data"]["createStaff"]["errors"][0]["field"] == "storeId"
    assert hq_in_store["data"]["createStaff"]["errors"][0] | {"message": None} == {
        "code": "INVALID_INPUT", "field": "storeId", "message": None}
    assert other_brand_store["data"]["createStaff"]["errors"][0]["code"] == "STORE_NOT_FOUND"
    assert not await Staff.filter(email="new.person@acme.test").exists()


async def test_store_manager_creates_clerks_in_its_own_store(gql, world, audit_trail, manager_a_actor):
    body = await gql(CREATE_STAFF, staff_input("STORE_CLERK", world.store_a), token=world.tokens["manager_a"])

    payload = body["data"]["createStaff"]
    assert payload["errors"] == []
    assert payload["staff"]["role"] == "STORE_CLERK"
    assert payload["staff"]["store"]["code"] == "A"
    [entry] = await audit_trail("staff.create", payload["staff"]["id"])
    assert entry.actor == manager_a_actor
    assert entry.store_id == world.store_a.id


@pytest.mark.parametrize("caller, role, store", [
    ("manager_a", "STORE_CLERK", "store_b"),  # a clerk, but of another store
    ("manager_a", "STORE_MANAGER", "store_a"),  # its own store, but not a clerk
    ("manager_a", "HQ_OPERATOR", None),
    ("clerk_a", "STORE_CLERK", "store_a"),
    ("hq_operator", "STORE_CLERK", "store_a"),
    ("partner", "STORE_CLERK", "store_a"),
    ("member", "STORE_CLERK", "store_a"),
])
async def test_who_may_not_create_staff(gql, world, caller, role, store):
    body = await gql(CREATE_STAFF, staff_input(role, getattr(world, store) if store else None),
                     token=world.tokens[caller], expect_errors=True)

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert not await Staff.filter(email="new.person@acme.test").exists()


async def test_duplicate_email_in_the_brand_is_email_taken_but_another_brand_may_use_it(gql, world):
    first = await gql(CREATE_STAFF, staff_input("HQ_OPERATOR"), token=world.tokens["hq_admin"])
    again = await gql(CREATE_STAFF, staff_input("STORE_CLERK", world.store_a, email="NEW.person@acme.test"),
                      token=world.tokens["hq_admin"])
    elsewhere = await gql(CREATE_STAFF, staff_input("HQ_OPERATOR"), token=world.tokens["other_admin"])

    assert first["data"]["createStaff"]["errors"] == []
    assert again["data"]["createStaff"]["errors"][0] | {"message": None} == {
        "code": "EMAIL_TAKEN", "field": "email", "message": None}
    assert elsewhere["data"]["createStaff"]["errors"] == []
    assert await Staff.filter(email="new.person@acme.test").count() == 2


async def test_weak_password_and_bad_email_are_refused(gql, world, audit_trail):
    weak = await gql(CREATE_STAFF, staff_input("HQ_OPERATOR", password="short"), token=world.tokens["hq_admin"])
    bad_email = await gql(CREATE_STAFF, staff_input("HQ_OPERATOR", email="not-an-email"),
                          token=world.tokens["hq_admin"])

    assert weak["data"]["createStaff"]["errors"][0] | {"message": None} == {
        "code": "WEAK_PASSWORD", "field": "password", "message": None}
    assert bad_email["data"]["createStaff"]["errors"][0]["code"] == "INVALID_INPUT"
    assert await Staff.filter(brand_id=world.brand.id).count() == 5  # admin, operator, 2 managers, clerk
    assert all(e.changes["email"][1] != "new.person@acme.test" for e in await audit_trail("staff.create"))
