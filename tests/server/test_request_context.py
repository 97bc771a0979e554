"""Per-request shared reads: one read for every resolver that asks, and a cancelled waiter (graphql-core
cancels the pending siblings of a field that failed) does not cancel it under the others."""

from __future__ import annotations

import asyncio

from resolvers.context import Context


def context() -> Context:
    return Context(principal=None, runtime=None, tokens=None, client_ip="127.0.0.1", request_id="r-1")


async def test_a_shared_read_is_made_once_for_every_waiter():
    calls = []

    async def read():
        calls.append(1)
        await asyncio.sleep(0)
        return 42

    ctx = context()
    results = await asyncio.gather(ctx.once("k", read), ctx.once("k", read))

    assert results == [42, 42]
    assert calls == [1]


async def test_cancelling_one_waiter_leaves_the_read_to_the_others():
    release = asyncio.Event()

    async def read():
        await release.wait()
        return "progress"

    ctx = context()
    first = asyncio.ensure_future(ctx.once("k", read))
    second = asyncio.ensure_future(ctx.once("k", read))
    await asyncio.sleep(0)
    first.cancel()
    await asyncio.sleep(0)
    release.set()

    assert await second == "progress"
    assert first.cancelled()
