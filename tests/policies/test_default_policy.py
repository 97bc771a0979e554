"""The shipped default policy is the role table of DESIGN.md ("Who may do what")."""

from __future__ import annotations

import pytest

from policies import (
    NotAuthenticated, NotAuthorized, Principal, PrincipalKind, Role, authorize, authorize_store, may, store_scope,
)
from policies.enforcer import get_enforcer
from policies.principal import SCOPES
from policies.storage import DEFAULT_DOMAIN, default_rules

BRAND = 7
STORE = 70
OTHER_STORE = 71

# What only hq_admin may do (through its "*" rule): rules, tiers, manual points, staff roles, API clients.
HQ_ADMIN_ONLY = [
    ("points.rules", "update"),
    ("tiers", "update"),
    ("points", "adjust"),
    ("staff", "create"),
    ("staff", "update_role"),
    ("api_client", "create"),
    ("api_client", "revoke"),
    ("member", "transfer"),
    ("store", "create"),
    ("store", "update"),
]


def staff(role: Role, store_id: int | None = None, brand_id: int = BRAND) -> Principal:
    return Principal.staff(staff_id=1, brand_id=brand_id, role=role, store_id=store_id)


def partner(*scopes: str, store_ids: tuple[int, ...] = ()) -> Principal:
    return Principal.api_client(
        api_client_id=1, brand_id=BRAND, scopes=frozenset(scopes), store_ids=frozenset(store_ids)
    )


def member() -> Principal:
    return Principal.member(member_id=1, brand_id=BRAND)


def test_enforcer_holds_exactly_the_shipped_default_rules():
    loaded = {tuple(rule) for rule in get_enforcer().get_policy() if rule[1] == DEFAULT_DOMAIN}

    assert loaded == default_rules()


def test_hq_admin_may_do_everything_in_its_brand():
    admin = staff(Role.HQ_ADMIN)

    for obj, act in HQ_ADMIN_ONLY + [("member", "read"), ("anything.new", "whatever")]:
        assert may(admin, obj, act), (obj, act)


@pytest.mark.parametrize("role", [Role.HQ_OPERATOR, Role.STORE_MANAGER, Role.STORE_CLERK])
@pytest.mark.parametrize(("obj", "act"), HQ_ADMIN_ONLY)
def test_only_hq_admin_changes_rules_tiers_points_staff_roles_and_api_clients(role, obj, act):
    store = STORE if role.is_store_role else None

    assert not may(staff(role, store), obj, act)
    with pytest.raises(NotAuthorized):
        authorize(staff(role, store), obj, act)


def test_no_default_rule_other_than_hq_admins_uses_a_wildcard():
    for sub, dom, obj, act in default_rules():
        if sub != Role.HQ_ADMIN.value:
            assert "*" not in (obj, act), (sub, obj, act)


@pytest.mark.parametrize(
    ("role", "obj", "act", "allowed"),
    [
        # hq_operator reads the brand and runs members, never rules or roles.
        (Role.HQ_OPERATOR, "brand", "read", True),
        (Role.HQ_OPERATOR, "store", "read", True),
        (Role.HQ_OPERATOR, "staff", "read", True),
        (Role.HQ_OPERATOR, "member", "read", True),
        (Role.HQ_OPERATOR, "member", "read_phone", True),
        (Role.HQ_OPERATOR, "member", "register", True),
        (Role.HQ_OPERATOR, "member", "import", True),
        (Role.HQ_OPERATOR, "api_client", "read", True),
        (Role.HQ_OPERATOR, "staff", "create_clerk", False),
        (Role.HQ_OPERATOR, "store_card", "write", False),
        # store_manager: its store's card, prices, clerks and members.
        (Role.STORE_MANAGER, "store_card", "write", True),
        (Role.STORE_MANAGER, "store_price", "write", True),
        (Role.STORE_MANAGER, "staff", "create_clerk", True),
        (Role.STORE_MANAGER, "member", "read_phone", True),
        (Role.STORE_MANAGER, "member", "import", True),
        (Role.STORE_MANAGER, "api_client", "read", False),
        # store_clerk: registers and reads members of its store, phones masked.
        (Role.STORE_CLERK, "member", "register", True),
        (Role.STORE_CLERK, "member", "read", True),
        (Role.STORE_CLERK, "store", "read", True),
        (Role.STORE_CLERK, "store_card", "write", False),
        (Role.STORE_CLERK, "store_price", "write", False),
        (Role.STORE_CLERK, "member", "read_phone", False),
        (Role.STORE_CLERK, "member", "import", False),
        (Role.STORE_CLERK, "staff", "create_clerk", False),
        (Role.STORE_CLERK, "staff", "read", False),
    ],
)
def test_role_table(role, obj, act, allowed):
    principal = staff(role, STORE if role.is_store_role else None)

    assert may(principal, obj, act) is allowed


def test_member_may_read_itself_only():
    assert may(member(), "member", "read_self")
    assert may(member(), "member", "read_phone_self")
    assert may(member(), "brand", "read")
    assert not may(member(), "member", "read")
    assert not may(member(), "member", "register")
    assert not may(member(), "store_card", "write")


@pytest.mark.parametrize(
    ("scopes", "obj", "act", "allowed"),
    [
        (("members:read",), "member", "read", True),
        (("members:read",), "store", "read", True),
        (("members:read",), "member", "register", False),
        (("members:read",), "member", "read_phone", False),
        (("members:write",), "member", "register", True),
        (("members:write",), "member", "update", True),
        (("members:write",), "member", "read_phone", False),
        (("members:pii",), "member", "read_phone", True),
        (("members:read", "members:pii"), "member", "read_phone", True),
        (("points:earn",), "member", "register", False),
        ((), "member", "read", False),
        (("admin",), "member", "read", False),  # not a scope: grants nothing
        (("members:read",), "api_client", "create", False),
        (("members:write",), "staff", "update_role", False),
    ],
)
def test_partner_scopes_map_to_permissions(scopes, obj, act, allowed):
    assert may(partner(*scopes), obj, act) is allowed


def test_every_default_scope_rule_names_a_known_scope():
    for sub, _, _, _ in default_rules():
        if sub.startswith("scope:"):
            assert sub.removeprefix("scope:") in SCOPES


def test_anonymous_raises_not_authenticated_with_the_credential_error():
    with pytest.raises(NotAuthenticated) as plain:
        authorize(Principal.anonymous(), "brand", "read")
    assert plain.value.code == "UNAUTHENTICATED"
    with pytest.raises(NotAuthenticated, match="has expired"):
        authorize(Principal.anonymous("The token has expired: sign in again."), "brand", "read")
    assert not may(Principal.anonymous(), "brand", "read")


def test_store_role_acting_at_another_store_raises_not_authorized():
    clerk = staff(Role.STORE_CLERK, STORE)

    authorize(clerk, "member", "register", store_id=STORE)
    with pytest.raises(NotAuthorized) as denied:
        authorize(clerk, "member", "register", store_id=OTHER_STORE)
    assert denied.value.code == "FORBIDDEN"
    with pytest.raises(NotAuthorized):
        authorize_store(staff(Role.STORE_MANAGER, STORE), OTHER_STORE)
    assert store_scope(clerk) == frozenset({STORE})


def test_hq_roles_act_in_every_store_of_the_brand():
    for role in (Role.HQ_ADMIN, Role.HQ_OPERATOR):
        principal = staff(role)
        assert store_scope(principal) is None
        authorize(principal, "member", "register", store_id=OTHER_STORE)


def test_hq_role_never_carries_a_store():
    operator = Principal.staff(staff_id=1, brand_id=BRAND, role=Role.HQ_OPERATOR, store_id=STORE)

    assert operator.store_id is None
    assert operator.allowed_store_ids is None


def test_store_limited_partner_is_confined_to_its_stores():
    limited = partner("members:write", store_ids=(STORE,))

    authorize(limited, "member", "register", store_id=STORE)
    with pytest.raises(NotAuthorized):
        authorize(limited, "member", "register", store_id=OTHER_STORE)
    brand_wide = partner("members:write")
    authorize(brand_wide, "member", "register", store_id=OTHER_STORE)


def test_permission_is_checked_before_the_store():
    # A clerk at its own store still may not write the branch card.
    with pytest.raises(NotAuthorized):
        authorize(staff(Role.STORE_CLERK, STORE), "store_card", "write", store_id=STORE)


def test_principal_without_a_brand_may_nothing_but_the_platform_may_all():
    brandless = Principal(kind=PrincipalKind.STAFF, role=Role.HQ_ADMIN)

    assert not may(brandless, "brand", "read")
    assert may(Principal.platform(), "points.rules", "update")
    authorize(Principal.platform(), "store", "create", store_id=OTHER_STORE)


def test_subjects_are_the_role_the_member_or_the_scopes():
    assert staff(Role.STORE_CLERK, STORE).subjects == ("store_clerk",)
    assert member().subjects == ("member",)
    assert partner("points:earn", "members:read").subjects == ("scope:members:read", "scope:points:earn")
    assert Principal.anonymous().subjects == ()
