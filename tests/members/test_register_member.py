"""registerMember by store staff and partners: one member per phone, the brand's profile fields,
the home store, referrals and the source of an enrolment."""

import pytest

from domain.members.models import Member
from tests.factories import make_api_client, make_brand, make_store
from tests.members.support import REGISTER, error_codes


async def test_phone_written_three_ways_is_one_member_and_later_enrolments_get_phone_taken(
    world, register, member_count
):
    # given a member enrolled as "138 0013 8000"
    first = await register({"phone": "138 0013 8000", "homeStoreId": world.store_a.id}, world.tokens["hq_admin"])
    assert first["errors"] == []
    assert first["member"]["phone"] == "+8613800138000"

    # when the same number is enrolled again, written differently
    again = [
        await register({"phone": written, "homeStoreId": world.store_b.id}, world.tokens["hq_admin"])
        for written in ("+86 13800138000", "13800138000", "+86-138-0013-8000")
    ]

    # then each is the same member: PHONE_TAKEN, and the brand has one member with that phone
    for payload in again:
        assert payload["member"] is None
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [("PHONE_TAKEN", "phone")]
    assert await member_count(brand_id=world.brand.id, phone="+8613800138000") == 1


async def test_same_phone_may_be_a_member_of_two_brands(world, register):
    taken_elsewhere = world.other_member.phone

    payload = await register({"phone": taken_elsewhere, "homeStoreId": world.store_a.id}, world.tokens["hq_admin"])

    assert payload["errors"] == []
    assert payload["member"]["phone"] == taken_elsewhere


@pytest.mark.parametrize(
    "malformed",
    ["12345", "not a phone", "", "   ", "+86 138 0013 800", "+1 555 0100", "1" * 40, "138001380001"],
)
async def test_malformed_phone_is_refused_with_invalid_phone(world, register, member_count, malformed):
    before = await member_count()

    payload = await register({"phone": malformed, "homeStoreId": world.store_a.id}, world.tokens["hq_admin"])

    assert payload["member"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID_PHONE", "phone")]
    assert await member_count() == before


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({"birthday": "1990-05-01"}, "name"),
        ({"name": "Li Lei"}, "birthday"),
        ({"name": "   ", "birthday": "1990-05-01"}, "name"),
    ],
)
async def test_brand_requiring_name_and_birthday_refuses_enrolment_without_them(
    gql, tokens, member_count, given, missing
):
    # given a brand that asks for name and birthday at enrolment
    brand, admin = await make_brand("strict", required_profile_fields=["name", "birthday"])
    store = await make_store(admin, "S1")
    token = tokens.issue(kind="staff", subject_id=admin.id, brand_id=brand.id)

    # when a clerk enrols without one of them
    body = await gql(REGISTER, {"input": {"phone": "13800138000", "homeStoreId": store.id, **given}}, token=token)

    # then it is REQUIRED, naming the field, and nothing is created
    payload = body["data"]["registerMember"]
    assert payload["member"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("REQUIRED", missing)]
    assert await member_count(brand_id=brand.id) == 0


async def test_brand_requiring_name_and_birthday_enrols_when_both_are_given(gql, tokens):
    brand, admin = await make_brand("strict", required_profile_fields=["name", "birthday"])
    store = await make_store(admin, "S1")
    token = tokens.issue(kind="staff", subject_id=admin.id, brand_id=brand.id)

    body = await gql(REGISTER, {"input": {
        "phone": "13800138000", "homeStoreId": store.id, "name": "Li Lei", "birthday": "1990-05-01",
    }}, token=token)

    payload = body["data"]["registerMember"]
    assert payload["errors"] == []
    assert payload["member"]["name"] == "Li Lei"
    assert payload["member"]["birthday"] == "1990-05-01"


async def test_clerk_enrolment_without_home_store_defaults_to_the_clerks_own_store(world, register):
    payload = await register({"phone": "13800138000", "name": "Li Lei"}, world.tokens["clerk_a"])

    assert payload["errors"] == []
    assert payload["member"]["homeStore"]["code"] == "A"
    assert payload["member"]["source"] == "STORE_COUNTER"


async def test_clerk_cannot_enrol_a_member_into_another_store(gql, world, member_count):
    before = await member_count()

    body = await gql(REGISTER, {"input": {"phone": "13800138000", "homeStoreId": world.store_b.id}},
                     token=world.tokens["clerk_a"], expect_errors=True)

    assert error_codes(body) == ["FORBIDDEN"]
    assert await member_count() == before


async def test_hq_enrolment_without_home_store_is_refused_as_required(world, register):
    payload = await register({"phone": "13800138000"}, world.tokens["hq_admin"])

    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("REQUIRED", "homeStoreId")]


@pytest.mark.parametrize("store", ["missing", "other_brand"])
async def test_unknown_home_store_is_refused_with_store_not_found(world, register, member_count, store):
    # another brand's store is as unknown as a store that never existed
    store_id = 987654 if store == "missing" else world.other_store.id
    before = await member_count()

    payload = await register({"phone": "13800138000", "homeStoreId": store_id}, world.tokens["hq_admin"])

    assert payload["member"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("STORE_NOT_FOUND", "homeStoreId")]
    assert await member_count() == before


async def test_referral_code_links_the_referrer_and_sets_source_referral(world, register):
    # given a member's referral code, typed in lower case at the counter
    code = world.member_a.referral_code.lower()

    payload = await register({"phone": "13800138000", "referralCode": code}, world.tokens["clerk_a"])

    assert payload["errors"] == []
    assert payload["member"]["source"] == "REFERRAL"
    referee = await Member.get(id=int(payload["member"]["id"]))
    assert referee.referred_by_id == world.member_a.id


@pytest.mark.parametrize("code", ["NOPE2345", "other_brand"])
async def test_invalid_referral_code_is_refused_and_nothing_is_created(world, register, member_count, code):
    # another brand's member's code is not valid in this brand
    referral_code = world.other_member.referral_code if code == "other_brand" else code
    before = await member_count()

    payload = await register({"phone": "13800138000", "referralCode": referral_code}, world.tokens["clerk_a"])

    assert payload["member"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID_REFERRAL_CODE", "referralCode")]
    assert await member_count() == before


async def test_partner_with_members_write_enrols_with_source_partner_by_default(world, register):
    payload = await register({"phone": "13800138000", "homeStoreId": world.store_b.id}, world.tokens["partner"])

    assert payload["errors"] == []
    assert payload["member"]["source"] == "PARTNER"
    assert payload["member"]["homeStore"]["code"] == "B"


async def test_partner_may_name_the_source_of_its_enrolment(world, register):
    payload = await register(
        {"phone": "13800138000", "homeStoreId": world.store_a.id, "source": "STORE_QR"}, world.tokens["partner"]
    )

    assert payload["member"]["source"] == "STORE_QR"


async def test_partner_with_members_read_only_cannot_enrol(gql, world, member_count):
    reader = await make_api_client(world.admin, ["members:read"])
    before = await member_count()

    body = await gql(REGISTER, {"input": {"phone": "13800138000", "homeStoreId": world.store_a.id}},
                     token=reader, expect_errors=True)

    assert error_codes(body) == ["FORBIDDEN"]
    assert await member_count() == before


@pytest.mark.parametrize(("caller", "code"), [("member", "FORBIDDEN"), ("anonymous", "UNAUTHENTICATED")])
async def test_member_or_anonymous_caller_cannot_enrol_someone_at_a_store(gql, world, member_count, caller, code):
    before = await member_count()

    body = await gql(REGISTER, {"input": {"phone": "13800138000", "homeStoreId": world.store_a.id}},
                     token=world.tokens[caller], expect_errors=True)

    assert error_codes(body) == [code]
    assert await member_count() == before
