import asyncio

from tests.factories import make_brand, make_member, make_store

REQUEST = 'mutation($p: String!) { requestMemberCode(input: {brandSlug: "acme", phone: $p}) { sent errors { code } } }'
LOGIN = """mutation($p: String!, $c: String!) {
  memberLogin(input: {brandSlug: "acme", phone: $p, code: $c}) { token errors { code } } }"""


async def test_two_sign_ins_that_both_read_the_code_still_get_one_token(gql, sender, app, monkeypatch):
    # given a live code, and two sign-ins forced to read it before either uses it
    brand, admin = await make_brand("acme")
    member = await make_member(brand, await make_store(admin, "A"))
    await gql(REQUEST, {"p": member.phone})
    code = sender.last_code(member.phone)
    redis = app.state.runtime.redis
    real_hget, readers, both_read = redis.hget, [], asyncio.Event()

    async def hget_then_wait(*args):
        value = await real_hget(*args)
        readers.append(value)
        if len(readers) == 2:
            both_read.set()
        await asyncio.wait_for(both_read.wait(), timeout=5)
        return value

    monkeypatch.setattr(redis, "hget", hget_then_wait)

    # when both present the right code at once
    bodies = await asyncio.gather(*(gql(LOGIN, {"p": member.phone, "c": code}) for _ in range(2)))

    # then the code signs in exactly once
    results = [b["data"]["memberLogin"] for b in bodies]
    assert sum(1 for r in results if r["token"]) == 1
    assert [r["errors"][0]["code"] for r in results if not r["token"]] == ["CODE_EXPIRED"]
