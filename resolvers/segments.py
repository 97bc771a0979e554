"""Segments: tags, tag rules, RFM and segment queries; thin over domain/segments."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from strawberry.dataloader import DataLoader

from domain.members.models import Member, MemberSource
from domain.segments import rfm, rules, service, tags
from domain.segments.filters import SegmentFilter
from domain.segments.models import MemberRfm, RfmMethod, RfmSegment, TagRuleKind
from franchise import validation
from resolvers.errors import attempt, parse_id, parse_optional_id
from resolvers.pagination import Page, paginate


def segment_filter(given: Any) -> SegmentFilter:
    """The GraphQL filter input as the domain's filter (money in minor units)."""
    if given is None:
        return SegmentFilter()

    def minor(value, field: str) -> int | None:
        return None if value is None else validation.money_to_minor(value, field)

    return SegmentFilter(
        tier_levels=tuple(given.tier_levels or ()),
        tags_any=tuple(given.tags_any or ()),
        tags_all=tuple(given.tags_all or ()),
        home_store_ids=tuple(parse_id(s, "homeStoreIds") for s in given.home_store_ids or ()),
        cities=tuple(given.cities or ()),
        rfm_segments=tuple(RfmSegment(s.value) for s in given.rfm_segments or ()),
        points_min=given.points_min, points_max=given.points_max,
        wallet_min_minor=minor(given.wallet_min, "walletMin"), wallet_max_minor=minor(given.wallet_max, "walletMax"),
        expiring_within_days=given.expiring_within_days,
        expiring_at_least=given.expiring_at_least if given.expiring_at_least is not None else 1,
        last_purchase_after=given.last_purchase_after, last_purchase_before=given.last_purchase_before,
        birthday_month=given.birthday_month,
        sources=tuple(MemberSource(s.value) for s in given.sources or ()),
    )


async def segment_members(info, filter: Any, segment_id: Any, first: int, after: str | None) -> Page:
    query = await service.segment_members_query(
        info.context.principal, flt=segment_filter(filter) if filter is not None else None,
        segment_id=parse_optional_id(segment_id, "segmentId"))
    return await paginate(query, first=first, after=after)


async def _change_tags(info, input: Any, change) -> dict:
    async def work():
        done = await change(info.context.principal, member_ids=[parse_id(m, "memberIds") for m in input.member_ids],
                            tag=input.tag, store_id=parse_optional_id(input.store_id, "storeId"))
        return {"tag": done.tag, "store_id": done.store_id, "changed_member_ids": done.member_ids}

    return await attempt(work())


async def tag_members(info, input: Any) -> dict:
    return await _change_tags(info, input, tags.tag_members)


async def untag_members(info, input: Any) -> dict:
    return await _change_tags(info, input, tags.untag_members)


async def upsert_tag_rule(info, input: Any) -> dict:
    async def work():
        given = rules.TagRuleInput(tag=input.tag, kind=TagRuleKind(input.kind.value), threshold=input.threshold,
                                   days=input.days, active=input.active)
        rule = await rules.upsert_tag_rule(info.context.principal, given, parse_optional_id(input.id, "id"))
        return {"rule": rule}

    return await attempt(work())


async def tag_rules(info, first: int, after: str | None) -> Page:
    return await paginate(rules.tag_rules_query(info.context.principal), first=first, after=after)


async def update_rfm_settings(info, input: Any) -> dict:
    async def work():
        given = rfm.RfmSettingsInput(
            method=RfmMethod(input.method.value), window_days=input.window_days,
            recency_days=list(input.recency_days or []), frequency_orders=list(input.frequency_orders or []),
            monetary_minor=[validation.money_to_minor(v, "monetary") for v in input.monetary or []],
            dormant_days=input.dormant_days, new_days=input.new_days)
        return {"settings": await rfm.update_rfm_settings(info.context.principal, given)}

    return await attempt(work())


async def rfm_settings(info):
    return await rfm.read_rfm_settings(info.context.principal)


async def recompute_rfm(info) -> dict:
    async def work():
        now = datetime.now(UTC)
        scored = await rfm.recompute_rfm(info.context.principal, now=now)
        return {"scored_members": scored, "computed_at": now}

    return await attempt(work())


async def save_segment(info, input: Any) -> dict:
    async def work():
        saved = await service.save_segment(info.context.principal, name=input.name,
                                           flt=segment_filter(input.filter), segment_id=parse_optional_id(input.id, "id"))
        return {"segment": saved}

    return await attempt(work())


async def segments(info, first: int, after: str | None) -> Page:
    return await paginate(service.segments_query(info.context.principal), first=first, after=after)


def _tags_loader(info) -> DataLoader:
    principal = info.context.principal

    async def load(member_ids: list[int]) -> list[list[str]]:
        found = await tags.tags_by_member(principal, member_ids)
        return [found.get(i, []) for i in member_ids]

    return info.context.memo("segments.tags_by_member", lambda: DataLoader(load))


def _rfm_loader(info) -> DataLoader:
    principal = info.context.principal

    async def load(member_ids: list[int]) -> list[MemberRfm | None]:
        found = await service.rfm_by_member(principal, member_ids)
        return [found.get(i) for i in member_ids]

    return info.context.memo("segments.rfm_by_member", lambda: DataLoader(load))


async def member_tags(info, member: Member) -> list[str]:
    """Brand tags and the tags of the caller's stores (HQ: all), batched per page."""
    return await _tags_loader(info).load(member.id)


async def member_rfm(info, member: Member) -> MemberRfm | None:
    return await _rfm_loader(info).load(member.id)
