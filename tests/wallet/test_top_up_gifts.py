"""A top-up plan's extra gifts: a coupon of each named template and a gift card already
claimed by the member, given in the top-up's transaction, once per payment reference."""

from datetime import UTC, datetime, timedelta

from domain.coupons.models import Coupon
from domain.giftcards.models import GiftCard, GiftCardKind, GiftCardLedgerEntry, GiftCardState
from tests.giftcards.support import make_template
from tests.wallet.support import TOP_UP, UPSERT_PLAN, make_coupon_template, make_plan, payload_errors, top_up


def top_up_input(world, ref: str = "t-1", **more) -> dict:
    return {"memberId": str(world.member_a.id), "storeId": str(world.store_a.id), "paymentReference": ref, **more}


async def send_top_up(gql, world, ref: str = "t-1", **more) -> dict:
    body = await gql(TOP_UP, {"input": top_up_input(world, ref, **more)}, token=world.tokens["clerk_a"])
    return body["data"]["topUpWallet"]


async def gift_plan(world, **more):
    five_off = await make_coupon_template(world, "5 off")
    ten_off = await make_coupon_template(world, "10 off", amount_off="10.00")
    card_template = await make_template(world, GiftCardKind.STORED_VALUE, face_value="50.00")
    plan = await make_plan(world, pay_minor=300_00, bonus_minor=30_00,
                           gift_coupon_template_ids=[five_off.id, ten_off.id],
                           gift_card_template_id=card_template.id, **more)
    return plan, (five_off, ten_off), card_template


async def test_hq_operator_names_coupon_and_gift_card_templates_on_a_plan(gql, world):
    coupon_template = await make_coupon_template(world)
    card_template = await make_template(world)

    body = await gql(UPSERT_PLAN, {"input": {
        "name": "pay 300 get gifts", "payAmount": "300.00", "giftCouponTemplateIds": [str(coupon_template.id)],
        "giftCardTemplateId": str(card_template.id)}}, token=world.tokens["hq_operator"])

    plan = body["data"]["upsertTopUpPlan"]
    assert plan["errors"] == []
    assert plan["plan"]["giftCouponTemplateIds"] == [str(coupon_template.id)]
    assert plan["plan"]["giftCardTemplateId"] == str(card_template.id)


async def test_gift_templates_not_of_the_brand_or_not_live_are_user_errors(gql, world):
    other_coupon = await make_coupon_template(world, admin=world.other_admin)
    ended = await make_coupon_template(world, valid_days=None, valid_until=datetime.now(UTC) + timedelta(days=1))
    ended.valid_until = datetime.now(UTC) - timedelta(minutes=1)
    await ended.save(update_fields=["valid_until"])
    inactive_card = await _deactivated(await make_template(world))

    async def upsert(**gifts) -> list:
        body = await gql(UPSERT_PLAN, {"input": {"name": "x", "payAmount": "1.00", **gifts}},
                         token=world.tokens["hq_operator"])
        return payload_errors(body["data"]["upsertTopUpPlan"])

    assert await upsert(giftCouponTemplateIds=[str(other_coupon.id)]) == [("INVALID_PLAN", "giftCouponTemplateIds")]
    assert await upsert(giftCouponTemplateIds=["999999"]) == [("INVALID_PLAN", "giftCouponTemplateIds")]
    assert await upsert(giftCardTemplateId=str(inactive_card.id)) == [("INVALID_PLAN", "giftCardTemplateId")]
    assert await upsert(giftCardTemplateId="999999") == [("INVALID_PLAN", "giftCardTemplateId")]
    assert await upsert(giftCouponTemplateIds=[str(ended.id)]) == [("INVALID_PLAN", "giftCouponTemplateIds")]


async def _deactivated(template):
    template.active = False
    await template.save(update_fields=["active"])
    return template


async def test_a_top_up_on_a_gift_plan_gives_each_coupon_and_a_claimed_card_once(gql, world):
    # given a plan giving two coupons and a gift card of 50.00
    plan, (five_off, ten_off), card_template = await gift_plan(world)

    # when the member tops up on it, and the same payment reference comes again
    done = await send_top_up(gql, world, planId=str(plan.id))
    again = await send_top_up(gql, world, planId=str(plan.id))

    # then it has one coupon of each template, from the top-up, and one card bound to it
    assert done["errors"] == [] and again["replayed"] is True
    top_up_id = done["topUp"]["id"]
    coupons = await Coupon.filter(member_id=world.member_a.id).order_by("template_id")
    assert [(c.template_id, c.source, c.idempotency_key, c.issued_store_id) for c in coupons] == [
        (five_off.id, "TOP_UP", f"topup:{top_up_id}:coupon:{five_off.id}", world.store_a.id),
        (ten_off.id, "TOP_UP", f"topup:{top_up_id}:coupon:{ten_off.id}", world.store_a.id)]
    card = await GiftCard.get(member_id=world.member_a.id)
    assert (card.template_id, card.state, card.balance_minor) == (card_template.id, GiftCardState.CLAIMED, 50_00)
    kinds = await GiftCardLedgerEntry.filter(card_id=card.id).order_by("id").values_list("kind", flat=True)
    assert [getattr(k, "value", k) for k in kinds] == ["ISSUE", "CLAIM"]
    # and the payload says what was given, the replay the same
    assert sorted(done["giftCouponIds"]) == sorted(str(c.id) for c in coupons)
    assert done["giftCardId"] == str(card.id)
    assert (sorted(again["giftCouponIds"]), again["giftCardId"]) == (sorted(done["giftCouponIds"]), str(card.id))


async def test_each_new_payment_on_the_plan_gives_its_own_gifts(world):
    plan, _, _ = await gift_plan(world)

    await top_up(world, plan=plan, ref="t-1")
    await top_up(world, plan=plan, ref="t-2")

    assert await Coupon.filter(member_id=world.member_a.id).count() == 4
    assert await GiftCard.filter(member_id=world.member_a.id, state=GiftCardState.CLAIMED).count() == 2


async def test_a_top_up_without_a_plan_gives_no_gifts(world):
    await gift_plan(world)
    done = await top_up(world, "300.00")
    assert (done.coupons, done.gift_card) == ([], None)
    assert await Coupon.all().count() == 0 and await GiftCard.all().count() == 0


async def test_a_gift_the_member_cannot_get_is_left_out_and_the_payment_still_tops_up(world):
    # given a coupon a member holds at most once, and a card template HQ deactivated after the plan
    once = await make_coupon_template(world, "once", per_member_limit=1)
    card_template = await make_template(world)
    plan = await make_plan(world, pay_minor=100_00, gift_coupon_template_ids=[once.id],
                           gift_card_template_id=card_template.id)
    first = await top_up(world, plan=plan, ref="t-1")
    await _deactivated(card_template)

    second = await top_up(world, plan=plan, ref="t-2")

    assert (len(first.coupons), first.gift_card is not None) == (1, True)
    assert (second.coupons, second.gift_card, second.principal) == ([], None, 200_00)
    assert await Coupon.filter(member_id=world.member_a.id).count() == 1
