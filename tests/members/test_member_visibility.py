from tests.factories import make_world

MEMBER = "query($id: ID!) { member(id: $id) { id name phone homeStore { code } } }"


async def test_store_manager_reads_own_store_member_with_full_phone(gql, tokens):
    world = await make_world(tokens)

    body = await gql(MEMBER, {"id": world.member_a.id}, token=world.tokens["manager_a"])

    assert body["data"]["member"]["homeStore"]["code"] == "A"
    assert body["data"]["member"]["phone"] == world.member_a.phone


async def test_store_manager_cannot_read_member_of_another_store(gql, tokens):
    world = await make_world(tokens)

    body = await gql(MEMBER, {"id": world.member_b.id}, token=world.tokens["manager_a"], expect_errors=True)

    assert body["data"]["member"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
