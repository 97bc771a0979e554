"""Fixed-window counters in Redis (or its in-process stand-in), shared by every process."""

from __future__ import annotations

from redis.asyncio import Redis

from franchise.errors import DomainError, FranchiseErrorCode


async def hit(redis: Redis, key: str, *, limit: int, window_seconds: int) -> None:
    """Count one attempt under `key`; raise RATE_LIMITED past `limit` in the window."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(f"rl:{key}")
        pipe.expire(f"rl:{key}", window_seconds, nx=True)
        count, _ = await pipe.execute()
    if count > limit:
        raise DomainError(
            FranchiseErrorCode.RATE_LIMITED, "Too many attempts; try again later.", None
        )


async def exceeded(redis: Redis, key: str, *, limit: int) -> bool:
    """Whether `key` is already past `limit` in its window (counts nothing)."""
    count = await redis.get(f"rl:{key}")
    return count is not None and int(count) >= limit
