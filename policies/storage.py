"""Casbin rules kept in the database, so HQ's changes apply without a deploy."""

from __future__ import annotations

from pathlib import Path

from casbin import persist
from casbin.persist.adapters.asyncio import AsyncAdapter
from tortoise import fields
from tortoise.models import Model

DEFAULT_DOMAIN = "*"
DEFAULT_POLICY_FILE = Path(__file__).with_name("default_policy.csv")


class CasbinRule(Model):
    id = fields.BigIntField(primary_key=True)
    ptype = fields.CharField(max_length=8)
    v0 = fields.CharField(max_length=128)
    v1 = fields.CharField(max_length=128)
    v2 = fields.CharField(max_length=128)
    v3 = fields.CharField(max_length=128)

    class Meta:
        table = "casbin_rule"
        unique_together = (("ptype", "v0", "v1", "v2", "v3"),)

    def as_line(self) -> str:
        return ", ".join((self.ptype, self.v0, self.v1, self.v2, self.v3))


def default_rules() -> set[tuple[str, str, str, str]]:
    rules = set()
    for line in DEFAULT_POLICY_FILE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            sub, dom, obj, act = (part.strip() for part in line.split(","))
            rules.add((sub, dom, obj, act))
    return rules


async def sync_default_policy() -> bool:
    """Make the platform-default rules (domain "*") match the shipped file; brand rules stay.

    Returns whether anything changed, so the caller can tell other processes to reload."""
    wanted = default_rules()
    stored = {
        (r.v0, r.v1, r.v2, r.v3): r.id
        for r in await CasbinRule.filter(ptype="p", v1=DEFAULT_DOMAIN)
    }
    stale = [rule_id for rule, rule_id in stored.items() if rule not in wanted]
    missing = [rule for rule in wanted if rule not in stored]
    if stale:
        await CasbinRule.filter(id__in=stale).delete()
    if missing:
        await CasbinRule.bulk_create(
            [CasbinRule(ptype="p", v0=s, v1=d, v2=o, v3=a) for s, d, o, a in missing],
            ignore_conflicts=True,
        )
    return bool(stale or missing)


class TortoiseAdapter(AsyncAdapter):
    """A small adapter over our own model (casbin-tortoise-adapter 2.0.0 is broken)."""

    async def load_policy(self, model) -> None:
        for rule in await CasbinRule.all().order_by("id"):
            persist.load_policy_line(rule.as_line(), model)

    async def save_policy(self, model) -> bool:
        rows = [
            CasbinRule(ptype=ptype, v0=r[0], v1=r[1], v2=r[2], v3=r[3])
            for sec in ("p",)
            for ptype, assertion in model.model.get(sec, {}).items()
            for r in assertion.policy
        ]
        await CasbinRule.all().delete()
        await CasbinRule.bulk_create(rows)
        return True

    async def add_policy(self, sec, ptype, rule) -> None:
        await CasbinRule.get_or_create(ptype=ptype, v0=rule[0], v1=rule[1], v2=rule[2], v3=rule[3])

    async def remove_policy(self, sec, ptype, rule) -> bool:
        deleted = await CasbinRule.filter(
            ptype=ptype, v0=rule[0], v1=rule[1], v2=rule[2], v3=rule[3]
        ).delete()
        return deleted > 0

    async def remove_filtered_policy(self, sec, ptype, field_index, *field_values) -> bool:
        filters = {
            f"v{field_index + i}": value for i, value in enumerate(field_values) if value
        }
        deleted = await CasbinRule.filter(ptype=ptype, **filters).delete()
        return deleted > 0
