"""Rule tags: the job adds the tag to members who meet the rule and removes it from those who
no longer do, in set-based statements; manual tags of the same name are left alone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.members.models import MemberTag, TagKind
from domain.segments.errors import SegmentErrorCode
from domain.segments.models import TagRuleKind
from domain.segments.rules import TagRuleInput, recompute_rule_tags, upsert_tag_rule
from domain.segments.tags import tag_members
from franchise.errors import DomainError
from tests.factories import hq
from tests.segments.support import NOW, buy, tag


async def tagged(name: str) -> set[int]:
    return set(await MemberTag.filter(tag=name).values_list("member_id", flat=True))


async def test_spent_at_least_adds_then_removes_as_spend_ages(world):
    await buy(world.member_a, world.store_a.id, 120_000, NOW - timedelta(days=10))
    await buy(world.member_b, world.store_b.id, 50_000, NOW - timedelta(days=10))
    await upsert_tag_rule(hq(world.admin), TagRuleInput(tag="big-spender", kind=TagRuleKind.SPENT_AT_LEAST,
                                                        threshold=100_000, days=90), now=NOW)

    assert await tagged("big-spender") == {world.member_a.id}
    assert (await MemberTag.get(tag="big-spender")).kind is TagKind.RULE

    # 100 days later the spend is out of the window
    assert await recompute_rule_tags(now=NOW + timedelta(days=100)) == 1
    assert await tagged("big-spender") == set()


async def test_refunds_count_net(world):
    await buy(world.member_a, world.store_a.id, 120_000, NOW - timedelta(days=1), refunded_minor=30_000)
    await upsert_tag_rule(hq(world.admin), TagRuleInput(tag="big-spender", kind=TagRuleKind.SPENT_AT_LEAST,
                                                        threshold=100_000, days=90), now=NOW)

    assert await tagged("big-spender") == set()


async def test_stores_at_least_counts_distinct_stores(world):
    await buy(world.member_a, world.store_a.id, 1000, NOW - timedelta(days=3))
    await buy(world.member_a, world.store_b.id, 1000, NOW - timedelta(days=2))
    await buy(world.member_b, world.store_b.id, 1000, NOW - timedelta(days=3))
    await buy(world.member_b, world.store_b.id, 1000, NOW - timedelta(days=2))

    await upsert_tag_rule(hq(world.admin), TagRuleInput(tag="multi-store", kind=TagRuleKind.STORES_AT_LEAST,
                                                        threshold=2, days=30), now=NOW)

    assert await tagged("multi-store") == {world.member_a.id}


async def test_orders_at_least_and_a_second_run_changes_nothing(world):
    for day in (1, 2, 3):
        await buy(world.member_b, world.store_b.id, 1000, NOW - timedelta(days=day))
    await upsert_tag_rule(hq(world.admin), TagRuleInput(tag="frequent", kind=TagRuleKind.ORDERS_AT_LEAST,
                                                        threshold=3, days=30), now=NOW)

    assert await recompute_rule_tags(now=NOW) == 0
    assert await tagged("frequent") == {world.member_b.id}


async def test_a_manual_tag_of_the_same_name_survives_the_rule(world):
    await tag(world.member_b, "frequent")
    await upsert_tag_rule(hq(world.admin), TagRuleInput(tag="frequent", kind=TagRuleKind.ORDERS_AT_LEAST,
                                                        threshold=3, days=30), now=NOW)

    await recompute_rule_tags(now=NOW)

    assert await MemberTag.filter(tag="frequent").values_list("member_id", "kind") == [
        (world.member_b.id, TagKind.MANUAL)]


async def test_hq_tagging_a_member_the_rule_tagged_keeps_the_tag_after_the_rule_lets_go(world):
    await buy(world.member_a, world.store_a.id, 120_000, NOW - timedelta(days=10))
    await upsert_tag_rule(hq(world.admin), TagRuleInput(tag="vip", kind=TagRuleKind.SPENT_AT_LEAST,
                                                        threshold=100_000, days=90), now=NOW)

    change = await tag_members(hq(world.admin), member_ids=[world.member_a.id], tag="vip")
    await recompute_rule_tags(now=NOW + timedelta(days=100))

    assert change.member_ids == [world.member_a.id]
    assert await MemberTag.filter(tag="vip").values_list("member_id", "kind") == [(world.member_a.id, TagKind.MANUAL)]


async def test_deactivating_a_rule_removes_its_tags(world):
    await buy(world.member_a, world.store_a.id, 120_000, NOW - timedelta(days=10))
    rule = await upsert_tag_rule(hq(world.admin), TagRuleInput(tag="vip", kind=TagRuleKind.SPENT_AT_LEAST,
                                                               threshold=100_000, days=90), now=NOW)

    await upsert_tag_rule(hq(world.admin), TagRuleInput(tag="vip", kind=TagRuleKind.SPENT_AT_LEAST,
                                                        threshold=100_000, days=90, active=False), rule.id, now=NOW)

    assert await tagged("vip") == set()


async def test_rules_of_one_brand_never_tag_another(world):
    await buy(world.other_member, world.other_store.id, 500_000, NOW - timedelta(days=1))

    await upsert_tag_rule(hq(world.admin), TagRuleInput(tag="vip", kind=TagRuleKind.SPENT_AT_LEAST,
                                                        threshold=1, days=90), now=NOW)

    assert await tagged("vip") == set()


@pytest.mark.parametrize(("given", "field"), [
    (TagRuleInput(tag="x", kind=TagRuleKind.ORDERS_AT_LEAST, threshold=0, days=30), "threshold"),
    (TagRuleInput(tag="x", kind=TagRuleKind.ORDERS_AT_LEAST, threshold=2, days=0), "days"),
])
async def test_meaningless_rules_are_refused(world, given, field):
    with pytest.raises(DomainError) as refused:
        await upsert_tag_rule(hq(world.admin), given)

    assert refused.value.code is SegmentErrorCode.INVALID_TAG_RULE and refused.value.field == field
