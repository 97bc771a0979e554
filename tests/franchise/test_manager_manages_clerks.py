from policies import Role
from tests.factories import make_staff, make_world

UPDATE = """mutation($id: ID!, $active: Boolean, $role: Role, $store: ID) {
  updateStaffRole(input: {staffId: $id, active: $active, role: $role, storeId: $store}) {
    staff { active role } errors { code } } }"""


async def test_store_manager_switches_its_own_clerk_off_and_on(gql, tokens):
    world = await make_world(tokens)
    clerk = await make_staff(world.admin, Role.STORE_CLERK, world.store_a)
    clerk_token = tokens.issue(kind="staff", subject_id=clerk.id, brand_id=world.brand.id)

    off = await gql(UPDATE, {"id": clerk.id, "active": False}, token=world.tokens["manager_a"])

    assert off["data"]["updateStaffRole"]["staff"] == {"active": False, "role": "STORE_CLERK"}
    viewer = await gql("{ viewer { kind } }", token=clerk_token)
    assert viewer["data"]["viewer"]["kind"] == "ANONYMOUS"
    on = await gql(UPDATE, {"id": clerk.id, "active": True}, token=world.tokens["manager_a"])
    assert on["data"]["updateStaffRole"]["staff"]["active"] is True


async def test_store_manager_cannot_promote_move_or_touch_others(gql, tokens):
    world = await make_world(tokens)
    clerk_a = await make_staff(world.admin, Role.STORE_CLERK, world.store_a)
    clerk_b = await make_staff(world.admin, Role.STORE_CLERK, world.store_b)
    other_manager = await make_staff(world.admin, Role.STORE_MANAGER, world.store_a)
    cases = [
        {"id": clerk_a.id, "role": "STORE_MANAGER"},
        {"id": clerk_a.id, "store": world.store_b.id},
        {"id": clerk_b.id, "active": False},
        {"id": other_manager.id, "active": False},
        {"id": 999_999, "active": False},  # the same answer as for someone else's clerk
    ]

    for variables in cases:
        body = await gql(UPDATE, variables, token=world.tokens["manager_a"], expect_errors=True)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", variables

    for clerk in (clerk_a, clerk_b):
        await clerk.refresh_from_db()
        assert (clerk.active, clerk.role, clerk.store_id) == (True, "store_clerk", clerk.store_id)


async def test_clerks_and_operators_cannot_switch_staff_off(gql, tokens):
    world = await make_world(tokens)
    clerk = await make_staff(world.admin, Role.STORE_CLERK, world.store_a)

    for caller in ("clerk_a", "hq_operator", "partner", "member"):
        body = await gql(UPDATE, {"id": clerk.id, "active": False}, token=world.tokens[caller], expect_errors=True)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", caller
