"""The pickup-expiry job is registered on the broker and runs through it."""

from datetime import UTC, datetime, timedelta

from domain.mall import items, redemptions
from domain.mall.models import MallItem, MallItemKind, MallRedemption, RedemptionState
from policies import Principal
from server import jobs
from tests.factories import hq
from tests.mall.support import all_consistent, balance_of


async def test_cancel_expired_pickups_task_on_the_in_process_broker(shop):
    # given a pickup redeemed 10 days ago with a 7-day window
    item = await items.upsert_mall_item(hq(shop.admin), items.ItemInput(
        name="Roll", kind=MallItemKind.PICKUP, points_price=10, stock=4))
    member = Principal.member(member_id=shop.member_a.id, brand_id=shop.brand.id)
    await redemptions.redeem_mall_item(member, item_id=item.id, quantity=1, idempotency_key="k-1",
                                       now=datetime.now(UTC) - timedelta(days=10))
    broker = jobs.make_broker(None)

    # when the task is kicked
    handle = await broker.find_task("cancel_expired_pickups").kiq()
    result = await handle.wait_result(timeout=30)

    # then the pickup was cancelled with its points and stock back
    assert not result.is_err and result.return_value == 1
    assert (await MallRedemption.get(member_id=shop.member_a.id)).state is RedemptionState.CANCELLED
    assert await balance_of(shop.member_a) == 100
    assert (await MallItem.get(id=item.id)).stock == 4
    await all_consistent()
