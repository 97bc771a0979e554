"""Rule tags: HQ defines "members who meet this carry that tag"; a job keeps the tags true.

Rules, each over the member's purchases in the last `days` (a fully refunded order does not
count; spend is net of refunds):
- SPENT_AT_LEAST(threshold = amount in minor units, days)
- ORDERS_AT_LEAST(threshold = orders, days)
- STORES_AT_LEAST(threshold = distinct stores, days)

The job runs two statements per rule, whatever the number of members: a DELETE of the rule's
tags on members who no longer qualify and an INSERT … SELECT of the tag on those who newly do.
A member already carrying the name (a manual tag, say) keeps it as it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from domain.members.models import MemberTag, TagKind
from domain.segments import sql
from domain.segments.errors import SegmentErrorCode
from domain.segments.models import TagRule, TagRuleKind
from franchise import audit, validation
from franchise.errors import DomainError
from policies import Principal, authorize

_AGGREGATE = {
    TagRuleKind.SPENT_AT_LEAST: "SUM(amount_minor - refunded_minor)",
    TagRuleKind.ORDERS_AT_LEAST: "COUNT(*)",
    TagRuleKind.STORES_AT_LEAST: "COUNT(DISTINCT store_id)",
}
_QUALIFYING = """SELECT member_id FROM purchase
 WHERE brand_id = :brand_id AND occurred_at >= :since AND amount_minor > refunded_minor
 GROUP BY member_id HAVING {aggregate} >= :threshold"""
_REMOVE = """DELETE FROM member_tag WHERE brand_id = :brand_id AND tag = :tag AND kind = 'RULE'
 AND member_id NOT IN ({qualifying})"""
_ADD = """INSERT INTO member_tag (brand_id, member_id, tag, store_id, kind, created_by, created_at)
 SELECT {brand_id}, q.member_id, {tag}, NULL, 'RULE', {created_by}, {now} FROM ({qualifying}) q
 WHERE NOT EXISTS (SELECT 1 FROM member_tag t WHERE t.member_id = q.member_id AND t.tag = :tag)
 ON CONFLICT DO NOTHING"""


@dataclass
class TagRuleInput:
    tag: str
    kind: TagRuleKind
    threshold: int
    days: int
    active: bool = True


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(SegmentErrorCode.INVALID_TAG_RULE, message, field)


def _plain(rule: TagRule) -> dict:
    return {"tag": rule.tag, "kind": rule.kind.value, "threshold": rule.threshold, "days": rule.days,
            "active": rule.active}


async def upsert_tag_rule(principal: Principal, given: TagRuleInput, rule_id: int | None = None,
                          *, now: datetime | None = None) -> TagRule:
    """Create or change a rule (HQ); audited. Its tags follow at once, and at every job run."""
    authorize(principal, "tag_rule", "write")
    name = validation.text(given.tag, "tag", max_length=32)
    if not 1 <= given.days <= 3660:
        raise _invalid("A rule looks back 1 to 3660 days.", "days")
    if not 1 <= given.threshold <= 10**15:
        raise _invalid("The threshold is at least 1.", "threshold")
    values = {"tag": name, "kind": TagRuleKind(given.kind), "threshold": given.threshold, "days": given.days,
              "active": bool(given.active)}
    async with in_transaction():
        clash = TagRule.filter(brand_id=principal.brand_id, tag=name)
        if rule_id is not None:
            clash = clash.exclude(id=rule_id)
        if await clash.exists():
            raise _invalid("Another rule gives this tag.", "tag")
        if rule_id is None:
            rule = await TagRule.create(brand_id=principal.brand_id, **values)
            before: dict = {}
        else:
            rule = await TagRule.filter(brand_id=principal.brand_id, id=rule_id).select_for_update().first()
            if rule is None:
                raise _invalid("No such rule.", "id")
            before = _plain(rule)
            if rule.tag != name:  # the old name's rule tags go with the old name
                await MemberTag.filter(brand_id=principal.brand_id, tag=rule.tag, kind=TagKind.RULE).delete()
            rule.update_from_dict(values)
            await rule.save()
        if changed := audit.diff(before, _plain(rule)):
            await audit.record(principal, brand_id=principal.brand_id,
                               action="tag_rule.create" if rule_id is None else "tag_rule.update",
                               object_type="TagRule", object_id=rule.id, changes=changed)
    await apply_rule(rule, now=now or datetime.now(UTC))
    return rule


def tag_rules_query(principal: Principal):
    authorize(principal, "tag_rule", "read")
    return TagRule.filter(brand_id=principal.brand_id)


async def apply_rule(rule: TagRule, *, now: datetime) -> tuple[int, int]:
    """Make the rule's tags true for its brand now: (added, removed)."""
    now = now.astimezone(UTC)  # SQLite compares UTC ISO text
    async with in_transaction() as connection:
        if not rule.active:
            removed = await MemberTag.filter(brand_id=rule.brand_id, tag=rule.tag, kind=TagKind.RULE).delete()
            return 0, removed
        qualifying = _QUALIFYING.format(aggregate=_AGGREGATE[rule.kind])
        params = {"brand_id": rule.brand_id, "tag": rule.tag, "since": now - timedelta(days=rule.days),
                  "threshold": rule.threshold}
        removed = await sql.execute(connection, _REMOVE.format(qualifying=qualifying), **params)
        added = await sql.execute(connection, _ADD.format(
            qualifying=qualifying, brand_id=sql.typed("brand_id", "BIGINT"), tag=sql.typed("tag", "VARCHAR"),
            created_by=sql.typed("created_by", "VARCHAR"), now=sql.typed("now", "TIMESTAMPTZ")), **params,
                                  created_by=f"tag_rule:{rule.id}", now=now)
    return added, removed


async def recompute_rule_tags(*, now: datetime | None = None, brand_id: int | None = None) -> int:
    """The job: every rule of every brand (or one brand); the number of tags added or removed."""
    now = now or datetime.now(UTC)
    rules = TagRule.all() if brand_id is None else TagRule.filter(brand_id=brand_id)
    changes = 0
    for rule in await rules.order_by("brand_id", "id"):
        added, removed = await apply_rule(rule, now=now)
        changes += added + removed
    return changes

