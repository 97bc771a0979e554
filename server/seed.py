"""The demo brand: 3 stores in 2 cities, HQ and store staff, a partner client, 200 members."""

from __future__ import annotations

import random
from dataclasses import dataclass

from domain.mall import items as mall_items
from domain.mall.models import MallItemKind
from domain.members.models import MemberSource
from domain.members.service import Enrolment, create_member
from franchise import api_clients, brands, staff, stores
from franchise.models import Brand
from policies import Principal, Role

DEMO_SLUG = "demo"
DEMO_PASSWORD = "demo-password-123"
STORES = [("SH01", "Shanghai Jing'an", "Shanghai"), ("SH02", "Shanghai Xuhui", "Shanghai"),
          ("HZ01", "Hangzhou West Lake", "Hangzhou")]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗"
DEMO_SOURCES = (MemberSource.STORE_QR, MemberSource.STORE_COUNTER, MemberSource.MINI_PROGRAM)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华"


@dataclass
class DemoSeed:
    created: bool
    api_key: str | None = None


async def seed_demo(member_count: int = 200) -> DemoSeed:
    """Create the demo brand unless it exists (idempotent: a second run changes nothing)."""
    if await Brand.filter(slug=DEMO_SLUG).exists():
        return DemoSeed(created=False)
    brand, admin = await brands.create_brand(
        Principal.platform(), slug=DEMO_SLUG, name="Demo Bakery", admin_email="admin@demo.test",
        admin_password=DEMO_PASSWORD,
    )
    hq = Principal.staff(staff_id=admin.id, brand_id=brand.id, role=Role.HQ_ADMIN, store_id=None)
    await staff.create_staff(hq, email="operator@demo.test", name="HQ operator",
                             password=DEMO_PASSWORD, role=Role.HQ_OPERATOR.value)
    store_rows = []
    for code, name, city in STORES:
        store = await stores.create_store(hq, code=code, name=name, city=city, tags=[city.lower()])
        store_rows.append(store)
        slug = code.lower()
        await staff.create_staff(hq, email=f"manager.{slug}@demo.test", name=f"{code} manager",
                                 password=DEMO_PASSWORD, role=Role.STORE_MANAGER.value, store_id=store.id)
        await staff.create_staff(hq, email=f"clerk.{slug}@demo.test", name=f"{code} clerk",
                                 password=DEMO_PASSWORD, role=Role.STORE_CLERK.value, store_id=store.id)
    # "1 point for a Swiss roll" style: something the tour's first purchase can already redeem.
    await mall_items.upsert_mall_item(hq, mall_items.ItemInput(
        name="Swiss roll", kind=MallItemKind.PICKUP, points_price=100, stock=50, per_member_limit=1,
        limit_period_days=30, description="Collect it at any store within 7 days.", pickup_days=7,
    ))
    _, key = await api_clients.create_api_client(
        hq, name="Demo POS", scopes=["members:read", "members:write", "points:earn"]
    )
    rng = random.Random(20261125)  # the same demo every time
    for i in range(member_count):
        store = store_rows[rng.choices(range(3), weights=[5, 3, 2])[0]]
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if i % 2 else "")
        await create_member(
            brand, Enrolment(phone=f"+86139{i:08d}", name=name), home_store_id=store.id,
            source=rng.choice(DEMO_SOURCES), referrer_id=None,
        )
    return DemoSeed(created=True, api_key=key)

