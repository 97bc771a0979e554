import pytest
from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.transactions import in_transaction

from domain.points import purchases
from domain.points.models import PointsAccount, PointsLot
from tests.conftest import ON_POSTGRES
from tests.factories import hq, make_brand, make_member, make_store


@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL: the balance CHECK constraints exist there only "
                    "(SQLite cannot add them to existing tables; see migration 0003)")
async def test_the_database_refuses_a_negative_balance_or_lot_whatever_the_code_does():
    brand, admin = await make_brand("acme")
    store = await make_store(admin, "A")
    member = await make_member(brand, store)
    await purchases.record_purchase(hq(admin), member_id=member.id, store_id=store.id, amount="10",
                                    order_id="o-1", channel=purchases.Channel.POS)

    for update in (PointsAccount.filter(member_id=member.id).update(balance=-1),
                   PointsAccount.filter(member_id=member.id).update(debt=-1),
                   PointsLot.filter(member_id=member.id).update(remaining=-1),
                   PointsLot.filter(member_id=member.id).update(remaining=11)):
        with pytest.raises((IntegrityError, OperationalError)):
            async with in_transaction():
                await update

    assert (await PointsAccount.get(member_id=member.id)).balance == 10
