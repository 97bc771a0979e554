"""Subscriptions over graphql-transport-ws: balances as they change, after each commit."""

from __future__ import annotations

import datetime
from collections.abc import AsyncGenerator, AsyncIterator

import strawberry
from strawberry.types import Info

from domain.events import BalanceChanged
from resolvers import subscriptions as resolvers
from schema.points import PointsLedgerKind


@strawberry.type(description="A member's points balance after a committed change (the first message: as it is now).")
class PointsBalanceChange:
    member_id: strawberry.ID
    balance: int
    delta: int = strawberry.field(description="Points added (negative: taken); 0 in the first message.")
    kind: PointsLedgerKind | None = strawberry.field(  # type: ignore[valid-type]
        description="The ledger entry's kind; null in the first message, which reports the current balance.")
    occurred_at: datetime.datetime


async def _points_changes(events: AsyncIterator[BalanceChanged]) -> AsyncGenerator[PointsBalanceChange, None]:
    async for event in events:
        yield PointsBalanceChange(
            member_id=strawberry.ID(str(event.member_id)), balance=event.balance, delta=event.delta,
            kind=PointsLedgerKind(event.kind) if event.kind else None, occurred_at=event.occurred_at,
        )


@strawberry.type
class Subscription:
    @strawberry.subscription(description=(
        "The member's points balance: its current value, then each committed change. For the member "
        "itself and staff or partners who may read that member (as `Member.points`); others get FORBIDDEN."))
    async def points_balance_changed(self, info: Info, member_id: strawberry.ID) -> AsyncGenerator[PointsBalanceChange, None]:
        return _points_changes(await resolvers.points_balance_changed(info, member_id))
