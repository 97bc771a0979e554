"""Manual member tags: HQ tags brand-wide or for one store; a store manager tags its own
store's members with its own store's tags. A store's tags are seen by that store and HQ only.

A tag name is on a member once (brand-wide or for one store), whoever put it there: tagging a
member who already carries the name changes nothing. Untagging removes manual and automation
tags; a rule tag belongs to its rule (the rule-tag job would put it back)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from domain.members.models import Member, MemberTag, TagKind
from domain.segments.errors import SegmentErrorCode
from franchise import audit, validation
from franchise.errors import DomainError
from franchise.models import Store
from policies import NotAuthorized, Principal, authorize, store_scope

MAX_MEMBERS = 500


@dataclass
class TagChange:
    tag: str
    store_id: int | None
    member_ids: list[int]  # the members whose tags changed (added or removed)


async def _checked(principal: Principal, member_ids: Iterable[int], tag: str,
                   store_id: int | None) -> tuple[str, int | None, list[int]]:
    """The tag, the store it belongs to (forced to a store caller's own store) and the members,
    once the caller may touch every one of them."""
    authorize(principal, "tag", "write")
    scope = store_scope(principal)
    if scope is not None:
        if store_id is None and len(scope) == 1:
            store_id = next(iter(scope))  # a store manager's tags are its store's
        if store_id not in scope:
            raise NotAuthorized()
    name = validation.text(tag, "tag", max_length=32)
    ids = sorted(set(member_ids))
    if not ids:
        raise DomainError(SegmentErrorCode.INVALID_TAG, "Name at least one member.", "memberIds")
    if len(ids) > MAX_MEMBERS:
        raise DomainError(SegmentErrorCode.INVALID_TAG, f"At most {MAX_MEMBERS} members at once.", "memberIds")
    if store_id is not None and not await Store.filter(brand_id=principal.brand_id, id=store_id).exists():
        raise DomainError(SegmentErrorCode.INVALID_TAG, "No such store.", "storeId")
    homes = dict(await Member.filter(brand_id=principal.brand_id, id__in=ids).values_list("id", "home_store_id"))
    if scope is not None and any(homes.get(i) not in scope for i in ids):
        # Another store's member, or none at all: the same denial, so nothing leaks.
        raise NotAuthorized()
    if len(homes) != len(ids):
        raise DomainError(SegmentErrorCode.INVALID_TAG, "No such member.", "memberIds")
    if store_id is not None and any(home != store_id for home in homes.values()):
        raise DomainError(SegmentErrorCode.INVALID_TAG, "A store's tag goes on that store's members.", "memberIds")
    return name, store_id, ids  # type: ignore[return-value]


async def tag_members(principal: Principal, *, member_ids: Iterable[int], tag: str,
                      store_id: int | None = None) -> TagChange:
    """Put `tag` on the members (brand-wide, or for `store_id`); audited."""
    name, store_id, ids = await _checked(principal, member_ids, tag, store_id)
    async with in_transaction():
        # A rule's or an automation's tag of that name becomes HQ's own, so it outlives the rule.
        owner = Q(store_id__isnull=True) if store_id is None else Q(store_id=store_id)
        adopted = MemberTag.filter(owner, member_id__in=ids, tag=name, kind__in=[TagKind.RULE, TagKind.AUTOMATION])
        adopted_ids = set(await adopted.values_list("member_id", flat=True))
        if adopted_ids:
            await adopted.update(kind=TagKind.MANUAL, created_by=audit.actor_of(principal))
        carrying = set(await MemberTag.filter(member_id__in=ids, tag=name).values_list("member_id", flat=True))
        added = [i for i in ids if i not in carrying or i in adopted_ids]
        if added:
            # A concurrent tagging of the same member is absorbed by the (member, tag) key.
            await MemberTag.bulk_create(
                [MemberTag(brand_id=principal.brand_id, member_id=i, tag=name, store_id=store_id,
                           kind=TagKind.MANUAL, created_by=audit.actor_of(principal))
                 for i in added if i not in adopted_ids],
                ignore_conflicts=True)
            await audit.record(principal, brand_id=principal.brand_id, action="member.tag", object_type="MemberTag",
                               object_id=name, changes={"memberIds": [None, added], "storeId": [None, store_id]},
                               store_id=store_id)
    return TagChange(tag=name, store_id=store_id, member_ids=added)


async def untag_members(principal: Principal, *, member_ids: Iterable[int], tag: str,
                        store_id: int | None = None) -> TagChange:
    """Take `tag` (brand-wide, or `store_id`'s) off the members; audited."""
    name, store_id, ids = await _checked(principal, member_ids, tag, store_id)
    async with in_transaction():
        owner = Q(store_id__isnull=True) if store_id is None else Q(store_id=store_id)
        rows = MemberTag.filter(owner, brand_id=principal.brand_id, member_id__in=ids, tag=name,
                                kind__in=[TagKind.MANUAL, TagKind.AUTOMATION])
        removed = sorted(await rows.values_list("member_id", flat=True))
        if removed:
            await MemberTag.filter(id__in=list(await rows.values_list("id", flat=True))).delete()
            await audit.record(principal, brand_id=principal.brand_id, action="member.untag",
                               object_type="MemberTag", object_id=name,
                               changes={"memberIds": [removed, None], "storeId": [store_id, None]}, store_id=store_id)
    return TagChange(tag=name, store_id=store_id, member_ids=removed)


def visible_tags_filter(principal: Principal) -> Q:
    """Which tags a caller sees: all of them for HQ, brand tags and its stores' tags for a
    store-confined caller."""
    scope = store_scope(principal)
    if scope is None:
        return Q()
    return Q(store_id__isnull=True) | Q(store_id__in=list(scope))


async def tags_by_member(principal: Principal, member_ids: list[int]) -> dict[int, list[str]]:
    """The tags a caller may see on each member: one query for a whole page."""
    authorize(principal, "tag", "read")
    rows = await (MemberTag.filter(visible_tags_filter(principal), brand_id=principal.brand_id,
                                   member_id__in=list(set(member_ids)))
                  .order_by("tag").values_list("member_id", "tag"))
    found: dict[int, list[str]] = {}
    for member_id, name in rows:
        found.setdefault(member_id, []).append(name)
    return found
