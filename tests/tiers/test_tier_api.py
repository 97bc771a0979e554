import pytest

from domain.points import purchases
from domain.tiers.models import TierProgram
from tests.factories import hq

UPDATE = """mutation($levels: [TierLevelInput!]!) {
  updateTierProgram(input: {mode: SPEND, evaluationMonths: 12, levels: $levels}) {
    program { mode evaluationMonths levels { level name threshold pointsMultiplier } } errors { code field } } }"""
LEVELS = [
    {"level": 1, "name": "Silver", "threshold": "0"},
    {"level": 2, "name": "Gold", "threshold": "1000", "pointsMultiplier": "1.5", "welcomePoints": 100},
    {"level": 3, "name": "Black", "threshold": "5000", "pointsMultiplier": "2", "discountPercent": 12},
]
PROGRESS = """query($id: ID!) { member(id: $id) { tier { level name discountPercent }
  tierProgress { level qualifying stillNeeded nextLevel { level name threshold } } } }"""


async def test_hq_admin_sets_the_program_and_store_staff_read_it(gql, world):
    body = await gql(UPDATE, {"levels": LEVELS}, token=world.tokens["hq_admin"])

    program = body["data"]["updateTierProgram"]["program"]
    assert [lv["threshold"] for lv in program["levels"]] == ["0.00", "1000.00", "5000.00"]
    read = await gql("{ tierProgram { mode levels { name } } }", token=world.tokens["clerk_a"])
    assert [lv["name"] for lv in read["data"]["tierProgram"]["levels"]] == ["Silver", "Gold", "Black"]


@pytest.mark.parametrize("caller", ["hq_operator", "manager_a", "clerk_a", "partner", "member", "anonymous"])
async def test_only_hq_admin_changes_the_tier_program(gql, world, caller):
    body = await gql(UPDATE, {"levels": LEVELS}, token=world.tokens[caller], expect_errors=True)

    expected = "UNAUTHENTICATED" if caller == "anonymous" else "FORBIDDEN"
    assert body["errors"][0]["extensions"]["code"] == expected
    assert await TierProgram.all().count() == 0


async def test_another_brands_admin_changes_only_its_own_program(gql, world):
    await gql(UPDATE, {"levels": LEVELS}, token=world.tokens["other_admin"])

    assert await TierProgram.filter(brand_id=world.brand.id).count() == 0
    assert await TierProgram.filter(brand_id=world.other_brand.id).count() == 1


async def test_a_bad_program_is_a_user_error(gql, world):
    body = await gql(UPDATE, {"levels": LEVELS[:2]}, token=world.tokens["hq_admin"])

    assert body["data"]["updateTierProgram"]["errors"] == [{"code": "INVALID_INPUT", "field": "levels"}]


async def test_member_sees_how_far_the_next_level_is(gql, world):
    await gql(UPDATE, {"levels": LEVELS}, token=world.tokens["hq_admin"])
    await purchases.record_purchase(hq(world.admin), member_id=world.member_a.id, store_id=world.store_a.id,
                                    amount="800", order_id="o-1", channel=purchases.Channel.POS)

    body = await gql(PROGRESS, {"id": world.member_a.id}, token=world.tokens["member"])

    assert body["data"]["member"]["tier"] == {"level": 1, "name": "Silver", "discountPercent": 0}
    assert body["data"]["member"]["tierProgress"] == {
        "level": 1, "qualifying": "800.00", "stillNeeded": "200.00",
        "nextLevel": {"level": 2, "name": "Gold", "threshold": "1000.00"},
    }


async def test_tier_and_progress_together_read_the_standing_once(gql, world, count_queries):
    await gql(UPDATE, {"levels": LEVELS}, token=world.tokens["hq_admin"])
    both = "query($id: ID!) { member(id: $id) { tier { level } tierProgress { level } } }"
    one = "query($id: ID!) { member(id: $id) { tierProgress { level } } }"

    with count_queries() as alone:
        await gql(one, {"id": world.member_a.id}, token=world.tokens["manager_a"])
    with count_queries() as together:
        await gql(both, {"id": world.member_a.id}, token=world.tokens["manager_a"])

    assert together.count == alone.count
