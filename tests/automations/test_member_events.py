"""recordMemberEvent: a partner with `events:write` reports what a member did, once per
(brand, kind, reference); a member of another brand is not found; nonsense times are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.automations.models import MemberEvent
from tests.automations.support import RECORD_EVENT
from tests.factories import make_api_client


def given(member, reference: str = "order-1", kind: str = "ORDER_DELIVERED", **more) -> dict:
    return {"input": {"memberId": str(member.id), "kind": kind, "reference": reference, **more}}


async def test_an_event_is_recorded_once_per_kind_and_reference(gql, world):
    token = await make_api_client(world.admin, ["events:write"])
    at = (datetime.now(UTC) - timedelta(hours=3)).replace(microsecond=0)

    first = await gql(RECORD_EVENT, given(world.member_a, occurredAt=at.isoformat()), token=token)
    again = await gql(RECORD_EVENT, given(world.member_a), token=token)
    reviewed = await gql(RECORD_EVENT, given(world.member_a, kind="ORDER_REVIEWED"), token=token)

    payloads = [b["data"]["recordMemberEvent"] for b in (first, again, reviewed)]
    assert [(p["replayed"], p["event"]["kind"]) for p in payloads] == [
        (False, "ORDER_DELIVERED"), (True, "ORDER_DELIVERED"), (False, "ORDER_REVIEWED")]
    assert payloads[0]["event"]["id"] == payloads[1]["event"]["id"]
    assert datetime.fromisoformat(payloads[1]["event"]["occurredAt"]) == at
    assert await MemberEvent.all().count() == 2


async def test_a_member_of_another_brand_is_not_found(gql, world):
    ours = await make_api_client(world.admin, ["events:write"])
    theirs = await make_api_client(world.other_admin, ["events:write"])

    foreign = await gql(RECORD_EVENT, given(world.other_member), token=ours)
    from_them = await gql(RECORD_EVENT, given(world.member_a), token=theirs)

    for body in (foreign, from_them):
        assert [e["code"] for e in body["data"]["recordMemberEvent"]["errors"]] == ["MEMBER_NOT_FOUND"]
    assert await MemberEvent.all().count() == 0


async def test_future_times_and_a_reference_of_another_member_are_refused(gql, world):
    token = await make_api_client(world.admin, ["events:write"])
    await gql(RECORD_EVENT, given(world.member_a), token=token)

    future = await gql(RECORD_EVENT, given(world.member_a, "order-2",
                                           occurredAt=(datetime.now(UTC) + timedelta(hours=1)).isoformat()),
                       token=token)
    stolen = await gql(RECORD_EVENT, given(world.member_b), token=token)

    assert [(e["code"], e["field"]) for e in future["data"]["recordMemberEvent"]["errors"]] == [
        ("INVALID_EVENT", "occurredAt")]
    assert [(e["code"], e["field"]) for e in stolen["data"]["recordMemberEvent"]["errors"]] == [
        ("INVALID_EVENT", "reference")]
    assert await MemberEvent.all().count() == 1


async def test_a_store_limited_partner_reports_its_stores_members_only(gql, world):
    token = await make_api_client(world.admin, ["events:write"], store_ids=[world.store_a.id])

    own = await gql(RECORD_EVENT, given(world.member_a), token=token)
    elsewhere = await gql(RECORD_EVENT, given(world.member_b, "order-2"), token=token, expect_errors=True)
    missing = await gql(RECORD_EVENT, {"input": {"memberId": "999999", "kind": "PAGE_VIEWED", "reference": "p"}},
                        token=token, expect_errors=True)

    assert own["data"]["recordMemberEvent"]["errors"] == []
    for body in (elsewhere, missing):
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert await MemberEvent.all().count() == 1
