import asyncio
from datetime import date, datetime, timezone

from domain.members.models import Member
from domain.points.models import PointsAccount
from domain.points.verify import verify_ledgers
from domain.tiers import service as tiers
from domain.tiers.birthdays import grant_birthday_rewards
from domain.tiers.models import TierMode
from tests.factories import hq, make_brand, make_member, make_store


async def qualify(brand_id, member_id, **kwargs):
    """Count a purchase under the brand's programme, as recordPurchase does."""
    from domain.tiers.models import TierProgram

    return await tiers.qualify(brand_id, member_id, program=await TierProgram.get(brand_id=brand_id), **kwargs)



async def program_with_birthday_points(admin):
    await tiers.update_tier_program(hq(admin), mode=TierMode.SPEND, evaluation_months=12, levels=[
        tiers.Level(level=1, name="Silver", threshold=0, birthday_points=50),
        tiers.Level(level=2, name="Gold", threshold=100_000, birthday_points=200),
        tiers.Level(level=3, name="Black", threshold=500_000, birthday_points=500),
    ])


async def test_birthday_points_of_the_members_level_once_a_year_on_the_local_day():
    brand, admin = await make_brand("acme")
    store = await make_store(admin, "A")
    member = await make_member(brand, store)
    await Member.filter(id=member.id).update(birthday=date(1990, 6, 2))
    await program_with_birthday_points(admin)
    await qualify(brand.id, member.id, spend_minor=150_000, at=datetime(2026, 1, 1, tzinfo=timezone.utc))

    # 1 June 15:59 UTC is still 1 June in Shanghai; 16:00 UTC is 2 June there
    assert await grant_birthday_rewards(datetime(2026, 6, 1, 15, 59, tzinfo=timezone.utc)) == 0
    runs = await asyncio.gather(*(grant_birthday_rewards(datetime(2026, 6, 1, 16, 0, tzinfo=timezone.utc))
                                  for _ in range(3)))

    assert sum(runs) == 1
    assert (await PointsAccount.get(member_id=member.id)).balance == 200  # Gold's gift
    assert await verify_ledgers() == []


async def test_a_leap_day_birthday_is_celebrated_on_28_february_in_other_years():
    brand, admin = await make_brand("acme")
    store = await make_store(admin, "A")
    member = await make_member(brand, store)
    await Member.filter(id=member.id).update(birthday=date(2000, 2, 29))
    await program_with_birthday_points(admin)
    await qualify(brand.id, member.id, spend_minor=1, at=datetime(2027, 1, 1, tzinfo=timezone.utc))

    assert await grant_birthday_rewards(datetime(2027, 2, 28, 4, 0, tzinfo=timezone.utc)) == 1
    assert (await PointsAccount.get(member_id=member.id)).balance == 50
