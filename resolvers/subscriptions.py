"""Subscriptions: thin adapters from a GraphQL subscription to a domain event stream."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from domain.events import BalanceChanged
from domain.points import changes
from domain.wallet import changes as wallet_changes
from resolvers.errors import parse_id


async def points_balance_changed(info, member_id: Any) -> AsyncIterator[BalanceChanged]:
    """Authorized now (a refusal is the subscription's error), streamed later."""
    return await changes.watch_points_balance(info.context.principal, parse_id(member_id, "memberId"))


async def wallet_balance_changed(info, member_id: Any) -> AsyncIterator[BalanceChanged]:
    return await wallet_changes.watch_wallet_balance(info.context.principal, parse_id(member_id, "memberId"))
