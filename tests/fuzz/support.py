"""Schema-driven fuzzing with hypothesis-graphql: documents generated from the printed schema
(valid ones, and some with one schema violation each), sent through the app with a token of
every caller kind. A failure is a 5xx, an error without a code, or INTERNAL_SERVER_ERROR (a
masked bug); afterwards every points account must still match its ledger.

Generation and execution are separate: Hypothesis collects the documents first (no shrinking;
a failing document is reported as is), then they run through the ASGI app."""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import graphql
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes

from schema import build_schema
from schema.common import UserErrorCode

CALLER_KINDS = ("member", "clerk_a", "manager_a", "hq_operator", "hq_admin", "partner")
# Codes a caller may get; anything else (INTERNAL_SERVER_ERROR, none at all) is a failure.
EXPECTED_CODES = {"FORBIDDEN", "UNAUTHENTICATED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT",
                  *(code.value for code in UserErrorCode)}
NEGATIVE_SHARE = 0.2
# Operations that take callers' access away (a role change, a revoked key, a policy change): run
# last, so that they do not turn the rest of the run into UNAUTHENTICATED / FORBIDDEN answers.
ACCESS_CHANGING = ("updateStaffRole", "revokeApiClient", "grantRolePermission", "revokeRolePermission")
ACCESS_CHANGING_SHARE = 0.05
# A share of documents call only the operations that move points, with ids of the first brand's
# members and stores, so the ledger check afterwards has real traffic to check.
BALANCE_MOVING = ("recordPurchase", "refundPurchase", "payWithPoints", "refundPointsPayment", "adjustPoints")
BALANCE_MOVING_SHARE = 0.2


def _any_representation(ids: st.SearchStrategy[str]) -> st.SearchStrategy[graphql.ValueNode]:
    def build(typename: str, key: str, value: str) -> graphql.ObjectValueNode:
        return graphql.ObjectValueNode(fields=(
            graphql.ObjectFieldNode(name=graphql.NameNode(value="__typename"), value=nodes.String(typename)),
            graphql.ObjectFieldNode(name=graphql.NameNode(value=key), value=nodes.String(value)),
        ))

    return st.builds(build, st.sampled_from(["Member", "Store", "Product", "Order", "Nope"]),
                     st.sampled_from(["id", "sku"]), ids)


# Order ids of the purchases `seed_points` records, so refunds and replays reach real rows.
KNOWN_ORDER_IDS = ("fuzz-order-1", "fuzz-order-2")


def custom_scalars(known_ids: list[str], *, well_formed: bool = False) -> dict[str, st.SearchStrategy[graphql.ValueNode]]:
    """Values that are mostly well-formed (so requests get past parsing into the services),
    with real ids and order ids of the world often enough to reach its rows; `well_formed`:
    only those, so that balance-moving calls succeed often enough."""
    if well_formed:
        amounts = st.decimals(min_value=1, max_value=2000, places=2, allow_nan=False, allow_infinity=False)
        return {
            "ID": st.sampled_from(known_ids).map(nodes.String),
            "Decimal": amounts.map(str).map(nodes.String),
            "String": st.one_of(st.sampled_from(KNOWN_ORDER_IDS), st.text(min_size=1, max_size=8)).map(nodes.String),
            "DateTime": st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1),
                                     timezones=st.just(UTC)).map(datetime.isoformat).map(nodes.String),
            "Date": st.dates().map(str).map(nodes.String),
            "JSON": st.just(nodes.String("{}")),
            "_Any": _any_representation(st.sampled_from(known_ids)),
        }
    known = st.sampled_from(known_ids)
    ids = st.one_of(known, known, known, st.integers(-5, 10**19).map(str), st.text(max_size=12))
    decimals = st.one_of(
        st.decimals(min_value=-10**6, max_value=10**9, places=2, allow_nan=False, allow_infinity=False).map(str),
        st.sampled_from(["0", "0.001", "1e400", "NaN", "-0", "abc", ""]),
    )
    moments = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1),
                           timezones=st.just(UTC)).map(datetime.isoformat)
    return {
        "ID": ids.map(nodes.String),
        "String": st.one_of(st.text(max_size=30), st.sampled_from(KNOWN_ORDER_IDS)).map(nodes.String),
        "Decimal": decimals.map(nodes.String),
        "DateTime": st.one_of(moments, st.text(max_size=10)).map(nodes.String),
        "Date": st.one_of(st.dates().map(str), st.text(max_size=10)).map(nodes.String),
        "JSON": st.text(max_size=20).map(lambda text: nodes.String(json.dumps(text))),
        "_Any": _any_representation(ids),
    }


def generate(strategy: st.SearchStrategy[str], count: int, seed_value: int) -> list[str]:
    found: list[str] = []

    @seed(seed_value)
    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(document: str) -> None:
        found.append(document)

    collect()
    return found


def root_fields(document: str) -> set[str]:
    try:
        parsed = graphql.parse(document)
    except graphql.GraphQLError:
        return set()
    return {selection.name.value for definition in parsed.definitions
            if isinstance(definition, graphql.OperationDefinitionNode)
            for selection in definition.selection_set.selections if isinstance(selection, graphql.FieldNode)}


@dataclass
class FuzzReport:
    requests: int = 0
    documents: int = 0
    operations_hit: set[str] = field(default_factory=set)
    operations_total: int = 0
    operations_missed: set[str] = field(default_factory=set)
    codes: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"fuzz: {self.requests} requests ({self.documents} documents x {len(CALLER_KINDS)} callers), "
                f"{len(self.operations_hit)}/{self.operations_total} root operations hit, "
                f"{len(self.failures)} failures, {self.seconds:.1f} s; not reached: {sorted(self.operations_missed)}; "
                f"error codes: {dict(self.codes.most_common(8))}")


def _check(response) -> str | None:
    if response.status_code >= 500:
        return f"HTTP {response.status_code}"
    try:
        body = response.json()
    except ValueError:
        return f"not JSON (HTTP {response.status_code})"
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if code not in EXPECTED_CODES:
            return f"error code {code!r}: {error.get('message')}"
    return None


async def seed_points(gql, world) -> None:
    """Both members of the first brand start with points, so spends, refunds and adjustments
    that the fuzzer aims at them move real balances."""
    for member, order_id, token in ((world.member_a, KNOWN_ORDER_IDS[0], "clerk_a"),
                                    (world.member_b, KNOWN_ORDER_IDS[1], "manager_b")):
        store = world.store_a if member is world.member_a else world.store_b
        body = await gql("""mutation($input: RecordPurchaseInput!) { recordPurchase(input: $input) { errors { code } } }""",
                         {"input": {"memberId": str(member.id), "storeId": str(store.id), "amount": "500.00",
                                    "orderId": order_id}}, token=world.tokens[token])
        assert body["data"]["recordPurchase"]["errors"] == []


async def fuzz(client, world, *, documents: int, seed_value: int) -> FuzzReport:
    sdl = build_schema()._schema  # the graphql-core schema Strawberry serves
    known_ids = sorted({str(o.id) for o in (world.store_a, world.store_b, world.member_a, world.member_b,
                                            world.other_member, world.other_store, world.admin)})
    scalars = custom_scalars(known_ids)
    first_brand = custom_scalars([str(o.id) for o in (world.store_a, world.store_b, world.member_a, world.member_b)],
                                 well_formed=True)
    operations = set(sdl.query_type.fields) | set(sdl.mutation_type.fields)
    most = sorted(operations - set(ACCESS_CHANGING))
    last = max(1, int(documents * ACCESS_CHANGING_SHARE))
    negative = int(documents * NEGATIVE_SHARE)
    moving = int(documents * BALANCE_MOVING_SHARE)
    positive = documents - negative - last - moving
    generated = (generate(from_schema(sdl, fields=most, custom_scalars=scalars), positive, seed_value)
                 + generate(from_schema(sdl, fields=most, custom_scalars=scalars, mode=Mode.NEGATIVE), negative,
                            seed_value + 1)
                 + generate(from_schema(sdl, fields=BALANCE_MOVING, custom_scalars=first_brand), moving,
                            seed_value + 3))
    random.Random(seed_value).shuffle(generated)
    generated += generate(from_schema(sdl, fields=ACCESS_CHANGING, custom_scalars=scalars), last, seed_value + 2)
    report = FuzzReport(documents=len(generated))
    report.operations_total = len(operations)
    started = time.perf_counter()
    for document in generated:
        for caller in CALLER_KINDS:
            response = await client.post("/graphql", json={"query": document},
                                         headers={"authorization": f"Bearer {world.tokens[caller]}"})
            report.requests += 1
            problem = _check(response)
            if problem:
                report.failures.append((caller, problem, document))
                continue
            errors = response.json().get("errors") or []
            report.codes.update((e.get("extensions") or {}).get("code") for e in errors)
            if not errors or all((e.get("extensions") or {}).get("code") != "GRAPHQL_VALIDATION_FAILED" for e in errors):
                report.operations_hit |= root_fields(document)
    report.seconds = time.perf_counter() - started
    report.operations_missed = operations - report.operations_hit
    return report
