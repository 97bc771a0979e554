"""RFM: recency, frequency and monetary scores 1-5 per member, and the segment they place it in.

Computed in SQL from purchases over the brand's window (default 365 days): frequency is the
orders not fully refunded, monetary the spend net of refunds, recency the last purchase.

Scores:
- QUINTILES (default): among the members who bought in the window, by percent rank
  (ties share a score): the bottom fifth scores 1 … the top fifth 5. A member who did not
  buy in the window scores 1, 1, 1.
- THRESHOLDS: the brand's four ascending cut-offs per score, each met adds 1 to a base of 1:
  recency in days since the last purchase (met when at most that many days, e.g. 180, 90,
  30, 7), frequency in orders (met when at least), monetary in minor units (at least).

Segment, the first that applies:
1. NEW: enrolled less than `new_days` (30) ago with at most one order.
2. DORMANT: no purchase in the last `dormant_days` (180), ever-bought or not.
3. HIGH_VALUE: R >= 3, F >= 4 and M >= 4.
4. AT_RISK: R <= 2 and (F >= 3 or M >= 3): bought often or much, not lately.
5. REGULAR: everyone else.

Each run replaces the brand's rows in one transaction (DELETE, then one INSERT … SELECT), so a
reader sees the previous run or this one, never half."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from domain.segments import sql
from domain.segments.errors import SegmentErrorCode
from domain.segments.models import MemberRfm, RfmMethod, RfmSettings
from franchise import audit
from franchise.errors import DomainError
from franchise.models import Brand
from policies import Principal, authorize

DEFAULTS = RfmSettings(method=RfmMethod.QUINTILES, window_days=365, recency_days=[], frequency_orders=[],
                       monetary_minor=[], dormant_days=180, new_days=30)

_STATS = """
WITH agg AS (
  SELECT member_id, MAX(occurred_at) AS last_in_window,
         SUM(CASE WHEN amount_minor > refunded_minor THEN 1 ELSE 0 END) AS order_count,
         SUM(amount_minor - refunded_minor) AS net_spend
  FROM purchase WHERE brand_id = :brand_id AND occurred_at >= :since GROUP BY member_id
), last_ever AS (
  SELECT member_id, MAX(occurred_at) AS last_purchase_at FROM purchase WHERE brand_id = :brand_id
  GROUP BY member_id
), ranked AS (
  SELECT member_id,
         PERCENT_RANK() OVER (ORDER BY last_in_window) AS pr_r,
         PERCENT_RANK() OVER (ORDER BY order_count) AS pr_f,
         PERCENT_RANK() OVER (ORDER BY net_spend) AS pr_m
  FROM agg WHERE order_count > 0
), stats AS (
  SELECT m.id AS member_id, m.created_at AS enrolled_at, l.last_purchase_at,
         COALESCE(a.order_count, 0) AS order_count, COALESCE(a.net_spend, 0) AS net_spend,
         r.pr_r, r.pr_f, r.pr_m
  FROM member m
  LEFT JOIN last_ever l ON l.member_id = m.id
  LEFT JOIN agg a ON a.member_id = m.id
  LEFT JOIN ranked r ON r.member_id = m.id
  WHERE m.brand_id = :brand_id
), scored AS (
  SELECT member_id, enrolled_at, last_purchase_at, order_count, net_spend,
         {recency} AS recency, {frequency} AS frequency, {monetary} AS monetary
  FROM stats
)
INSERT INTO member_rfm (brand_id, member_id, recency, frequency, monetary, segment, last_purchase_at,
                        order_count, net_spend_minor, computed_at)
SELECT {brand_id}, member_id, recency, frequency, monetary,
       CASE WHEN enrolled_at >= :new_since AND order_count <= 1 THEN 'NEW'
            WHEN last_purchase_at IS NULL OR last_purchase_at < :dormant_since THEN 'DORMANT'
            WHEN recency >= 3 AND frequency >= 4 AND monetary >= 4 THEN 'HIGH_VALUE'
            WHEN recency <= 2 AND (frequency >= 3 OR monetary >= 3) THEN 'AT_RISK'
            ELSE 'REGULAR' END,
       last_purchase_at, order_count, net_spend, {now}
FROM scored"""


def _quintile(rank: str) -> str:
    return (f"CASE WHEN {rank} IS NULL THEN 1 WHEN {rank} >= 0.8 THEN 5 WHEN {rank} >= 0.6 THEN 4 "
            f"WHEN {rank} >= 0.4 THEN 3 WHEN {rank} >= 0.2 THEN 2 ELSE 1 END")


def _thresholds(column: str, names: list[str], comparison: str) -> str:
    """1 plus the number of cut-offs met; a member without purchases in the window meets none."""
    met = " + ".join(f"CASE WHEN order_count > 0 AND {column} {comparison} :{n} THEN 1 ELSE 0 END" for n in names)
    return f"(1 + {met})"


@dataclass
class RfmSettingsInput:
    method: RfmMethod = RfmMethod.QUINTILES
    window_days: int = 365
    recency_days: list[int] = field(default_factory=list)
    frequency_orders: list[int] = field(default_factory=list)
    monetary_minor: list[int] = field(default_factory=list)
    dormant_days: int = 180
    new_days: int = 30


async def settings_of(brand_id: int) -> RfmSettings:
    return await RfmSettings.filter(brand_id=brand_id).first() or DEFAULTS


async def read_rfm_settings(principal: Principal) -> RfmSettings:
    authorize(principal, "rfm", "read")
    return await settings_of(principal.brand_id)


def _invalid(message: str, field_name: str) -> DomainError:
    return DomainError(SegmentErrorCode.INVALID_RFM_SETTINGS, message, field_name)


def _cutoffs(values: list[int], field_name: str, *, descending: bool) -> list[int]:
    if len(values) != 4 or any(not 0 <= v <= 10**15 for v in values):
        raise _invalid("Four cut-offs, the lower bounds of scores 2 to 5.", field_name)
    ordered = sorted(set(values), reverse=descending)
    if ordered != list(values):
        raise _invalid("Cut-offs strictly " + ("descending." if descending else "ascending."), field_name)
    return list(values)


def _plain(row: RfmSettings) -> dict:
    return {f: (getattr(row, f).value if f == "method" else getattr(row, f)) for f in
            ("method", "window_days", "recency_days", "frequency_orders", "monetary_minor", "dormant_days",
             "new_days")}


async def update_rfm_settings(principal: Principal, given: RfmSettingsInput) -> RfmSettings:
    """HQ sets the window, the method and (THRESHOLDS) the cut-offs; audited. Scores change at
    the next computation."""
    authorize(principal, "rfm", "configure")
    if not 1 <= given.window_days <= 3660:
        raise _invalid("The window is 1 to 3660 days.", "windowDays")
    if not 1 <= given.dormant_days <= 3660:
        raise _invalid("Dormant after 1 to 3660 days.", "dormantDays")
    if not 1 <= given.new_days <= 366:
        raise _invalid("New for 1 to 366 days.", "newDays")
    values = {"method": RfmMethod(given.method), "window_days": given.window_days, "dormant_days": given.dormant_days,
              "new_days": given.new_days, "recency_days": [], "frequency_orders": [], "monetary_minor": []}
    if values["method"] is RfmMethod.THRESHOLDS:
        values["recency_days"] = _cutoffs(given.recency_days, "recencyDays", descending=True)
        values["frequency_orders"] = _cutoffs(given.frequency_orders, "frequencyOrders", descending=False)
        values["monetary_minor"] = _cutoffs(given.monetary_minor, "monetaryMinor", descending=False)
    async with in_transaction():
        await Brand.filter(id=principal.brand_id).select_for_update().first()  # orders a first save too
        row = await RfmSettings.filter(brand_id=principal.brand_id).select_for_update().first()
        before = _plain(row) if row else {}
        if row is None:
            row = await RfmSettings.create(brand_id=principal.brand_id, **values)
        else:
            row.update_from_dict(values)
            await row.save()
        if changed := audit.diff(before, _plain(row)):
            await audit.record(principal, brand_id=principal.brand_id, action="rfm_settings.update",
                               object_type="RfmSettings", object_id=row.id, changes=changed)
    return row


async def compute_brand_rfm(brand_id: int, *, now: datetime) -> int:
    """Replace the brand's RFM rows as of `now`; the number of members scored."""
    now = now.astimezone(UTC)  # SQLite compares UTC ISO text
    settings = await settings_of(brand_id)
    params = {"brand_id": brand_id, "now": now, "since": now - timedelta(days=settings.window_days),
              "new_since": now - timedelta(days=settings.new_days),
              "dormant_since": now - timedelta(days=settings.dormant_days)}
    if settings.method is RfmMethod.THRESHOLDS:
        scores = {
            "recency": _thresholds("last_purchase_at", ["r2", "r3", "r4", "r5"], ">="),
            "frequency": _thresholds("order_count", ["f2", "f3", "f4", "f5"], ">="),
            "monetary": _thresholds("net_spend", ["m2", "m3", "m4", "m5"], ">="),
        }
        for i, days in enumerate(settings.recency_days, start=2):
            params[f"r{i}"] = now - timedelta(days=days)  # at most `days` ago = on or after this moment
        params.update({f"f{i}": v for i, v in enumerate(settings.frequency_orders, start=2)})
        params.update({f"m{i}": v for i, v in enumerate(settings.monetary_minor, start=2)})
    else:
        scores = {"recency": _quintile("pr_r"), "frequency": _quintile("pr_f"), "monetary": _quintile("pr_m")}
    async with in_transaction() as connection:
        # The brand's row lock orders overlapping runs (the job and an HQ recompute): without it the
        # second run's DELETE misses the first's new rows and its INSERT breaks the member's key.
        await Brand.filter(id=brand_id).select_for_update().first()
        await MemberRfm.filter(brand_id=brand_id).delete()
        statement = _STATS.format(**scores, brand_id=sql.typed("brand_id", "BIGINT"), now=sql.typed("now", "TIMESTAMPTZ"))
        return await sql.execute(connection, statement, **params)


async def recompute_rfm(principal: Principal, *, now: datetime | None = None) -> int:
    """On demand (HQ): the caller's brand now."""
    authorize(principal, "rfm", "recompute")
    return await compute_brand_rfm(principal.brand_id, now=now or datetime.now(UTC))


async def recompute_all_rfm(*, now: datetime | None = None) -> int:
    """The daily job: every brand; the number of members scored."""
    now = now or datetime.now(UTC)
    return sum([await compute_brand_rfm(brand_id, now=now)
                for brand_id in await Brand.all().order_by("id").values_list("id", flat=True)])
