"""The report figures, added up from the ledgers with SQL aggregates: one grouped query per
kind of figure, whatever the number of stores, members or rows.

Figures that add up are grouped by store in SQL and summed per city and for the brand in
Python; counts of distinct members are grouped by store, city or brand in SQL. A figure is
attributed to a store as follows, so that store rows add up to the brand's:

- members (new, tier distribution), points and stored value *outstanding*, mall redemptions:
  the member's home store (归属门店: whose member it is); stored value outstanding by the
  store where it was topped up, as the wallet's own liability report does;
- orders, points and stored-value *movements*, gift-card redemptions: the store where they
  happened (a movement without a store, such as expiry, goes to the member's home store);
- guest sales: the store that reported them.

A city's active members are not the sum of its stores' (a member may buy in two of them): that
is why distinct counts run per group."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime

from tortoise import Tortoise

GROUP_KEYS = {"store": "s.id", "city": "s.city", "brand": "s.brand_id"}
# Every points ledger kind lands in one figure (tests/reports checks no kind is forgotten).
POINTS_CREDITS = ("EARN", "ACTIVITY", "OPENING", "ADJUST", "REWARD")
POINTS_DEBITS = ("REDEEM", "RETURN", "EXPIRE", "REVERSE", "ADJUST")
CARD_REDEMPTIONS = ("PAY", "PICKUP", "EXCHANGE", "BENEFIT")
CARD_KINDS = ", ".join(f"'{k}'" for k in CARD_REDEMPTIONS)  # constants of ours, safe in SQL text


@dataclass
class Window:
    """The report's range as instants (UTC, end exclusive) and as local business dates."""

    brand_id: int
    start: datetime
    end: datetime
    first_day: date
    last_day: date
    store_id: int | None = None  # only this store's figures (a store report)


@dataclass
class Figures:
    new_members: int = 0
    guest_orders: int = 0
    guest_sales: int = 0
    member_orders: int = 0
    member_sales: int = 0
    active_members: int = 0
    repeat_members: int = 0
    points_issued: int = 0
    points_redeemed: int = 0
    points_expired: int = 0
    points_reversed: int = 0
    points_adjusted_out: int = 0
    points_outstanding: int = 0
    points_debt: int = 0
    wallet_topped_up: int = 0
    wallet_bonus_granted: int = 0
    wallet_spent_principal: int = 0
    wallet_spent_bonus: int = 0
    wallet_refunded: int = 0
    wallet_bonus_lapsed: int = 0
    wallet_outstanding_principal: int = 0
    wallet_outstanding_bonus: int = 0
    gift_cards_redeemed: int = 0
    gift_card_amount_redeemed: int = 0
    # Gift cards are issued by HQ and usable across stores: issued and outstanding are brand figures.
    gift_cards_issued: int | None = None
    gift_card_outstanding: int | None = None
    mall_redemptions: int = 0
    mall_redeeming_members: int = 0
    tier_distribution: dict[int, int] = field(default_factory=dict)

    # Ratios (None when the denominator is zero).

    @property
    def enrolment_rate(self) -> float | None:
        return _ratio(self.new_members, self.guest_orders)

    @property
    def member_sales_share(self) -> float | None:
        return _ratio(self.member_sales, self.member_sales + self.guest_sales)

    @property
    def repurchase_rate(self) -> float | None:
        return _ratio(self.repeat_members, self.active_members)

    @property
    def member_average_order(self) -> int | None:
        return self.member_sales // self.member_orders if self.member_orders else None

    @property
    def guest_average_order(self) -> int | None:
        return self.guest_sales // self.guest_orders if self.guest_orders else None

    @property
    def mall_redemption_rate(self) -> float | None:
        return _ratio(self.mall_redeeming_members, self.active_members)


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


async def _rows(sql: str, params: list) -> list[dict]:
    """Run `sql` written with `?` placeholders on either database."""
    connection = Tortoise.get_connection("default")
    if connection.capabilities.dialect == "postgres":
        parts = sql.split("?")
        sql = parts[0] + "".join(f"${n}{rest}" for n, rest in enumerate(parts[1:], start=1))
    return [dict(row) for row in await connection.execute_query_dict(sql, params)]


def _scope(window: Window, column: str) -> tuple[str, list]:
    if window.store_id is None:
        return "", []
    return f" AND {column} = ?", [window.store_id]


# Set per group by _per_group (counts of distinct members cannot be added up across stores).
PER_GROUP = ("active_members", "repeat_members", "member_orders", "member_sales", "mall_redemptions",
             "mall_redeeming_members", "gift_cards_issued", "gift_card_outstanding")


def _add(into: Figures, part: Figures) -> None:
    for item in dataclasses.fields(Figures):
        if item.name == "tier_distribution":
            for level, n in part.tier_distribution.items():
                into.tier_distribution[level] = into.tier_distribution.get(level, 0) + n
        elif item.name not in PER_GROUP:
            setattr(into, item.name, getattr(into, item.name) + getattr(part, item.name))


async def compute(window: Window, groups: tuple[str, ...]) -> dict[str, dict]:
    """{group: {key: Figures}} for the window, for each of `groups` ("store", "city", "brand");
    a key is a store id, a city or the brand id. The figures that add up are computed once by
    store and added up in Python per city and for the brand (20 stores, not 400,000 rows);
    distinct-member counts run once per group."""
    by_store: dict = {}

    def at(k) -> Figures:
        return by_store.setdefault(k, Figures())

    b, start, end = window.brand_id, window.start, window.end
    only, extra = _scope(window, "m.home_store_id")
    for row in await _rows(
            "SELECT m.home_store_id AS k, COUNT(*) AS n FROM member m"
            f" WHERE m.brand_id = ? AND m.created_at >= ? AND m.created_at < ?{only} GROUP BY m.home_store_id",
            [b, start, end, *extra]):
        at(row["k"]).new_members = int(row["n"])
    # Members enrolled by the end of the range, at their tier level now (0: none yet).
    for row in await _rows(
            "SELECT m.home_store_id AS k, COALESCE(t.level, 0) AS level, COUNT(*) AS n FROM member m"
            " LEFT JOIN member_tier t ON t.member_id = m.id"
            f" WHERE m.brand_id = ? AND m.created_at < ?{only} GROUP BY m.home_store_id, COALESCE(t.level, 0)",
            [b, end, *extra]):
        at(row["k"]).tier_distribution[int(row["level"])] = int(row["n"])

    only, extra = _scope(window, "g.store_id")
    for row in await _rows(
            "SELECT g.store_id AS k, SUM(g.orders) AS orders, SUM(g.amount_minor) AS amount FROM guest_sales g"
            " WHERE g.brand_id = ? AND g.business_date >= ? AND g.business_date <= ?"
            f"{only} GROUP BY g.store_id",
            [b, window.first_day, window.last_day, *extra]):
        f = at(row["k"])
        f.guest_orders, f.guest_sales = int(row["orders"] or 0), int(row["amount"] or 0)

    await _points(window, at)
    await _wallet(window, at)
    await _gift_cards(window, at)

    cities = {row["id"]: row["city"] for row in await _rows("SELECT id, city FROM store WHERE brand_id = ?", [b])}
    result = {}
    for group in groups:
        keyed: dict = {}
        for store_id, part in by_store.items():
            _add(keyed.setdefault({"store": store_id, "city": cities[store_id], "brand": b}[group], Figures()), part)
        await _per_group(window, group, keyed)
        result[group] = keyed
    return result


async def _per_group(window: Window, group: str, keyed: dict) -> None:
    key = GROUP_KEYS[group]

    def at(k) -> Figures:
        return keyed.setdefault(k, Figures())

    b, start, end = window.brand_id, window.start, window.end
    only, extra = _scope(window, "p.store_id")
    for row in await _rows(
            "SELECT k, COUNT(*) AS members, SUM(CASE WHEN orders >= 2 THEN 1 ELSE 0 END) AS repeaters,"
            " SUM(orders) AS orders, SUM(sales) AS sales FROM ("
            f"SELECT {key} AS k, p.member_id, COUNT(*) AS orders, SUM(p.amount_minor) AS sales FROM purchase p"
            f" JOIN store s ON s.id = p.store_id WHERE p.brand_id = ? AND p.occurred_at >= ? AND p.occurred_at < ?"
            f"{only} GROUP BY {key}, p.member_id) t GROUP BY k",
            [b, start, end, *extra]):
        f = at(row["k"])
        f.active_members, f.repeat_members = int(row["members"]), int(row["repeaters"] or 0)
        f.member_orders, f.member_sales = int(row["orders"] or 0), int(row["sales"] or 0)
    only, extra = _scope(window, "m.home_store_id")
    for row in await _rows(
            f"SELECT {key} AS k, COUNT(*) AS n, COUNT(DISTINCT r.member_id) AS members FROM mall_redemption r"
            f" JOIN member m ON m.id = r.member_id JOIN store s ON s.id = m.home_store_id"
            f" WHERE r.brand_id = ? AND r.created_at >= ? AND r.created_at < ? AND r.state <> 'CANCELLED'{only}"
            f" GROUP BY {key}",
            [b, start, end, *extra]):
        f = at(row["k"])
        f.mall_redemptions, f.mall_redeeming_members = int(row["n"]), int(row["members"])
    if group == "brand" and window.store_id is None:
        await _gift_cards_of_brand(window, at(b))


async def _points(window: Window, at) -> None:
    """One pass over the ledger up to the range's end, grouped by the store a movement is
    attributed to and the member's home store: the range's movements by the first, the
    outstanding balance and debt (the whole ledger to the end) by the second."""
    # A credit moves balance + settled debt by +points, a debit by -points: the sign of
    # (delta - debt_delta) tells an ADJUST credit from an ADJUST debit.
    where, extra = "", []
    if window.store_id is not None:
        where, extra = " AND (COALESCE(e.store_id, m.home_store_id) = ? OR m.home_store_id = ?)", [window.store_id] * 2
    for row in await _rows(
            "SELECT COALESCE(e.store_id, m.home_store_id) AS at_store, m.home_store_id AS home, e.kind AS kind,"
            " SUM(CASE WHEN e.occurred_at >= ? AND e.delta - e.debt_delta > 0 THEN e.points ELSE 0 END) AS credited,"
            " SUM(CASE WHEN e.occurred_at >= ? AND e.delta - e.debt_delta < 0 THEN e.points ELSE 0 END) AS debited,"
            " SUM(e.delta) AS balance, SUM(e.debt_delta) AS debt"
            " FROM points_ledger_entry e JOIN member m ON m.id = e.member_id"
            f" WHERE e.brand_id = ? AND e.occurred_at < ?{where}"
            " GROUP BY COALESCE(e.store_id, m.home_store_id), m.home_store_id, e.kind",
            [window.start, window.start, window.brand_id, window.end, *extra]):
        home = at(row["home"])
        home.points_outstanding += int(row["balance"] or 0)
        home.points_debt += int(row["debt"] or 0)
        f, kind = at(row["at_store"]), row["kind"]
        credited, debited = int(row["credited"] or 0), int(row["debited"] or 0)
        if kind in POINTS_CREDITS:
            f.points_issued += credited
        if kind == "REDEEM":
            f.points_redeemed += debited
        elif kind == "RETURN":
            f.points_redeemed -= credited
        elif kind == "EXPIRE":
            f.points_expired += debited
        elif kind == "REVERSE":
            f.points_reversed += debited
        elif kind == "ADJUST":
            f.points_adjusted_out += debited


async def _wallet(window: Window, at) -> None:
    store = "COALESCE(e.store_id, m.home_store_id)"
    only, extra = _scope(window, store)
    for row in await _rows(
            f"SELECT {store} AS k, e.kind AS kind, SUM(e.principal_delta) AS p, SUM(e.bonus_delta) AS b"
            " FROM wallet_ledger_entry e JOIN member m ON m.id = e.member_id"
            f" WHERE e.brand_id = ? AND e.occurred_at >= ? AND e.occurred_at < ?{only} GROUP BY {store}, e.kind",
            [window.brand_id, window.start, window.end, *extra]):
        f, kind = at(row["k"]), row["kind"]
        p, bonus = int(row["p"] or 0), int(row["b"] or 0)
        if kind == "TOP_UP":
            f.wallet_topped_up += p
        elif kind == "BONUS":
            f.wallet_bonus_granted += bonus
        elif kind in ("PAY", "PAY_REFUND"):  # what payments that still stand took
            f.wallet_spent_principal -= p
            f.wallet_spent_bonus -= bonus
        elif kind == "BALANCE_REFUND":  # 安心退款: the remaining principal back to the member
            f.wallet_refunded -= p
            f.wallet_bonus_lapsed -= bonus
        elif kind in ("BONUS_FORFEIT", "BONUS_EXPIRE"):
            f.wallet_bonus_lapsed -= bonus
    # Outstanding at the end of the range, by the store where it was topped up: the same lines
    # domain/wallet/reports.py adds up, cut at the range's end.
    only, extra = _scope(window, "l.origin_store_id")
    for row in await _rows(
            "SELECT l.origin_store_id AS k, l.bucket AS bucket, SUM(l.amount) AS amount FROM wallet_ledger_line l"
            " JOIN wallet_ledger_entry e ON e.id = l.entry_id"
            f" WHERE l.brand_id = ? AND e.occurred_at < ?{only} GROUP BY l.origin_store_id, l.bucket",
            [window.brand_id, window.end, *extra]):
        f = at(row["k"])
        if row["bucket"] == "PRINCIPAL":
            f.wallet_outstanding_principal = int(row["amount"] or 0)
        else:
            f.wallet_outstanding_bonus = int(row["amount"] or 0)


async def _gift_cards(window: Window, at) -> None:
    only, extra = _scope(window, "e.store_id")
    for row in await _rows(
            "SELECT e.store_id AS k, e.kind AS kind, COUNT(*) AS n, SUM(e.amount_delta) AS amount"
            " FROM gift_card_ledger_entry e WHERE e.brand_id = ? AND e.occurred_at >= ? AND e.occurred_at < ?"
            f" AND e.store_id IS NOT NULL AND e.kind IN ({CARD_KINDS}, 'PAY_REFUND'){only} GROUP BY e.store_id, e.kind",
            [window.brand_id, window.start, window.end, *extra]):
        f = at(row["k"])
        if row["kind"] in CARD_REDEMPTIONS:
            f.gift_cards_redeemed += int(row["n"])
        f.gift_card_amount_redeemed -= int(row["amount"] or 0)


async def _gift_cards_of_brand(window: Window, f: Figures) -> None:
    # Brand-wide: cards issued in the range, redemptions without a store (a BENEFIT applied at
    # claim), and the balance left on the cards at the range's end.
    for row in await _rows(
            "SELECT e.kind AS kind, COUNT(*) AS n, SUM(e.amount_delta) AS amount FROM gift_card_ledger_entry e"
            f" WHERE e.brand_id = ? AND e.occurred_at >= ? AND e.occurred_at < ? AND e.store_id IS NULL"
            f" AND e.kind IN ('ISSUE', {CARD_KINDS}, 'PAY_REFUND') GROUP BY e.kind",
            [window.brand_id, window.start, window.end]):
        if row["kind"] == "ISSUE":
            f.gift_cards_issued = int(row["n"])
            continue
        if row["kind"] in CARD_REDEMPTIONS:
            f.gift_cards_redeemed += int(row["n"])
        f.gift_card_amount_redeemed -= int(row["amount"] or 0)
    f.gift_cards_issued = f.gift_cards_issued or 0
    rows = await _rows("SELECT SUM(e.amount_delta) AS balance FROM gift_card_ledger_entry e"
                       " WHERE e.brand_id = ? AND e.occurred_at < ?", [window.brand_id, window.end])
    f.gift_card_outstanding = int(rows[0]["balance"] or 0) if rows else 0
