"""GiftCardTemplate is a federation entity resolved under the root query's rules; the report
hook sums outstanding stored value per usable-store scope and per brand."""

from dataclasses import replace

import pytest

from domain.giftcards import claim, payments, pickup
from domain.giftcards.models import GiftCardKind
from domain.giftcards.reports import brand_report, gift_card_report
from franchise.models import Staff
from policies import NotAuthorized, Principal, Role
from tests.factories import hq
from tests.giftcards.support import error_codes, issue_cards, make_template, one_card

ENTITIES = """query($reps: [_Any!]!) { _entities(representations: $reps) {
  ... on GiftCardTemplate { id name kind faceValue salePrice } } }"""


async def test_a_template_entity_resolves_for_the_callers_who_may_read_templates(gql, world):
    on_sale = await make_template(world, sale_price="90.00")
    staff_only = await make_template(world)
    reps = [{"__typename": "GiftCardTemplate", "id": str(t.id)} for t in (on_sale, staff_only)]

    operator = await gql(ENTITIES, {"reps": reps}, token=world.tokens["hq_operator"])
    member = await gql(ENTITIES, {"reps": reps}, token=world.tokens["member"])
    rival = await gql(ENTITIES, {"reps": reps}, token=world.tokens["other_admin"])
    anonymous = await gql(ENTITIES, {"reps": reps}, expect_errors=True)
    partner = await gql(ENTITIES, {"reps": reps}, token=world.tokens["partner"], expect_errors=True)

    assert [e["id"] for e in operator["data"]["_entities"]] == [str(on_sale.id), str(staff_only.id)]
    assert operator["data"]["_entities"][0]["faceValue"] == "100.00"
    assert member["data"]["_entities"] == [{"id": str(on_sale.id), "name": on_sale.name, "kind": "STORED_VALUE",
                                            "faceValue": "100.00", "salePrice": "90.00"}, None]
    assert rival["data"]["_entities"] == [None, None]
    assert set(error_codes(anonymous)) == {"UNAUTHENTICATED"}
    assert set(error_codes(partner)) == {"FORBIDDEN"}


async def test_the_report_sums_outstanding_stored_value_per_store_scope_and_brand(world, runtime):
    everywhere = await make_template(world)
    store_a_only = await make_template(world, face_value="50.00", store_ids=[world.store_a.id])
    cards = await issue_cards(world, runtime, everywhere, count=3)
    [a_card] = await issue_cards(world, runtime, store_a_only)
    await one_card(world, runtime, GiftCardKind.PICKUP)
    admin = hq(world.admin)
    await payments.pay_with_gift_card(runtime, admin, store_id=world.store_b.id, amount="30.00", order_id="o-1",
                                      code=cards[0].code)
    await payments.pay_with_gift_card(runtime, admin, store_id=world.store_a.id, amount="50.00", order_id="o-2",
                                      code=a_card.code)
    await payments.refund_gift_card_payment(admin, order_id="o-2")
    _, _, pickup_code = await one_card(world, runtime, GiftCardKind.PICKUP)
    await pickup.redeem_pickup_card(runtime, admin, store_id=world.store_a.id, idempotency_key="k",
                                    code=pickup_code)
    await claim.claim_gift_card(runtime, Principal.member(member_id=world.member_a.id, brand_id=world.brand.id),
                                code=cards[1].code)
    await one_card(replace(world, admin=world.other_admin), runtime)  # a card of the other brand

    report = await gift_card_report(hq(world.admin))

    assert report.outstanding_minor == 270_00 + 50_00
    assert [(s.store_ids, s.outstanding_minor, s.cards) for s in report.by_scope] == [
        (None, 270_00, 3), ((world.store_a.id,), 50_00, 1)]
    assert report.cards_by_kind_and_state[("STORED_VALUE", "ACTIVE")] == 3
    assert report.cards_by_kind_and_state[("STORED_VALUE", "CLAIMED")] == 1
    assert report.cards_by_kind_and_state[("PICKUP", "ACTIVE")] == 2
    assert report.redemptions_by_kind == {"PAY": 2, "PICKUP": 1}
    assert (report.paid_minor, report.refunded_minor) == (80_00, 50_00)
    assert (await brand_report(world.other_brand.id)).outstanding_minor == 100_00


async def test_store_staff_may_not_read_the_report(world):
    clerk = await Staff.filter(brand_id=world.brand.id, role="store_clerk").first()
    with pytest.raises(NotAuthorized):
        await gift_card_report(Principal.staff(staff_id=clerk.id, brand_id=world.brand.id,
                                               role=Role(clerk.role), store_id=clerk.store_id))
