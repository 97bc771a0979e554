"""Entities of the brand's commerce graph that this subgraph extends."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.types import Info

from franchise.validation import minor_to_money
from resolvers import mall as mall_resolvers
from resolvers import points as points_resolvers
from schema.members import Member


@strawberry.federation.type(keys=["sku"], description="A product of the commerce subgraph.")
class Product:
    sku: str

    @strawberry.federation.field(
        requires=["price"],
        description="What a member of the tier level pays at the store: the branch price set for that "
        "level, else the level's tier discount on the branch's all-tier member price or, without one, on "
        "the commerce price (through the router). Null without any price.",
    )
    async def member_price(
        self, info: Info, store_id: strawberry.ID, tier_level: int | None = None
    ) -> Decimal | None:
        minor = await mall_resolvers.member_price(
            info, sku=self.sku, store_id=store_id, tier_level=tier_level, list_price=self.price
        )
        return None if minor is None else minor_to_money(minor)

    # The commerce graph owns the price; the router fetches it there and hands it to us in the
    # representation, because estimatedPoints @requires it. Composition wants an @external
    # field's type exactly as its owner declares it (checked with @apollo/composition 2.14
    # against `price: Decimal!`); a representation without it (a direct `_entities` call)
    # leaves it None here.
    price: Decimal = strawberry.federation.field(
        external=True, default=None, description="The commerce subgraph's price of the product."
    )

    @strawberry.federation.field(
        requires=["price"],
        description="Points the member would earn buying it at the store at its price "
        "(null without a price); through the router, which passes the price.",
    )
    async def estimated_points(self, info: Info, store_id: strawberry.ID, member_id: strawberry.ID) -> int | None:
        if self.price is None:
            return None
        estimate = await points_resolvers.estimate_points(
            info, member_id=member_id, store_id=store_id, amount=self.price
        )
        return estimate.points

    @classmethod
    def resolve_reference(cls, sku: str, price: Decimal | str | float | None = None) -> Product:
        return cls(sku=sku, price=price)


@strawberry.federation.type(keys=["id"], description="An order of the commerce subgraph.")
class Order:
    id: strawberry.ID

    @strawberry.field(description="Points the order earned (before refunds); null if it earned none here. "
                      "Read as the order's member may be read.")
    async def points_earned(self, info: Info) -> int | None:
        purchase = await points_resolvers.order_purchase(info, self.id)
        return purchase.points_earned if purchase else None

    @strawberry.field(description="The member the order earned for (FORBIDDEN if the caller may not read it).")
    async def member(self, info: Info) -> Member | None:
        purchase = await points_resolvers.order_purchase(info, self.id)
        return await info.context.loaders.member_by_id.load(purchase.member_id) if purchase else None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Order:
        return cls(id=id)
