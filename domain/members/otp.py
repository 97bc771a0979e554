"""One-time codes for member sign-in: kept hashed in Redis with a TTL, few tries, rate-limited."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from domain.members.errors import MemberErrorCode
from domain.members.models import Member
from domain.members.phones import normalise_phone
from domain.runtime import Runtime
from franchise import ratelimit
from franchise.errors import DomainError
from franchise.models import Brand
from franchise.staff import brand_by_slug

CODE_TTL_SECONDS = 300
MAX_TRIES = 5
PER_PHONE = [(1, 60), (10, 86_400)]  # one a minute, ten a day
PER_IP = [(30, 3_600)]
LOGIN_PER_IP = [(60, 3_600)]


def _key(brand_id: int, phone: str) -> str:
    return f"otp:{brand_id}:{phone}"


def _digest(runtime: Runtime, brand_id: int, phone: str, code: str) -> str:
    message = f"{brand_id}:{phone}:{code}".encode()
    return hmac.new(runtime.secret_key.encode(), message, hashlib.sha256).hexdigest()


async def find_brand(brand_slug: str | None) -> Brand:
    """The brand a member names by slug, or BRAND_NOT_FOUND."""
    brand = await brand_by_slug(brand_slug)
    if brand is None:
        raise DomainError(MemberErrorCode.BRAND_NOT_FOUND, "No such brand.", "brandSlug")
    return brand


async def request_member_code(runtime: Runtime, *, brand_slug: str, phone: str, ip: str) -> int:
    """Send a fresh code; returns its lifetime in seconds. Open to anyone, so rate-limited."""
    brand = await find_brand(brand_slug)
    phone = normalise_phone(phone, brand.phone_region)
    for limit, window in PER_IP:
        await ratelimit.hit(runtime.redis, f"otp-ip:{ip}:{window}", limit=limit, window_seconds=window)
    for limit, window in PER_PHONE:
        await ratelimit.hit(
            runtime.redis, f"otp-phone:{brand.id}:{phone}:{window}", limit=limit, window_seconds=window
        )
    code = f"{secrets.randbelow(10**6):06d}"
    async with runtime.redis.pipeline(transaction=True) as pipe:
        pipe.hset(_key(brand.id, phone), mapping={"digest": _digest(runtime, brand.id, phone, code), "tries": 0})
        pipe.expire(_key(brand.id, phone), CODE_TTL_SECONDS)
        await pipe.execute()
    await runtime.code_sender.send(brand_name=brand.name, phone=phone, code=code)
    return CODE_TTL_SECONDS


async def check_code(
    runtime: Runtime, *, brand: Brand, phone: str, code: str, consume: bool
) -> None:
    """Raise unless `code` is the live code for this phone; each wrong try counts, five end it."""
    key = _key(brand.id, phone)
    tries = await runtime.redis.hincrby(key, "tries", 1)
    digest = await runtime.redis.hget(key, "digest")
    if digest is None:
        await runtime.redis.delete(key)  # hincrby made an empty hash; leave nothing behind
        raise DomainError(MemberErrorCode.CODE_EXPIRED, "The code has expired; ask for a new one.", "code")
    if tries > MAX_TRIES:
        await runtime.redis.delete(key)
        raise DomainError(MemberErrorCode.TOO_MANY_ATTEMPTS, "Too many tries; ask for a new code.", "code")
    expected = digest.decode() if isinstance(digest, bytes) else digest
    if not hmac.compare_digest(expected, _digest(runtime, brand.id, phone, (code or "").strip())):
        if tries >= MAX_TRIES:
            await runtime.redis.delete(key)
        raise DomainError(MemberErrorCode.INVALID_CODE, "Wrong code.", "code")
    if consume:
        # Whoever deletes the key uses the code: two simultaneous sign-ins with it get one token.
        if not await runtime.redis.delete(key):
            raise DomainError(MemberErrorCode.CODE_EXPIRED, "The code has been used; ask for a new one.", "code")
    else:
        # A right code used to learn "not a member yet" keeps its remaining tries.
        await runtime.redis.hincrby(key, "tries", -1)


async def verify_member_login(runtime: Runtime, *, brand_slug: str, phone: str, code: str, ip: str):
    """The member signing in with a code. A right code for a phone that is not a member yet is
    kept, so the same code can enrol it through registerMember."""
    brand = await find_brand(brand_slug)
    phone = normalise_phone(phone, brand.phone_region)
    for limit, window in LOGIN_PER_IP:
        await ratelimit.hit(runtime.redis, f"login-ip:{ip}:{window}", limit=limit, window_seconds=window)
    member = await Member.filter(brand_id=brand.id, phone=phone).first()
    await check_code(runtime, brand=brand, phone=phone, code=code, consume=member is not None)
    if member is None:
        raise DomainError(
            MemberErrorCode.NOT_A_MEMBER, "This phone is not a member yet: enrol with the same code.", "phone"
        )
    return member
