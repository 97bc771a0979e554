"""upsertCampaign and campaigns: HQ operators (and admins) only; input checked; audited."""

from __future__ import annotations

import pytest

from domain.campaigns.models import Campaign
from franchise.models import AuditEntry
from tests.authorization.conftest import CALLERS, denial_code
from tests.campaigns.support import CAMPAIGNS, UPSERT
from tests.points.support import error_codes

WRITERS = frozenset({"hq_operator", "hq_admin"})


def holiday(world, **more) -> dict:
    return {"name": "Holiday", "startsOn": "2026-12-24", "endsOn": "2026-12-26", "pointsMultiplier": "2",
            "storeIds": [str(world.store_b.id)], "memberTags": ["store A regular"], **more}


@pytest.mark.parametrize("caller", [
    pytest.param(c, id=f"{c}-{'allowed' if c in WRITERS or c == 'other_admin' else 'denied'}") for c in CALLERS])
async def test_upsert_campaign_permission(gql, world, caller):
    body = await gql(UPSERT, {"input": holiday(world)}, token=world.tokens[caller], expect_errors=True)

    if caller in WRITERS:
        made = body["data"]["upsertCampaign"]["campaign"]
        assert made["pointsMultiplier"] == "2" and made["storeIds"] == [str(world.store_b.id)]
    elif caller == "other_admin":
        # our store is not one of its brand's
        assert [e["code"] for e in body["data"]["upsertCampaign"]["errors"]] == ["INVALID_CAMPAIGN"]
        assert await Campaign.all().count() == 0
    else:
        assert error_codes(body) == [denial_code(caller)]
        assert await Campaign.all().count() == 0


@pytest.mark.parametrize("caller", [
    pytest.param(c, id=f"{c}-{'allowed' if c in WRITERS else 'denied'}") for c in CALLERS if c != "other_admin"])
async def test_campaigns_query_permission(gql, world, caller):
    await gql(UPSERT, {"input": holiday(world)}, token=world.tokens["hq_operator"])

    body = await gql(CAMPAIGNS, token=world.tokens[caller], expect_errors=True)

    if caller in WRITERS:
        assert body["data"]["campaigns"]["totalCount"] == 1
    else:
        assert error_codes(body) == [denial_code(caller)]


async def test_another_brand_sees_none_of_our_campaigns(gql, world):
    await gql(UPSERT, {"input": holiday(world)}, token=world.tokens["hq_operator"])

    body = await gql(CAMPAIGNS, token=world.tokens["other_admin"])

    assert body["data"]["campaigns"]["totalCount"] == 0


async def test_a_campaign_is_changed_by_id_and_audited(gql, world):
    made = (await gql(UPSERT, {"input": holiday(world)}, token=world.tokens["hq_operator"]))["data"]["upsertCampaign"]

    changed = await gql(UPSERT, {"input": holiday(world, id=made["campaign"]["id"], pointsMultiplier="1.5",
                                                  active=False)}, token=world.tokens["hq_operator"])
    listed = await gql(CAMPAIGNS, {"active": True}, token=world.tokens["hq_operator"])

    assert changed["data"]["upsertCampaign"]["campaign"]["pointsMultiplier"] == "1.5"
    assert listed["data"]["campaigns"]["totalCount"] == 0
    actions = await AuditEntry.filter(object_type="Campaign").order_by("id").values_list("action", flat=True)
    assert actions == ["campaign.create", "campaign.update"]


@pytest.mark.parametrize(("change", "field"), [
    ({"endsOn": "2026-12-01"}, "endsOn"),
    ({"pointsMultiplier": "0.5"}, "pointsMultiplier"),
    ({"pointsMultiplier": "2.125"}, "pointsMultiplier"),
    ({"pointsMultiplier": "1"}, "pointsMultiplier"),
    ({"weekdays": [0]}, "weekdays"),
    ({"tierLevels": [11]}, "tierLevels"),
    ({"storeIds": ["987654321"]}, "storeIds"),
    ({"id": "987654321"}, "id"),
])
async def test_bad_campaigns_are_refused_with_their_field(gql, world, change, field):
    body = await gql(UPSERT, {"input": holiday(world, **change)}, token=world.tokens["hq_operator"])

    assert [e["field"] for e in body["data"]["upsertCampaign"]["errors"]] == [field]
    assert await Campaign.all().count() == 0
