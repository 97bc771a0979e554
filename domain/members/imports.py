"""Bulk import of a brand's existing customers: each row lands whole or not at all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from domain.members.errors import MemberErrorCode
from domain.members.models import MemberSource
from domain.members.service import Enrolment, create_member
from franchise.errors import DomainError, FranchiseErrorCode
from franchise.models import Brand, Store
from policies import Principal, authorize, store_scope

MAX_ROWS = 1000


@dataclass
class ImportRow:
    enrolment: Enrolment
    home_store_code: str | None = None
    # A row the adapter could not even read (e.g. a malformed id): reported, never imported.
    error: DomainError | None = None


@dataclass
class RowResult:
    row: int
    member_id: int | None = None
    error: DomainError | None = None


async def import_members(
    principal: Principal, rows: list[ImportRow], *, progress: Callable[[int], None] | None = None
) -> list[RowResult]:
    """One result per row, in order. A store manager imports into its own store only."""
    authorize(principal, "member", "import")
    if len(rows) > MAX_ROWS:
        raise DomainError(MemberErrorCode.TOO_MANY_ROWS, f"At most {MAX_ROWS} rows per call.", "rows")
    brand = await Brand.get(id=principal.brand_id)
    stores = await Store.filter(brand_id=brand.id)
    by_id = {s.id: s for s in stores}
    by_code = {s.code: s for s in stores}
    scope = store_scope(principal)
    results = []
    for index, row in enumerate(rows):
        store = by_code.get(row.home_store_code) if row.home_store_code else by_id.get(row.enrolment.home_store_id or 0)
        try:
            if row.error is not None:
                raise row.error
            if store is None or (scope is not None and store.id not in scope):
                raise DomainError(
                    FranchiseErrorCode.STORE_NOT_FOUND, "No such store.",
                    "homeStoreCode" if row.home_store_code else "homeStoreId",
                )
            member = await create_member(
                brand, row.enrolment, home_store_id=store.id,
                source=row.enrolment.source or MemberSource.IMPORT, referrer_id=None,
            )
            results.append(RowResult(row=index, member_id=member.id))
        except DomainError as error:
            results.append(RowResult(row=index, error=error))
        if progress:
            progress(index + 1)
    return results
