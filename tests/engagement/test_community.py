"""The community feed: posts and comments earn within caps; HQ hides a post; a store's feed
shows its posts; store staff read their store's feed only."""

from __future__ import annotations

from tests.engagement.support import COMMENT, CREATE_POST, HIDE, POSTS, earn_by_activities
from tests.points.support import balance_of, error_codes


async def post(gql, world, text: str, store=None, token=None) -> dict:
    input = {"text": text, "imageUrls": ["https://img.example/1.jpg"], "tags": ["latte"]}
    if store is not None:
        input["storeId"] = str(store.id)
    body = await gql(CREATE_POST, {"input": input}, token=token or world.tokens["member"])
    return body["data"]["createPost"]


async def test_posts_and_comments_earn_within_their_caps(gql, world):
    await earn_by_activities(world)  # POST 10 (cap 10 a day), COMMENT 2 (cap 4)
    first = await post(gql, world, "New matcha latte!", world.store_a)
    second = await post(gql, world, "And again")
    comments = [(await gql(COMMENT, {"input": {"postId": first["post"]["id"], "text": f"yum {n}"}},
                           token=world.tokens["member"]))["data"]["commentOnPost"] for n in range(3)]

    assert (first["pointsEarned"], second["pointsEarned"]) == (10, 0)
    assert first["post"]["store"] == {"code": "A"} and first["post"]["tags"] == ["latte"]
    assert [c["pointsEarned"] for c in comments] == [2, 2, 0]
    assert await balance_of(world.member_a) == 14


async def test_bad_posts_are_refused_with_their_field(gql, world):
    body = await gql(CREATE_POST, {"input": {"text": "hi", "imageUrls": ["http://insecure/x.jpg"]}},
                     token=world.tokens["member"])

    assert [(e["code"], e["field"]) for e in body["data"]["createPost"]["errors"]] == [("INVALID_INPUT", "imageUrls")]


async def test_hq_hides_a_post_from_every_feed_but_its_own(gql, world):
    shown = await post(gql, world, "fine", world.store_a)
    hidden = await post(gql, world, "spam", world.store_a)

    done = await gql(HIDE, {"input": {"postId": hidden["post"]["id"]}}, token=world.tokens["hq_operator"])
    comment = await gql(COMMENT, {"input": {"postId": hidden["post"]["id"], "text": "x"}}, token=world.tokens["member"])

    assert done["data"]["hidePost"]["post"]["hidden"] is True
    assert [e["code"] for e in comment["data"]["commentOnPost"]["errors"]] == ["POST_NOT_FOUND"]
    member_feed = (await gql(POSTS, token=world.tokens["member"]))["data"]["posts"]
    hq_feed = (await gql(POSTS, token=world.tokens["hq_operator"]))["data"]["posts"]
    assert [e["node"]["text"] for e in member_feed["edges"]] == ["fine"]
    assert [e["node"]["text"] for e in hq_feed["edges"]] == ["spam", "fine"]
    assert shown["post"]["hidden"] is False


async def test_a_stores_feed_shows_its_posts_and_store_staff_read_their_own(gql, world):
    await post(gql, world, "at A", world.store_a)
    await post(gql, world, "at B", world.store_b)
    await post(gql, world, "anywhere")

    at_b = (await gql(POSTS, {"storeId": str(world.store_b.id)}, token=world.tokens["member"]))["data"]["posts"]
    clerk = (await gql(POSTS, token=world.tokens["clerk_a"]))["data"]["posts"]
    clerk_b = await gql(POSTS, {"storeId": str(world.store_b.id)}, token=world.tokens["clerk_a"], expect_errors=True)
    rival = (await gql(POSTS, token=world.tokens["other_admin"]))["data"]["posts"]

    assert [e["node"]["text"] for e in at_b["edges"]] == ["at B"]
    assert [e["node"]["text"] for e in clerk["edges"]] == ["at A"]
    assert error_codes(clerk_b) == ["FORBIDDEN"]
    assert rival["totalCount"] == 0


async def test_only_hq_hides_posts(gql, world):
    made = await post(gql, world, "text")
    for caller in ("member", "clerk_a", "manager_a", "partner", "other_admin"):
        body = await gql(HIDE, {"input": {"postId": made["post"]["id"]}}, token=world.tokens[caller],
                         expect_errors=True)
        if caller == "other_admin":
            assert [e["code"] for e in body["data"]["hidePost"]["errors"]] == ["POST_NOT_FOUND"]
        else:
            assert error_codes(body) == ["FORBIDDEN"], caller
