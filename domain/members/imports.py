"""Bulk import of a brand's existing customers: each row lands whole or not at all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from domain import events
from domain.members.errors import MemberErrorCode
from domain.members.models import MemberSource
from domain.members.service import Enrolment, create_member
from domain.points import ledger, rules as points_rules
from domain.points.models import LedgerKind
from franchise import audit
from franchise.errors import DomainError, FranchiseErrorCode, invalid
from franchise.models import Brand, Store
from policies import Principal, authorize, store_scope

MAX_ROWS = 1000
MAX_OPENING_POINTS = 10_000_000


@dataclass
class ImportRow:
    enrolment: Enrolment
    home_store_code: str | None = None
    # A balance carried over from the brand's previous system: one OPENING lot, expiring by
    # today's rules as if earned today.
    opening_points: int = 0
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
    """One result per row, in order. A store manager imports into its own store only.

    Opening points are a manual change of balances, so rows that carry them need the power of
    a manual adjustment (hq_admin): without it the whole call is refused, not just those rows."""
    authorize(principal, "member", "import")
    if len(rows) > MAX_ROWS:
        raise DomainError(MemberErrorCode.TOO_MANY_ROWS, f"At most {MAX_ROWS} rows per call.", "rows")
    if any(row.opening_points for row in rows):
        authorize(principal, "points", "adjust")
    brand = await Brand.get(id=principal.brand_id)
    stores = await Store.filter(brand_id=brand.id)
    by_id = {s.id: s for s in stores}
    by_code = {s.code: s for s in stores}
    scope = store_scope(principal)
    now = datetime.now(UTC)
    rules = zone = None
    if any(row.opening_points for row in rows):
        rules = await points_rules.current_rules(brand.id)
        zone = await points_rules.brand_timezone(brand.id)
    results, opened = [], 0
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
            if not 0 <= row.opening_points <= MAX_OPENING_POINTS:
                raise invalid(f"Opening points are 0 to {MAX_OPENING_POINTS:,}.", "openingPoints")
            async with events.atomic():  # the member and its opening balance land together
                member = await create_member(
                    brand, row.enrolment, home_store_id=store.id,
                    source=row.enrolment.source or MemberSource.IMPORT, referrer_id=None,
                )
                if row.opening_points:
                    account = await ledger.lock_account(brand.id, member.id)
                    await ledger.credit(
                        account, row.opening_points, kind=LedgerKind.OPENING,
                        expires_at=points_rules.expires_at(rules, now, zone),
                        move=ledger.Movement(
                            actor=audit.actor_of(principal), occurred_at=now, store_id=store.id,
                            rule_version=rules.version, reason="opening balance at import",
                            idempotency_key=f"opening:{member.id}",
                        ),
                    )
                    opened += row.opening_points
            results.append(RowResult(row=index, member_id=member.id))
        except DomainError as error:
            results.append(RowResult(row=index, error=error))
        if progress:
            progress(index + 1)
    if opened:
        await audit.record(principal, brand_id=brand.id, action="members.import_opening_points",
                           object_type="Brand", object_id=brand.id,
                           changes={"openingPoints": [None, opened],
                                    "members": [None, sum(1 for r in results if r.error is None)]})
    return results
