"""The segment filter and its compiler: a filter becomes ONE query over the brand's members
(criteria as `id IN (subquery)` / `NOT IN` / correlated `EXISTS`), never a list of members
loaded into Python; only the brand's stores may be read first (to check `home_store_ids` and
to resolve `cities`).

Public, stable API (automations and shopping guides build on it):
- `SegmentFilter`: the criteria; empty fields do not restrict.
- `await member_ids_query(brand_id, flt, *, store_id=None, now)`: a `QuerySet[Member]` of the
  brand's members that match (confined to `store_id`'s home members when given). Page it,
  `.count()` it, `.values_list("id", flat=True)` it, or put `Subquery(q.values("id"))` in
  another query. Raises `DomainError(INVALID_FILTER)` for a filter that cannot mean anything.
- `await load_saved_segment(brand_id, segment_id)`: a saved segment's `SegmentFilter`.
- `filter_to_json` / `filter_from_json`: the stored form.

Rules where a criterion needs one:
- tags: a store-confined query (`store_id`) sees brand tags and that store's tags only, so a
  store's tags never select members elsewhere; `tags_any` matches one of, `tags_all` every one.
- tier level 0 means "not in a tier yet" and also matches members with no tier row.
- points / wallet ranges are inclusive; a member with no account or wallet has 0.
- wallet balance is principal + bonus (all of it, whatever store restrictions the bonus has).
- expiring points: open lots expiring after `now` and within `expiring_within_days`, summed,
  at least `expiring_at_least` (default 1).
- last purchase: the latest purchase's time (a refund does not remove a purchase);
  `last_purchase_before` also requires at least one purchase.
- birthday month: 1-12, on the stored birthday (members without one never match).
- city: the home store's city.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise import Tortoise
from tortoise.expressions import F, Q, RawSQL, Subquery
from tortoise.functions import Sum
from tortoise.queryset import QuerySet

from domain.members.models import Member, MemberSource, MemberTag
from domain.points.models import PointsAccount, PointsLot, Purchase
from domain.segments.errors import SegmentErrorCode
from domain.segments.models import MemberRfm, RfmSegment, SavedSegment
from domain.tiers.models import MemberTier
from domain.wallet.models import Wallet
from franchise.errors import DomainError
from franchise.models import Store

MAX_LIST = 50
MAX_AMOUNT = 10**15


@dataclass(frozen=True)
class SegmentFilter:
    tier_levels: tuple[int, ...] = ()
    tags_any: tuple[str, ...] = ()
    tags_all: tuple[str, ...] = ()
    home_store_ids: tuple[int, ...] = ()
    cities: tuple[str, ...] = ()
    rfm_segments: tuple[RfmSegment, ...] = ()
    points_min: int | None = None
    points_max: int | None = None
    wallet_min_minor: int | None = None
    wallet_max_minor: int | None = None
    expiring_within_days: int | None = None
    expiring_at_least: int = 1
    last_purchase_after: datetime | None = None
    last_purchase_before: datetime | None = None
    birthday_month: int | None = None
    sources: tuple[MemberSource, ...] = ()


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(SegmentErrorCode.INVALID_FILTER, message, field)


def _check_range(low: int | None, high: int | None, field: str) -> None:
    for value in (low, high):
        if value is not None and not -MAX_AMOUNT <= value <= MAX_AMOUNT:
            raise _invalid("Out of range.", field)
    if low is not None and high is not None and low > high:
        raise _invalid("The minimum is above the maximum.", field)


async def validate_filter(brand_id: int, flt: SegmentFilter) -> None:
    """Refuse a filter that cannot mean anything: reversed ranges, month 13, unknown stores."""
    for name in ("tier_levels", "tags_any", "tags_all", "home_store_ids", "cities", "rfm_segments", "sources"):
        if len(getattr(flt, name)) > MAX_LIST:
            raise _invalid(f"At most {MAX_LIST} values.", _api(name))
    if any(not 0 <= level <= 10 for level in flt.tier_levels):
        raise _invalid("Tier levels are 0 (none yet) to 10.", "tierLevels")
    if any(not tag or len(tag) > 32 for tag in (*flt.tags_any, *flt.tags_all)):
        raise _invalid("A tag is 1 to 32 characters.", "tagsAny" if flt.tags_any else "tagsAll")
    _check_range(flt.points_min, flt.points_max, "pointsMin")
    _check_range(flt.wallet_min_minor, flt.wallet_max_minor, "walletMinMinor")
    if flt.expiring_within_days is not None and not 0 <= flt.expiring_within_days <= 3660:
        raise _invalid("Expiring within 0 to 3660 days.", "expiringWithinDays")
    if not 1 <= flt.expiring_at_least <= MAX_AMOUNT:
        raise _invalid("At least 1 point.", "expiringAtLeast")
    if (flt.last_purchase_after and flt.last_purchase_before
            and flt.last_purchase_after >= flt.last_purchase_before):
        raise _invalid("lastPurchaseAfter is before lastPurchaseBefore.", "lastPurchaseAfter")
    for moment, name in ((flt.last_purchase_after, "lastPurchaseAfter"),
                         (flt.last_purchase_before, "lastPurchaseBefore")):
        if moment is not None and moment.tzinfo is None:
            raise _invalid("A moment with its time zone.", name)
    if flt.birthday_month is not None and not 1 <= flt.birthday_month <= 12:
        raise _invalid("Months are 1 to 12.", "birthdayMonth")
    if flt.home_store_ids:
        found = await Store.filter(brand_id=brand_id, id__in=list(set(flt.home_store_ids))).count()
        if found != len(set(flt.home_store_ids)):
            raise _invalid("No such store.", "homeStoreIds")


def _api(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _ids(query) -> Subquery:
    return Subquery(query.values("member_id"))


def _tag_rows(brand_id: int, store_id: int | None):
    rows = MemberTag.filter(brand_id=brand_id)
    if store_id is not None:
        # Another store's tags do not exist for a store-confined caller.
        rows = rows.filter(Q(store_id__isnull=True) | Q(store_id=store_id))
    return rows


def _birthday_month_sql() -> str:
    if Tortoise.get_connection("default").capabilities.dialect == "postgres":
        return 'CAST(EXTRACT(MONTH FROM "birthday") AS INTEGER)'
    return 'CAST(substr("birthday", 6, 2) AS INTEGER)'  # SQLite keeps dates as ISO text


def _lapsed_sql(before: datetime) -> str:
    """Bought before `before` and not since, as correlated EXISTS on the (brand, member,
    occurred_at) index: 2-3x faster on PostgreSQL than a grouped MAX or IN / NOT IN, because the
    other criteria narrow the members first. Tortoise has no correlated subquery, so this is
    SQL; the moment is a timezone-aware datetime formatted here, never caller text."""
    moment = before.astimezone(UTC)
    if Tortoise.get_connection("default").capabilities.dialect == "postgres":
        literal = f"CAST('{moment.isoformat()}' AS TIMESTAMPTZ)"
    else:
        literal = f"'{moment.isoformat(' ')}'"  # the ISO text Tortoise stores in SQLite
    purchases = 'SELECT 1 FROM "purchase" p WHERE p."brand_id" = "member"."brand_id" AND p."member_id" = "member"."id"'
    return (f'CASE WHEN EXISTS ({purchases} AND p."occurred_at" < {literal}) '
            f'AND NOT EXISTS ({purchases} AND p."occurred_at" >= {literal}) THEN 1 ELSE 0 END')


def _balance_range(query: QuerySet, rows, column, low: int | None, high: int | None) -> QuerySet:
    """Members whose balance `column` of `rows` is within [low, high]; no row counts as 0."""
    if low is None and high is None:
        return query
    matching = rows.annotate(balance_value=column)
    if low is not None:
        matching = matching.filter(balance_value__gte=low)
    if high is not None:
        matching = matching.filter(balance_value__lte=high)
    condition = Q(id__in=_ids(matching))
    if (low is None or low <= 0) and (high is None or high >= 0):
        condition |= ~Q(id__in=_ids(rows))
    return query.filter(condition)


async def member_ids_query(brand_id: int, flt: SegmentFilter, *, store_id: int | None = None,
                           now: datetime) -> QuerySet[Member]:
    """The brand's members matching `flt`, as one query (see the module's rules)."""
    await validate_filter(brand_id, flt)
    # In UTC: SQLite compares the ISO text Tortoise stores (UTC), and Tortoise passes a
    # filter's datetime through with its own offset.
    now = now.astimezone(UTC)
    query = Member.filter(brand_id=brand_id)
    if store_id is not None:
        query = query.filter(home_store_id=store_id)
    if flt.home_store_ids:
        query = query.filter(home_store_id__in=list(flt.home_store_ids))
    if flt.cities:
        # The brand's few stores, resolved first: given as constants, PostgreSQL estimates the
        # members of a city well (as a subquery it guessed 6 rows and joined 300 ms slower).
        in_cities = await Store.filter(brand_id=brand_id, city__in=list(flt.cities)).values_list("id", flat=True)
        query = query.filter(home_store_id__in=list(in_cities))
    if flt.sources:
        query = query.filter(source__in=[MemberSource(s) for s in flt.sources])
    if flt.birthday_month is not None:
        query = query.annotate(birthday_month=RawSQL(_birthday_month_sql())).filter(
            birthday__isnull=False, birthday_month=flt.birthday_month)
    if flt.tier_levels:
        levels = list(flt.tier_levels)
        tiers = MemberTier.filter(brand_id=brand_id)
        condition = Q(id__in=_ids(tiers.filter(level__in=levels)))
        if 0 in levels:
            condition |= ~Q(id__in=_ids(tiers))
        query = query.filter(condition)
    if flt.tags_any:
        query = query.filter(id__in=_ids(_tag_rows(brand_id, store_id).filter(tag__in=list(flt.tags_any))))
    for tag in flt.tags_all:
        query = query.filter(id__in=_ids(_tag_rows(brand_id, store_id).filter(tag=tag)))
    if flt.rfm_segments:
        query = query.filter(id__in=_ids(MemberRfm.filter(
            brand_id=brand_id, segment__in=[RfmSegment(s) for s in flt.rfm_segments])))
    query = _balance_range(query, PointsAccount.filter(brand_id=brand_id), F("balance"),
                           flt.points_min, flt.points_max)
    query = _balance_range(query, Wallet.filter(brand_id=brand_id), F("principal_minor") + F("bonus_minor"),
                           flt.wallet_min_minor, flt.wallet_max_minor)
    if flt.expiring_within_days is not None:
        expiring = (PointsLot.filter(brand_id=brand_id, remaining__gt=0, expires_at__gt=now,
                                     expires_at__lte=now + timedelta(days=flt.expiring_within_days))
                    .annotate(expiring_total=Sum("remaining")).group_by("member_id")
                    .filter(expiring_total__gte=flt.expiring_at_least))
        query = query.filter(id__in=_ids(expiring))
    if flt.last_purchase_after is not None:
        query = query.filter(id__in=_ids(Purchase.filter(
            brand_id=brand_id, occurred_at__gte=flt.last_purchase_after.astimezone(UTC))))
    if flt.last_purchase_before is not None:
        query = query.annotate(lapsed=RawSQL(_lapsed_sql(flt.last_purchase_before))).filter(lapsed=1)
    return query


def filter_to_json(flt: SegmentFilter) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in dataclasses.fields(flt):
        value = getattr(flt, item.name)
        if value == item.default or value == ():
            continue
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = [v.value if hasattr(v, "value") else v for v in value]
        out[item.name] = value
    return out


def filter_from_json(data: dict[str, Any]) -> SegmentFilter:
    values: dict[str, Any] = {}
    for item in dataclasses.fields(SegmentFilter):
        if item.name not in data:
            continue
        value = data[item.name]
        if item.name in ("last_purchase_after", "last_purchase_before") and value is not None:
            value = datetime.fromisoformat(value)
        elif item.name == "rfm_segments":
            value = tuple(RfmSegment(v) for v in value)
        elif item.name == "sources":
            value = tuple(MemberSource(v) for v in value)
        elif isinstance(value, list):
            value = tuple(value)
        values[item.name] = value
    return SegmentFilter(**values)


async def load_saved_segment(brand_id: int, segment_id: int) -> SegmentFilter:
    """A saved segment's filter; SEGMENT_NOT_FOUND when the brand has no such segment."""
    saved = await SavedSegment.filter(brand_id=brand_id, id=segment_id).first()
    if saved is None:
        raise DomainError(SegmentErrorCode.SEGMENT_NOT_FOUND, "No such segment.", "segmentId")
    return filter_from_json(saved.criteria)
