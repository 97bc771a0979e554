"""Members sign in with a one-time code: sent through the pluggable sender, kept hashed in
Redis with a TTL, single use, five tries, rate-limited per phone and per IP."""

from __future__ import annotations

import hashlib

from domain.members.otp import CODE_TTL_SECONDS
from tests.factories import make_brand, make_member, make_store, next_phone
from tests.auth.helpers import payload_error_codes, viewer

REQUEST_CODE = """
mutation($brand: String!, $phone: String!) {
  requestMemberCode(input: {brandSlug: $brand, phone: $phone}) { sent expiresIn errors { code field message } }
}
"""
MEMBER_LOGIN = """
mutation($brand: String!, $phone: String!, $code: String!) {
  memberLogin(input: {brandSlug: $brand, phone: $phone, code: $code}) {
    token expiresIn member { id } errors { code field message }
  }
}
"""
SELF_ENROL = """
mutation($input: RegisterMemberInput!) {
  registerMember(input: $input) { member { id name homeStore { code } } token errors { code field message } }
}
"""


async def request_code(gql, phone: str, brand: str = "acme") -> dict:
    return (await gql(REQUEST_CODE, {"brand": brand, "phone": phone}))["data"]["requestMemberCode"]


async def member_login(gql, phone: str, code: str, brand: str = "acme") -> dict:
    body = await gql(MEMBER_LOGIN, {"brand": brand, "phone": phone, "code": code})
    return body["data"]["memberLogin"]


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


async def setup_member(phone: str | None = None):
    brand, admin = await make_brand("acme")
    store = await make_store(admin, "A")
    member = await make_member(brand, store, phone=phone or next_phone())
    return brand, store, member


def as_text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


async def test_code_goes_through_the_sender_and_signs_the_member_in(gql, sender):
    _, _, member = await setup_member()

    sent = await request_code(gql, member.phone)
    assert sent == {"sent": True, "expiresIn": CODE_TTL_SECONDS, "errors": []}
    code = sender.last_code(member.phone)
    assert len(code) == 6 and code.isdigit()

    result = await member_login(gql, member.phone, code)
    assert result["errors"] == []
    assert result["member"]["id"] == str(member.id)
    me = await viewer(gql, result["token"])
    assert (me["kind"], me["member"]["id"]) == ("MEMBER", str(member.id))


async def test_phone_is_normalised_so_national_and_e164_forms_are_one_phone(gql, sender):
    _, _, member = await setup_member()
    national = member.phone.removeprefix("+86")

    await request_code(gql, national)
    code = sender.last_code(member.phone)  # the sender gets the normal (E.164) form

    assert (await member_login(gql, member.phone, code))["token"]


async def test_code_is_single_use(gql, sender):
    _, _, member = await setup_member()
    await request_code(gql, member.phone)
    code = sender.last_code(member.phone)
    assert (await member_login(gql, member.phone, code))["token"]

    again = await member_login(gql, member.phone, code)

    assert again["token"] is None
    assert payload_error_codes(again) == ["CODE_EXPIRED"]


async def test_four_wrong_tries_still_leave_the_fifth_for_the_right_code(gql, sender):
    _, _, member = await setup_member()
    await request_code(gql, member.phone)
    code = sender.last_code(member.phone)

    for _ in range(4):
        assert payload_error_codes(await member_login(gql, member.phone, wrong(code))) == ["INVALID_CODE"]

    assert (await member_login(gql, member.phone, code))["token"]


async def test_after_five_wrong_tries_even_the_right_code_fails(gql, sender, app):
    brand, _, member = await setup_member()
    await request_code(gql, member.phone)
    code = sender.last_code(member.phone)

    for _ in range(5):
        result = await member_login(gql, member.phone, wrong(code))
        assert payload_error_codes(result) == ["INVALID_CODE"]

    final = await member_login(gql, member.phone, code)
    assert final["token"] is None
    assert payload_error_codes(final)[0] in {"TOO_MANY_ATTEMPTS", "CODE_EXPIRED"}
    assert not await app.state.runtime.redis.exists(f"otp:{brand.id}:{member.phone}")


async def test_code_is_stored_hashed_in_redis_with_a_ttl(gql, sender, app):
    brand, _, member = await setup_member()
    redis = app.state.runtime.redis

    await request_code(gql, member.phone)
    code = sender.last_code(member.phone)

    key = f"otp:{brand.id}:{member.phone}"
    assert 1 <= await redis.ttl(key) <= CODE_TTL_SECONDS
    stored = {as_text(k): as_text(v) for k, v in (await redis.hgetall(key)).items()}
    assert stored, "no code under the expected key"
    assert code not in stored.values()
    assert all(code not in name for name in stored)
    # Not a bare hash of the code either: a million codes are quick to try.
    for plain in (code, f"{member.phone}:{code}", f"{brand.id}:{member.phone}:{code}"):
        assert hashlib.sha256(plain.encode()).hexdigest() not in stored.values()
    # No other key carries the code in its name or value.
    async for other in redis.scan_iter("*"):
        assert code not in as_text(other)
        if await redis.type(other) in (b"string", "string"):
            assert as_text(await redis.get(other)) != code


async def test_wrong_try_keeps_the_codes_ttl(gql, sender, app):
    brand, _, member = await setup_member()
    redis = app.state.runtime.redis
    await request_code(gql, member.phone)
    code = sender.last_code(member.phone)

    await member_login(gql, member.phone, wrong(code))

    assert 1 <= await redis.ttl(f"otp:{brand.id}:{member.phone}") <= CODE_TTL_SECONDS


async def test_expired_code_is_refused_and_leaves_nothing_behind(gql, sender, app):
    brand, _, member = await setup_member()
    redis = app.state.runtime.redis
    await request_code(gql, member.phone)
    code = sender.last_code(member.phone)
    key = f"otp:{brand.id}:{member.phone}"

    await redis.expire(key, 0)  # the TTL has run out
    result = await member_login(gql, member.phone, code)

    assert result["token"] is None
    assert payload_error_codes(result) == ["CODE_EXPIRED"]
    assert not await redis.exists(key)


async def test_new_code_replaces_the_previous_one(gql, sender, app):
    brand, _, member = await setup_member()
    redis = app.state.runtime.redis
    await request_code(gql, member.phone)
    first = sender.last_code(member.phone)
    await redis.delete(f"rl:otp-phone:{brand.id}:{member.phone}:60")  # a minute has passed

    await request_code(gql, member.phone)
    second = sender.last_code(member.phone)

    if first != second:
        assert payload_error_codes(await member_login(gql, member.phone, first)) == ["INVALID_CODE"]
    assert (await member_login(gql, member.phone, second))["token"]


async def test_code_of_one_brand_does_not_sign_in_to_another(gql, sender):
    _, _, member = await setup_member()
    rival, rival_admin = await make_brand("rival")
    await make_member(rival, await make_store(rival_admin, "R"), phone=member.phone)
    await request_code(gql, member.phone, brand="acme")
    code = sender.last_code(member.phone)

    result = await member_login(gql, member.phone, code, brand="rival")

    assert result["token"] is None
    assert payload_error_codes(result) == ["CODE_EXPIRED"]
    assert (await member_login(gql, member.phone, code, brand="acme"))["token"]


async def test_second_request_for_a_phone_within_a_minute_is_rate_limited(gql, sender, app):
    brand, _, member = await setup_member()
    await request_code(gql, member.phone)
    sent_before = len(sender.sent)

    again = await request_code(gql, member.phone)

    assert again["sent"] is False
    assert payload_error_codes(again) == ["RATE_LIMITED"]
    assert len(sender.sent) == sent_before  # nothing was sent
    ttl = await app.state.runtime.redis.ttl(f"rl:otp-phone:{brand.id}:{member.phone}:60")
    assert 1 <= ttl <= 60


async def test_a_phone_gets_at_most_ten_codes_a_day(gql, app):
    brand, _, member = await setup_member()
    redis = app.state.runtime.redis
    minute_key = f"rl:otp-phone:{brand.id}:{member.phone}:60"

    for _ in range(10):
        assert (await request_code(gql, member.phone))["sent"] is True
        await redis.delete(minute_key)  # each a minute apart

    eleventh = await request_code(gql, member.phone)
    assert payload_error_codes(eleventh) == ["RATE_LIMITED"]


async def test_one_ip_gets_at_most_thirty_codes_an_hour_over_different_phones(gql, gql_from, sender, app):
    await setup_member()
    phones = [next_phone() for _ in range(31)]
    async with gql_from("203.0.113.9") as one_ip:
        for phone in phones[:30]:
            assert (await request_code(one_ip, phone))["sent"] is True

        blocked = await request_code(one_ip, phones[30])

    assert payload_error_codes(blocked) == ["RATE_LIMITED"]
    assert not any(p == phones[30] for p, _ in sender.sent)
    assert 1 <= await app.state.runtime.redis.ttl("rl:otp-ip:203.0.113.9:3600") <= 3600
    # Another address is not held back.
    assert (await request_code(gql, phones[30]))["sent"] is True


async def test_member_login_is_rate_limited_per_ip(gql, gql_from, sender):
    _, _, member = await setup_member()
    await request_code(gql, member.phone)
    code = sender.last_code(member.phone)
    async with gql_from("198.51.100.7") as attacker:
        for _ in range(60):
            await member_login(attacker, next_phone(), "000000")
        blocked = await member_login(attacker, member.phone, code)
    assert payload_error_codes(blocked) == ["RATE_LIMITED"]
    # The member's own code, from its own address, was not spent by the attacker.
    assert (await member_login(gql, member.phone, code))["token"]


async def test_unknown_brand_or_bad_phone_is_reported(gql):
    await setup_member()

    assert payload_error_codes(await request_code(gql, next_phone(), brand="nope")) == ["BRAND_NOT_FOUND"]
    assert payload_error_codes(await request_code(gql, "12345")) == ["INVALID_PHONE"]


async def test_right_code_for_a_new_phone_is_kept_to_enrol_with(gql, sender):
    _, store, _ = await setup_member()
    phone = next_phone()
    await request_code(gql, phone)
    code = sender.last_code(phone)

    not_yet = await member_login(gql, phone, code)
    assert not_yet["token"] is None
    assert payload_error_codes(not_yet) == ["NOT_A_MEMBER"]

    enrol = {"phone": phone, "brandSlug": "acme", "verificationCode": code,
             "homeStoreId": str(store.id), "name": "Xiao Ming"}
    enrolled = (await gql(SELF_ENROL, {"input": enrol}))["data"]["registerMember"]
    assert enrolled["errors"] == []
    assert enrolled["member"]["homeStore"]["code"] == "A"
    assert (await viewer(gql, enrolled["token"]))["kind"] == "MEMBER"
    # And the code was spent by the enrolment.
    assert payload_error_codes(await member_login(gql, phone, code)) == ["CODE_EXPIRED"]
