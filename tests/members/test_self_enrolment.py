"""Self-enrolment in the mini-program: a one-time code proves the phone, then the same code enrols."""

from tests.members.support import REGISTER

REQUEST_CODE = """
mutation($input: RequestMemberCodeInput!) {
  requestMemberCode(input: $input) { sent expiresIn errors { code field } }
}
"""
MEMBER_LOGIN = """
mutation($input: MemberLoginInput!) {
  memberLogin(input: $input) { token member { id } errors { code field } }
}
"""
VIEWER = "{ viewer { kind member { id phone homeStore { code } } } }"

PHONE = "138 0013 8000"
E164 = "+8613800138000"


async def request_code(gql, sender, phone: str = PHONE) -> str:
    body = await gql(REQUEST_CODE, {"input": {"brandSlug": "acme", "phone": phone}})
    assert body["data"]["requestMemberCode"] == {"sent": True, "expiresIn": 300, "errors": []}
    return sender.last_code(E164)


async def member_login(gql, code: str) -> dict:
    body = await gql(MEMBER_LOGIN, {"input": {"brandSlug": "acme", "phone": PHONE, "code": code}})
    return body["data"]["memberLogin"]


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


async def enrol(gql, world, code: str, **extra) -> dict:
    body = await gql(REGISTER, {"input": {
        "brandSlug": "acme", "phone": PHONE, "verificationCode": code, "homeStoreId": world.store_a.id, **extra,
    }})
    return body["data"]["registerMember"]


async def test_code_for_a_non_member_says_not_a_member_and_the_same_code_then_enrols(gql, world, sender, member_count):
    # given an anonymous person who asked for a code
    code = await request_code(gql, sender)

    # when they sign in with it, they learn they are not a member yet
    login = await member_login(gql, code)
    assert login["token"] is None
    assert [(e["code"], e["field"]) for e in login["errors"]] == [("NOT_A_MEMBER", "phone")]
    assert await member_count(phone=E164) == 0

    # and the same code, kept, enrols them at the store whose code they scanned
    payload = await enrol(gql, world, code, name="Li Lei")

    assert payload["errors"] == []
    assert payload["member"]["phone"] == "+86138****8000"  # the caller is still anonymous here
    assert payload["member"]["source"] == "MINI_PROGRAM"
    assert payload["member"]["homeStore"]["code"] == "A"
    assert payload["token"]

    assert await member_count(phone=E164) == 1

    # and the token they get signs them in as that member, who sees its own phone in full
    viewer = (await gql(VIEWER, token=payload["token"]))["data"]["viewer"]
    assert viewer == {
        "kind": "MEMBER", "member": {"id": payload["member"]["id"], "phone": E164, "homeStore": {"code": "A"}},
    }


async def test_enrolment_spends_the_code(gql, world, sender):
    code = await request_code(gql, sender)
    assert (await enrol(gql, world, code))["errors"] == []

    login = await member_login(gql, code)

    assert login["token"] is None
    assert [e["code"] for e in login["errors"]] == ["CODE_EXPIRED"]


async def test_wrong_code_is_refused_with_invalid_code_and_creates_nothing(gql, world, sender, member_count):
    code = await request_code(gql, sender)
    before = await member_count()

    payload = await enrol(gql, world, wrong(code))

    assert payload["member"] is None
    assert payload["token"] is None
    assert [e["code"] for e in payload["errors"]] == ["INVALID_CODE"]
    assert await member_count() == before

    # the right code still works afterwards: a wrong try costs one of the few tries, not the code
    assert (await enrol(gql, world, code))["errors"] == []


async def test_self_enrolment_without_a_code_is_refused_as_verification_required(gql, world, member_count):
    payload = await enrol(gql, world, "")

    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("VERIFICATION_REQUIRED", "verificationCode")]
    assert await member_count(phone=E164) == 0


async def test_self_enrolment_at_another_brands_store_is_refused_with_store_not_found(gql, world, sender, member_count):
    code = await request_code(gql, sender)

    payload = await enrol(gql, world, code, homeStoreId=world.other_store.id)

    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("STORE_NOT_FOUND", "homeStoreId")]
    assert await member_count(phone=E164) == 0


async def test_self_enrolment_in_an_unknown_brand_is_refused_with_brand_not_found(gql, world, member_count):
    body = await gql(REGISTER, {"input": {
        "brandSlug": "no-such-brand", "phone": PHONE, "verificationCode": "123456", "homeStoreId": world.store_a.id,
    }})

    payload = body["data"]["registerMember"]
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("BRAND_NOT_FOUND", "brandSlug")]
    assert await member_count(phone=E164) == 0


async def test_self_enrolment_with_a_referral_code_links_the_referrer(gql, world, sender):
    code = await request_code(gql, sender)

    payload = await enrol(gql, world, code, referralCode=world.member_b.referral_code)

    assert payload["errors"] == []
    assert payload["member"]["source"] == "REFERRAL"
