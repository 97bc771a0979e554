"""Sign-in: staff passwords, member one-time codes, partner API clients, and `viewer`."""

from __future__ import annotations

from typing import Any

from domain.members import otp
from franchise import api_clients, ratelimit, staff
from franchise.models import Store
from resolvers.errors import attempt, parse_id

LOGIN_LIMIT = (10, 300)  # per brand+e-mail and per IP, per five minutes


async def login(info, input: Any) -> dict:
    ctx = info.context

    async def work():
        # Normalised as the look-up does, so "ACME" or " acme" count against the same limit.
        brand_slug = (input.brand_slug or "").strip().lower()
        email = (input.email or "").strip().lower()
        limit, window = LOGIN_LIMIT
        await ratelimit.hit(ctx.runtime.redis, f"login:{brand_slug}:{email}", limit=limit, window_seconds=window)
        await ratelimit.hit(ctx.runtime.redis, f"login-ip:{ctx.client_ip}", limit=limit * 5, window_seconds=window)
        account = await staff.authenticate_staff(
            brand_slug=brand_slug, email=email, password=input.password
        )
        token = ctx.tokens.issue(kind="staff", subject_id=account.id, brand_id=account.brand_id)
        return {"token": token, "expires_in": ctx.tokens.ttl_seconds, "staff": account}

    return await attempt(work())


async def request_member_code(info, input: Any) -> dict:
    ctx = info.context

    async def work():
        ttl = await otp.request_member_code(
            ctx.runtime, brand_slug=input.brand_slug, phone=input.phone, ip=ctx.client_ip
        )
        return {"sent": True, "expires_in": ttl}

    return await attempt(work())


async def member_login(info, input: Any) -> dict:
    ctx = info.context

    async def work():
        member = await otp.verify_member_login(
            ctx.runtime, brand_slug=input.brand_slug, phone=input.phone, code=input.code, ip=ctx.client_ip
        )
        token = ctx.tokens.issue(kind="member", subject_id=member.id, brand_id=member.brand_id)
        return {"token": token, "expires_in": ctx.tokens.ttl_seconds, "member": member}

    return await attempt(work())


async def create_api_client(info, input: Any) -> dict:
    async def work():
        store_ids = [parse_id(s, "storeIds") for s in (input.store_ids or [])]
        client, key = await api_clients.create_api_client(
            info.context.principal, name=input.name, scopes=list(input.scopes), store_ids=store_ids
        )
        return {"api_client": client, "api_key": key}

    return await attempt(work())


async def revoke_api_client(info, input: Any) -> dict:
    async def work():
        client = await api_clients.revoke_api_client(
            info.context.principal, api_client_id=parse_id(input.id, "id")
        )
        return {"api_client": client}

    return await attempt(work())


async def api_clients_list(info) -> list:
    return await api_clients.api_clients_query(info.context.principal).order_by("id")


async def viewer_store(info) -> Store | None:
    store_id = info.context.principal.store_id
    return await info.context.loaders.store_by_id.load(store_id) if store_id else None
