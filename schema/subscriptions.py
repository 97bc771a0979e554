"""Subscriptions over graphql-transport-ws: balances as they change, after each commit."""

from __future__ import annotations

import datetime
from decimal import Decimal
from collections.abc import AsyncGenerator, AsyncIterator

import strawberry
from strawberry.types import Info

from domain.events import BalanceChanged
from resolvers import subscriptions as resolvers
from franchise.validation import minor_to_money
from schema.points import PointsLedgerKind
from schema.wallet import WalletLedgerKind


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


@strawberry.type(description="A member's wallet after a committed change (the first message: as it is now).")
class WalletBalanceChange:
    member_id: strawberry.ID
    balance: Decimal = strawberry.field(description="Principal + bonus, wherever the bonus is usable.")
    delta: Decimal = strawberry.field(description="Money added (negative: taken); 0 in the first message.")
    kind: WalletLedgerKind | None = strawberry.field(  # type: ignore[valid-type]
        description="The ledger entry's kind; null in the first message, which reports the current balance.")
    occurred_at: datetime.datetime


async def _wallet_changes(events: AsyncIterator[BalanceChanged]) -> AsyncGenerator[WalletBalanceChange, None]:
    async for event in events:
        yield WalletBalanceChange(
            member_id=strawberry.ID(str(event.member_id)), balance=minor_to_money(event.balance),
            delta=minor_to_money(event.delta), kind=WalletLedgerKind(event.kind) if event.kind else None,
            occurred_at=event.occurred_at,
        )


@strawberry.type
class Subscription:
    @strawberry.subscription(description=(
        "The member's points balance: its current value, then each committed change. For the member "
        "itself and staff or partners who may read that member (as `Member.points`); others get FORBIDDEN."))
    async def points_balance_changed(self, info: Info, member_id: strawberry.ID) -> AsyncGenerator[PointsBalanceChange, None]:
        return _points_changes(await resolvers.points_balance_changed(info, member_id))

    @strawberry.subscription(description=(
        "The member's wallet balance: its current value, then each committed change. For the member "
        "itself and staff or partners who may read that member (as `Member.wallet`); others get FORBIDDEN."))
    async def wallet_balance_changed(self, info: Info, member_id: strawberry.ID) -> AsyncGenerator[WalletBalanceChange, None]:
        return _wallet_changes(await resolvers.wallet_balance_changed(info, member_id))
