"""Who may call each engagement operation: check-in, posts and comments are the member's;
activities the member's or a partner's (`points:earn`); the feed is read by members and
staff (store staff their stores'); HQ operators hide posts and read the settings, which only
HQ admins change. Every refused call changes nothing."""

from __future__ import annotations

import pytest

from domain.engagement.models import ActivityRecord, CheckIn, EngagementSettings, Post, PostComment
from domain.points.models import PointsLedgerEntry
from tests.authorization.conftest import CALLERS, denial_code
from tests.engagement.support import (
    CHECK_IN, COMMENT, CREATE_POST, POSTS, RECORD_ACTIVITY, SETTINGS, UPDATE_SETTINGS, earn_by_activities,
)
from tests.factories import make_api_client
from tests.points.support import error_codes

ALL_CALLERS = (*CALLERS, "partner_earn")
MODELS = (ActivityRecord, CheckIn, EngagementSettings, Post, PostComment, PointsLedgerEntry)


async def rows() -> dict:
    return {m.__name__: await m.all().order_by("id").values() for m in MODELS}


@pytest.fixture
async def scene(world):
    world.tokens["partner_earn"] = await make_api_client(world.admin, ["points:earn"])
    await earn_by_activities(world)
    world.post = await Post.create(brand_id=world.brand.id, member_id=world.member_b.id, text="hello")
    return world


CASES = {
    "checkIn": (CHECK_IN, lambda w: None, {"member"}),
    "recordActivity": (RECORD_ACTIVITY, lambda w: {"activity": "SHARE", "reference": "s-1",
                                                    "memberId": str(w.member_a.id)}, {"member", "partner_earn"}),
    "createPost": (CREATE_POST, lambda w: {"text": "hi"}, {"member"}),
    "commentOnPost": (COMMENT, lambda w: {"postId": str(w.post.id), "text": "hi"}, {"member"}),
    "updateEngagementSettings": (UPDATE_SETTINGS, lambda w: {"streakBonus": 20}, {"hq_admin"}),
}
MATRIX = [pytest.param(name, caller, id=f"{name}-{caller}-{'allowed' if caller in allowed else 'denied'}")
          for name, (_, _, allowed) in CASES.items() for caller in ALL_CALLERS]


@pytest.mark.parametrize(("mutation", "caller"), MATRIX)
async def test_engagement_mutation_permission(gql, scene, mutation, caller):
    document, make_input, allowed = CASES[mutation]
    before = await rows()

    body = await gql(document, {"input": make_input(scene)}, token=scene.tokens[caller], expect_errors=True)

    if caller in allowed:
        assert not body.get("errors") and body["data"][mutation]["errors"] == [], body
        assert await rows() != before
    elif caller == "other_admin" and mutation == "updateEngagementSettings":
        # its own brand's settings, never ours
        assert body["data"][mutation]["errors"] == []
        assert await EngagementSettings.filter(brand_id=scene.brand.id).count() == 0
    else:
        assert error_codes(body) == [denial_code(caller)], body
        assert await rows() == before


SETTINGS_READERS = {"hq_operator", "hq_admin", "other_admin"}
FEED_READERS = {"member", "clerk_a", "manager_a", "manager_b", "hq_operator", "hq_admin", "other_admin"}


@pytest.mark.parametrize("caller", ALL_CALLERS)
async def test_engagement_queries_permission(gql, scene, caller):
    settings = await gql(SETTINGS, token=scene.tokens[caller], expect_errors=True)
    feed = await gql(POSTS, token=scene.tokens[caller], expect_errors=True)

    if caller in SETTINGS_READERS:
        assert settings["data"]["engagementSettings"]["streakDays"] == 7
    else:
        assert error_codes(settings) == [denial_code(caller)]
    if caller in FEED_READERS:
        # store staff see their stores' posts only; another brand sees none of ours
        expected = 1 if caller in {"member", "hq_operator", "hq_admin"} else 0
        assert feed["data"]["posts"]["totalCount"] == expected
    else:
        assert error_codes(feed) == [denial_code(caller)]


async def test_settings_are_checked(gql, scene):
    body = await gql(UPDATE_SETTINGS, {"input": {"streakDays": 1, "webhookUrl": "https://x.test/hook"}},
                     token=scene.tokens["hq_admin"])
    hook = await gql(UPDATE_SETTINGS, {"input": {"webhookUrl": "https://x.test/hook"}}, token=scene.tokens["hq_admin"])
    good = await gql(UPDATE_SETTINGS, {"input": {"campaignRule": "PRIORITY", "expiryReminderDays": 3,
                                                 "webhookUrl": "https://x.test/hook",
                                                 "webhookSecret": "s" * 20}}, token=scene.tokens["hq_admin"])

    assert [e["field"] for e in body["data"]["updateEngagementSettings"]["errors"]] == ["streakDays"]
    assert [e["field"] for e in hook["data"]["updateEngagementSettings"]["errors"]] == ["webhookSecret"]
    assert good["data"]["updateEngagementSettings"]["settings"] == {
        "streakDays": 7, "streakBonus": 0, "expiryReminderDays": 3, "campaignRule": "PRIORITY",
        "webhookUrl": "https://x.test/hook"}
