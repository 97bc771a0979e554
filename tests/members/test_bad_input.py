"""Bad input never gives a server error and changes nothing: the caller gets a code to act on."""

import pytest

from domain.members.models import Member
from franchise.models import AuditEntry
from tests.members.support import REGISTER, assert_refused_with_a_code, error_codes

HUGE = "x" * 10_000
NUL = "Li\x00Lei"
MEMBERS = "query($f: MemberFilter) { members(filter: $f) { totalCount } }"


def field_errors(payload: dict) -> list[tuple[str, str]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"name": HUGE}, ("TOO_LONG", "name")),
        ({"phone": HUGE}, ("INVALID_PHONE", "phone")),
        ({"referralCode": HUGE}, ("INVALID_REFERRAL_CODE", "referralCode")),
        ({"referralCode": "AB\x00CD"}, ("INVALID_REFERRAL_CODE", "referralCode")),
        ({"name": NUL}, ("INVALID_INPUT", "name")),
        ({"name": "Li\x07Lei"}, ("INVALID_INPUT", "name")),
        ({"birthday": "2999-01-01"}, ("INVALID_INPUT", "birthday")),
        ({"birthday": "1850-01-01"}, ("INVALID_INPUT", "birthday")),
        ({"homeStoreId": "abc"}, ("INVALID_INPUT", "homeStoreId")),
        ({"homeStoreId": "-1"}, ("INVALID_INPUT", "homeStoreId")),
        ({"homeStoreId": "99999999999999999999"}, ("INVALID_INPUT", "homeStoreId")),
        ({"homeStoreId": "987654"}, ("STORE_NOT_FOUND", "homeStoreId")),
    ],
)
async def test_register_member_with_bad_values_reports_a_user_error_and_creates_nothing(
    gql, world, member_count, change, expected
):
    before = await member_count()
    input = {"phone": "13800138000", "homeStoreId": world.store_a.id, **change}

    body = await gql(REGISTER, {"input": input}, token=world.tokens["hq_admin"])

    payload = body["data"]["registerMember"]
    assert payload["member"] is None
    assert field_errors(payload) == [expected]
    assert await member_count() == before


@pytest.mark.parametrize(
    "change",
    [
        {"homeStoreId": {"a": 1}},
        {"homeStoreId": [1, 2]},
        {"birthday": "yesterday"},
        {"birthday": "2020-13-45"},
        {"gender": "ROBOT"},
        {"source": "SPAM"},
        {"phone": 13800138000},
        {"phone": None},
        {"name": {"first": "Li"}},
    ],
)
async def test_register_member_with_wrongly_typed_variables_is_a_coded_graphql_error(
    gql, world, member_count, change
):
    before = await member_count()
    input = {"phone": "13800138000", "homeStoreId": world.store_a.id, **change}

    body = await gql(REGISTER, {"input": input}, token=world.tokens["hq_admin"], expect_errors=True)

    assert body["data"] is None
    assert_refused_with_a_code(body)
    assert await member_count() == before


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"brandSlug": HUGE}, ("BRAND_NOT_FOUND", "brandSlug")),
        ({"brandSlug": "ac\x00me"}, ("BRAND_NOT_FOUND", "brandSlug")),
        ({"verificationCode": HUGE}, ("CODE_EXPIRED", "code")),
        ({"name": HUGE}, ("TOO_LONG", "name")),
    ],
)
async def test_self_enrolment_with_bad_values_reports_a_user_error_and_creates_nothing(
    gql, world, member_count, change, expected
):
    before = await member_count()
    input = {"brandSlug": "acme", "phone": "13800138000", "verificationCode": "123456",
             "homeStoreId": world.store_a.id, **change}

    body = await gql(REGISTER, {"input": input})

    assert field_errors(body["data"]["registerMember"]) == [expected]
    assert await member_count() == before


@pytest.mark.parametrize("mutation", ["requestMemberCode", "memberLogin"])
@pytest.mark.parametrize("slug", [HUGE, "ac\x00me"])
async def test_member_code_mutations_with_an_impossible_brand_slug_report_brand_not_found(gql, world, mutation, slug):
    code_argument = ', code: "123456"' if mutation == "memberLogin" else ""
    query = f"""mutation($slug: String!) {{
      {mutation}(input: {{brandSlug: $slug, phone: "13800138000"{code_argument}}}) {{ errors {{ code field }} }}
    }}"""

    body = await gql(query, {"slug": slug})

    assert field_errors(body["data"][mutation]) == [("BRAND_NOT_FOUND", "brandSlug")]


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("query($id: ID!) { member(id: $id) { id } }", {"id": "abc"}, "INVALID_INPUT"),
        ("query($id: ID!) { member(id: $id) { id } }", {"id": "99999999999999999999"}, "INVALID_INPUT"),
        ("query($p: String!) { memberByPhone(phone: $p) { id } }", {"p": HUGE}, "INVALID_PHONE"),
        (MEMBERS, {"f": {"homeStoreId": "abc"}}, "INVALID_INPUT"),
        (MEMBERS, {"f": {"search": HUGE}}, "TOO_LONG"),
        (MEMBERS, {"f": {"search": NUL}}, "INVALID_INPUT"),
        (MEMBERS, {"f": {"joinedAfter": "yesterday"}}, None),
        (MEMBERS, {"f": {"homeStoreId": {"a": 1}}}, None),
        ("query($r: [_Any!]!) { _entities(representations: $r) { ... on Member { id } } }",
         {"r": [{"__typename": "Member", "id": "abc"}]}, "INVALID_INPUT"),
    ],
)
async def test_member_queries_with_bad_arguments_are_coded_errors_not_server_errors(
    gql, world, query, variables, code
):
    body = await gql(query, variables, token=world.tokens["hq_admin"], expect_errors=True)

    assert_refused_with_a_code(body)
    if code:
        assert error_codes(body) == [code]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"memberId": "abc"}, ("INVALID_INPUT", "memberId")),
        ({"homeStoreId": "abc"}, ("INVALID_INPUT", "homeStoreId")),
        ({"homeStoreId": "987654"}, ("STORE_NOT_FOUND", "homeStoreId")),
        ({"reason": HUGE}, ("TOO_LONG", "reason")),
        ({"reason": "moved\x00"}, ("INVALID_INPUT", "reason")),
    ],
)
async def test_transfer_with_bad_values_reports_a_user_error_and_moves_nobody(gql, world, change, expected):
    input = {"memberId": world.member_a.id, "homeStoreId": world.store_b.id, "reason": "moved", **change}

    body = await gql(
        "mutation($input: TransferMemberInput!) { transferMember(input: $input) { errors { code field } } }",
        {"input": input}, token=world.tokens["hq_admin"],
    )

    assert field_errors(body["data"]["transferMember"]) == [expected]
    assert (await Member.get(id=world.member_a.id)).home_store_id == world.store_a.id
    assert not await AuditEntry.filter(action="member.transfer").exists()


async def test_import_with_a_wrongly_typed_row_is_a_coded_graphql_error_and_imports_nothing(gql, world, member_count):
    before = await member_count()
    rows = [{"phone": "13800138000", "homeStoreCode": "A"}, {"phone": "13800138001", "birthday": "yesterday"}]

    body = await gql(
        "mutation($rows: [ImportMemberRow!]!) { importMembers(input: {rows: $rows}) { imported } }",
        {"rows": rows}, token=world.tokens["hq_operator"], expect_errors=True,
    )

    assert_refused_with_a_code(body)
    assert await member_count() == before
