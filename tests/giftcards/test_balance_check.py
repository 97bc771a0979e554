import pytest
from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.transactions import in_transaction

from domain.giftcards.models import GiftCard, GiftCardKind
from tests.conftest import ON_POSTGRES
from tests.giftcards.support import one_card


@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL: the CHECK constraint exists there only "
                    "(migration 0005, as 0003 for points)")
async def test_the_database_refuses_a_negative_card_balance_or_uses_whatever_the_code_does(world, runtime):
    _, card, _ = await one_card(world, runtime)
    _, pickup_card, _ = await one_card(world, runtime, GiftCardKind.PICKUP)

    for update in (GiftCard.filter(id=card.id).update(balance_minor=-1),
                   GiftCard.filter(id=pickup_card.id).update(uses_left=-1)):
        with pytest.raises((IntegrityError, OperationalError)):
            async with in_transaction():
                await update

    assert (await GiftCard.get(id=card.id)).balance_minor == 100_00
