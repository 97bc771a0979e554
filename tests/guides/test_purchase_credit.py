"""Purchases record their shopping guide: the one named (staff of the sale's store, else a
UserError and nothing recorded), else the member's guide when the sale is at its store. Members
enrolled by a staff member are that staff member's new members."""

from __future__ import annotations

from domain.members.models import Member
from domain.points.models import Purchase
from franchise import staff as staff_service
from tests.factories import hq
from tests.guides.support import give_guide, purchase
from tests.points.support import RECORD, payload_errors, purchase_input

REGISTER = """mutation($input: RegisterMemberInput!) { registerMember(input: $input) { member { id } errors { code } } }"""
RECORD_WITH_GUIDE = """mutation($input: RecordPurchaseInput!) { recordPurchase(input: $input) {
  purchase { orderId guide { id name } } errors { code field } } }"""


async def test_named_guide_of_the_store_is_recorded(gql, guides):
    g = guides
    input = purchase_input(g, "o-1", guideId=str(g.clerk_a2.id))

    body = (await gql(RECORD_WITH_GUIDE, {"input": input}, token=g.tokens["clerk_a"]))["data"]["recordPurchase"]

    assert body["purchase"]["guide"] == {"id": str(g.clerk_a2.id), "name": g.clerk_a2.name}
    assert (await Purchase.get(order_id="o-1")).guide_id == g.clerk_a2.id


async def test_a_guide_of_another_store_or_inactive_is_refused_and_nothing_recorded(gql, guides):
    g = guides
    await staff_service.update_staff_role(hq(g.admin), staff_id=g.clerk_a2.id, active=False)

    other_store = await gql(RECORD, {"input": purchase_input(g, "o-1", guideId=str(g.clerk_b.id))},
                            token=g.tokens["clerk_a"])
    inactive = await gql(RECORD, {"input": purchase_input(g, "o-2", guideId=str(g.clerk_a2.id))},
                         token=g.tokens["clerk_a"])
    other_brand = await gql(RECORD, {"input": purchase_input(g, "o-3", guideId=str(g.other_admin.id))},
                            token=g.tokens["clerk_a"])

    for body in (other_store, inactive, other_brand):
        assert payload_errors(body["data"]["recordPurchase"]) == [("GUIDE_NOT_OF_STORE", "guideId")]
    assert await Purchase.all().count() == 0


async def test_without_a_named_guide_the_members_guide_is_credited_at_its_store_only(guides):
    g = guides
    await give_guide(g, g.clerk_a, g.member_a)

    at_home = await purchase(g, g.member_a, "o-1", "10")
    elsewhere = await purchase(g, g.member_a, "o-2", "10", store=g.store_b)
    unguided = await purchase(g, g.member_b, "o-3", "10", store=g.store_b)
    await staff_service.update_staff_role(hq(g.admin), staff_id=g.clerk_a.id, active=False)
    guide_gone = await purchase(g, g.member_a, "o-4", "10")

    assert at_home.purchase.guide_id == g.clerk_a.id
    assert elsewhere.purchase.guide_id is None
    assert unguided.purchase.guide_id is None
    assert guide_gone.purchase.guide_id is None


async def test_a_named_guide_wins_over_the_members_guide(guides):
    g = guides
    await give_guide(g, g.clerk_a, g.member_a)

    done = await purchase(g, g.member_a, "o-1", "10", guide_id=g.manager_a.id)

    assert done.purchase.guide_id == g.manager_a.id


async def test_staff_who_register_a_member_are_recorded_partners_are_not(gql, guides):
    g = guides

    by_clerk = await gql(REGISTER, {"input": {"phone": "+8613900000001"}}, token=g.tokens["clerk_a"])
    by_partner = await gql(REGISTER, {"input": {"phone": "+8613900000002", "homeStoreId": str(g.store_a.id)}},
                           token=g.tokens["partner"])

    clerk_member = await Member.get(id=by_clerk["data"]["registerMember"]["member"]["id"])
    partner_member = await Member.get(id=by_partner["data"]["registerMember"]["member"]["id"])
    assert clerk_member.registered_by_staff_id == g.clerk_a.id
    assert partner_member.registered_by_staff_id is None


async def test_a_retried_order_answers_as_first_recorded_after_its_guide_left(gql, guides):
    g = guides
    input = purchase_input(g, "o-1", guideId=str(g.clerk_a2.id))
    await gql(RECORD_WITH_GUIDE, {"input": input}, token=g.tokens["clerk_a"])
    await staff_service.update_staff_role(hq(g.admin), staff_id=g.clerk_a2.id, active=False)

    retry = (await gql(RECORD_WITH_GUIDE, {"input": input}, token=g.tokens["clerk_a"]))["data"]["recordPurchase"]

    assert retry["errors"] == []
    assert retry["purchase"]["orderId"] == "o-1"
    assert (await Purchase.get(order_id="o-1")).guide_id == g.clerk_a2.id
