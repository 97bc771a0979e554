"""Per-request DataLoaders: a page of members costs a constant number of queries."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from domain.members.models import Member
from franchise.models import Store, StoreMemberCard


def _by_id(model):
    async def load(ids: list[int]) -> list:
        rows = {row.id: row for row in await model.filter(id__in=list(set(ids)))}
        return [rows.get(i) for i in ids]

    return load


async def _cards_by_store(store_ids: list[int]) -> list:
    rows = {c.store_id: c for c in await StoreMemberCard.filter(store_id__in=list(set(store_ids)))}
    return [rows.get(i) for i in store_ids]


class Loaders:
    """Brand checks happen in the services; loaders only batch rows already allowed."""

    def __init__(self) -> None:
        self.store_by_id: DataLoader[int, Store | None] = DataLoader(_by_id(Store))
        self.member_by_id: DataLoader[int, Member | None] = DataLoader(_by_id(Member))
        self.card_by_store: DataLoader[int, StoreMemberCard | None] = DataLoader(_cards_by_store)
