"""Docs that cannot rot: every ```graphql block of docs/*.md runs, with the JSON variables after it,
against the app seeded with the demo brand, as the guide's caller. A guide signs in as its text
says (a `login` / `memberLogin` result becomes the token of the blocks after it); the partner
guide uses the demo POS key. Values in angle brackets are filled in as a reader would."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from domain.members.models import Member
from franchise.models import Brand, Staff, Store
from server.seed import DEMO_SLUG, seed_demo
from tests.subscriptions.support import subscribe, ws_client

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDES = ("hq-console.md", "branch-portal.md", "partner-app.md", "member-app.md")
BLOCK = re.compile(r"```graphql\n(?P<document>.*?)```\s*```json\n(?P<variables>.*?)```", re.DOTALL)
EXAMPLE_MEMBER_PHONE = "+8613900000003"  # the demo's fourth member, at SH01
DEMO_MEMBERS = 5  # the demo's first members are the same whatever the count


def blocks_of(guide: str) -> list[tuple[str, dict]]:
    text = (DOCS / guide).read_text(encoding="utf-8")
    found = [(m["document"], json.loads(m["variables"])) for m in BLOCK.finditer(text)]
    assert len(found) == text.count("```graphql"), f"{guide}: every graphql block needs its JSON variables"
    return found


class Placeholders:
    def __init__(self, sender) -> None:
        self.sender = sender

    async def fill(self, value, siblings: dict | None = None):
        if isinstance(value, dict):
            return {key: await self.fill(item, value) for key, item in value.items()}
        if isinstance(value, list):
            return [await self.fill(item, siblings) for item in value]
        if value == "<SH01 store id>":
            brand = await Brand.get(slug=DEMO_SLUG)
            return str((await Store.get(brand_id=brand.id, code="SH01")).id)
        if value == "<SH01 clerk id>":
            brand = await Brand.get(slug=DEMO_SLUG)
            return str((await Staff.get(brand_id=brand.id, email="clerk.sh01@demo.test")).id)
        if value == "<member id>":
            return str((await Member.get(phone=EXAMPLE_MEMBER_PHONE)).id)
        if value == "<one-time code>":
            return self.sender.last_code(siblings["phone"])
        assert not (isinstance(value, str) and value.startswith("<")), f"unknown placeholder {value}"
        return value


def payload_errors(data: dict) -> list:
    return [error for field in (data or {}).values() if isinstance(field, dict)
            for error in field.get("errors") or []]


@pytest.mark.parametrize("guide", GUIDES)
async def test_guide_examples_run_as_written(guide, app, client, sender):
    seed = await seed_demo(member_count=DEMO_MEMBERS)
    placeholders = Placeholders(sender)
    token = seed.api_key if guide == "partner-app.md" else None
    ran = 0
    for document, variables in blocks_of(guide):
        variables = await placeholders.fill(variables)
        if document.lstrip().startswith("subscription"):
            async with ws_client(app) as ws, subscribe(ws, document, variables, token=token) as sub:
                message = await sub.next_message()
            assert message["type"] == "next" and not message["payload"].get("errors"), (document, message)
            ran += 1
            continue
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await client.post("/graphql", json={"query": document, "variables": variables}, headers=headers)
        body = response.json()
        assert response.status_code == 200 and not body.get("errors"), (document, body)
        assert payload_errors(body["data"]) == [], (document, body)
        for signs_in in ("login", "memberLogin"):
            if signs_in in body["data"]:
                token = body["data"][signs_in]["token"]
        ran += 1
    assert ran >= 5


def test_every_caller_has_a_guide():
    assert sorted(p.name for p in DOCS.glob("*.md") if p.name != "README.md") == sorted(GUIDES)
