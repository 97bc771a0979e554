"""Partner API clients: keys shown once, kept as a hash, with scopes and optional stores."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timezone

from tortoise.transactions import in_transaction

from franchise import audit, validation
from franchise.errors import DomainError, FranchiseErrorCode
from franchise.models import ApiClient, Store
from policies import Principal, authorize
from policies.principal import SCOPES

KEY_PREFIX = "lk_"


def _hash_secret(secret: str) -> str:
    # The secret has 256 random bits, so a fast hash is enough (no dictionary to try).
    return hashlib.sha256(secret.encode()).hexdigest()


def _split_key(key: str) -> tuple[str, str] | None:
    if not key.startswith(KEY_PREFIX):
        return None
    parts = key[len(KEY_PREFIX):].split("_", 1)
    if len(parts) != 2 or not parts[0] or not parts[1]:
        return None
    return parts[0], parts[1]


def looks_like_api_key(token: str) -> bool:
    return _split_key(token) is not None


async def create_api_client(
    principal: Principal, *, name: str, scopes: list[str], store_ids: list[int] | None = None
) -> tuple[ApiClient, str]:
    """The new client and its key, which is never shown again."""
    authorize(principal, "api_client", "create")
    name = validation.text(name, "name", max_length=100)
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise DomainError(
            FranchiseErrorCode.INVALID_SCOPE,
            f"Scopes must be some of {', '.join(SCOPES)}." + (f" Unknown: {unknown}." if unknown else ""),
            "scopes",
        )
    wanted_stores = sorted(set(store_ids or []))
    if wanted_stores:
        found = await Store.filter(brand_id=principal.brand_id, id__in=wanted_stores).count()
        if found != len(wanted_stores):
            raise DomainError(FranchiseErrorCode.STORE_NOT_FOUND, "No such store.", "storeIds")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    async with in_transaction():
        client = await ApiClient.create(
            brand_id=principal.brand_id, name=name, key_prefix=prefix,
            key_hash=_hash_secret(secret), scopes=sorted(set(scopes)), store_ids=wanted_stores,
            created_by_staff_id=principal.staff_id,
        )
        await audit.record(
            principal, brand_id=client.brand_id, action="api_client.create",
            object_type="ApiClient", object_id=client.id,
            changes={"name": [None, name], "scopes": [None, client.scopes],
                     "storeIds": [None, wanted_stores]},
        )
    return client, f"{KEY_PREFIX}{prefix}_{secret}"


async def revoke_api_client(principal: Principal, *, api_client_id: int) -> ApiClient:
    authorize(principal, "api_client", "revoke")
    async with in_transaction():
        client = await ApiClient.filter(
            id=api_client_id, brand_id=principal.brand_id
        ).select_for_update().first()
        if client is None:
            raise DomainError(FranchiseErrorCode.NOT_FOUND, "No such API client.", "id")
        if client.revoked_at is not None:
            raise DomainError(FranchiseErrorCode.ALREADY_REVOKED, "Already revoked.", "id")
        client.revoked_at = datetime.now(timezone.utc)
        await client.save(update_fields=["revoked_at"])
        await audit.record(
            principal, brand_id=client.brand_id, action="api_client.revoke",
            object_type="ApiClient", object_id=client.id, changes={"revoked": [False, True]},
        )
    return client


def api_clients_query(principal: Principal):
    authorize(principal, "api_client", "read")
    return ApiClient.filter(brand_id=principal.brand_id)


async def api_client_principal(key: str) -> Principal | None:
    """The partner a key belongs to, or None for an unknown, wrong or revoked key."""
    parts = _split_key(key)
    if parts is None:
        return None
    prefix, secret = parts
    client = await ApiClient.filter(key_prefix=prefix, revoked_at=None).first()
    if client is None or not hmac.compare_digest(client.key_hash, _hash_secret(secret)):
        return None
    return Principal.api_client(
        api_client_id=client.id, brand_id=client.brand_id,
        scopes=frozenset(client.scopes), store_ids=frozenset(client.store_ids),
    )
