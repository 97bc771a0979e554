"""What a member's wallet shows: balances, what is usable at a store, the open bonus grants."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.wallet.common import now_utc
from domain.wallet.ledger import usable_at
from domain.wallet.models import Bucket, Wallet, WalletGrant, WalletLedgerEntry


@dataclass
class WalletView:
    member_id: int
    brand_id: int
    principal: int
    bonus: int  # every open bonus grant, expired ones the job has not removed yet excluded
    usable_bonus: int | None  # at the asked store, or None when no store was asked
    bonus_grants: list[WalletGrant] = field(default_factory=list)


async def wallet_views(keys: list[tuple[int, int, int | None]], now: datetime | None = None) -> list[WalletView]:
    """(brand id, member id, store id or None) -> its view; two queries for any number of keys."""
    now = now_utc(now)
    member_ids = list({member_id for _, member_id, _ in keys})
    wallets = {w.member_id: w for w in await Wallet.filter(member_id__in=member_ids)}
    grants: dict[int, list[WalletGrant]] = {}
    for g in await WalletGrant.filter(member_id__in=member_ids, bucket=Bucket.BONUS, remaining__gt=0).order_by("id"):
        if g.expires_at is None or g.expires_at > now:
            grants.setdefault(g.member_id, []).append(g)
    views = []
    for brand_id, member_id, store_id in keys:
        live = grants.get(member_id, [])
        usable = None if store_id is None else sum(g.remaining for g in live if usable_at(g, store_id, now))
        wallet = wallets.get(member_id)
        views.append(WalletView(member_id, brand_id, wallet.principal_minor if wallet else 0,
                                sum(g.remaining for g in live), usable, live))
    return views


async def wallet_view(brand_id: int, member_id: int, store_id: int | None, now: datetime | None = None) -> WalletView:
    return (await wallet_views([(brand_id, member_id, store_id)], now))[0]


def ledger_query(brand_id: int, member_id: int):
    return WalletLedgerEntry.filter(brand_id=brand_id, member_id=member_id)
