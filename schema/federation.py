"""Entities of the brand's commerce graph that this subgraph extends."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.types import Info

from franchise.validation import minor_to_money
from resolvers import franchise as resolvers


@strawberry.federation.type(keys=["sku"], description="A product of the commerce subgraph.")
class Product:
    sku: str

    @strawberry.field(
        description="The branch member price at a store for a tier level (or for every tier)."
    )
    async def member_price(
        self, info: Info, store_id: strawberry.ID, tier_level: int | None = None
    ) -> Decimal | None:
        minor = await resolvers.member_price_minor(
            info, sku=self.sku, store_id=store_id, tier_level=tier_level
        )
        return None if minor is None else minor_to_money(minor)

    @classmethod
    def resolve_reference(cls, sku: str) -> Product:
        return cls(sku=sku)
