import pytest

from domain.points import rules
from tests.mall.support import give_points


@pytest.fixture
async def shop(world):
    """The world with the points rules stored and member A holding 100 points."""
    await rules.current_rules(world.brand.id)
    await give_points(world, world.member_a, "100.00", "seed-a")
    return world
