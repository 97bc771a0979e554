"""A page of a member's gift cards costs the same number of SQL queries whatever it holds."""

from domain.giftcards import claim
from policies import Principal
from tests.giftcards.support import issue_cards, make_template

PAGE = """query($id: ID!) { member(id: $id) { giftCards(first: 50) { totalCount edges { node {
  id state balance theme template { id name kind } usableStores { code } } } } } }"""


async def _claim(world, runtime, count: int) -> None:
    member = Principal.member(member_id=world.member_a.id, brand_id=world.brand.id)
    for n in range(count):
        template = await make_template(world, store_ids=[world.store_a.id] if n % 2 else None)
        [issued] = await issue_cards(world, runtime, template)
        await claim.claim_gift_card(runtime, member, code=issued.code)


async def test_a_page_of_cards_costs_a_constant_number_of_queries(gql, world, runtime, count_queries):
    await _claim(world, runtime, 2)
    with count_queries() as few:
        small = await gql(PAGE, {"id": str(world.member_a.id)}, token=world.tokens["hq_operator"])
    await _claim(world, runtime, 18)
    with count_queries() as many:
        large = await gql(PAGE, {"id": str(world.member_a.id)}, token=world.tokens["hq_operator"])

    assert small["data"]["member"]["giftCards"]["totalCount"] == 2
    assert large["data"]["member"]["giftCards"]["totalCount"] == 20
    assert {e["node"]["template"]["kind"] for e in large["data"]["member"]["giftCards"]["edges"]} == {"STORED_VALUE"}
    assert many.count == few.count
