"""Persisted queries: Apollo's automatic persisted queries (APQ) kept in Redis, or, in production
mode, a registered allow-list of documents (a JSON file of sha256 hash -> document).

APQ (https://www.apollographql.com/docs/apollo-server/performance/apq): a client sends
`extensions.persistedQuery = {version: 1, sha256Hash}` without the query; an unknown hash is
answered with PersistedQueryNotFound, and the client sends the query again with its hash, which
registers it for `ttl_seconds`. With an allow-list, nothing registers: only listed documents run,
by hash or in full (codes as Apollo Router's safelisting names them)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KEY_PREFIX = "apq:"
# Longer documents still run (the token limit refuses them) but are not kept: nobody fills Redis
# with megabytes of text for a day.
MAX_REGISTERED_CHARS = 64_000


def document_hash(document: str) -> str:
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


@dataclass
class PersistedQueryError(Exception):
    """A request the persisted-query protocol refuses before execution."""

    message: str
    code: str
    status: int


def not_found() -> PersistedQueryError:
    # Status 200, as Apollo Server answers: clients retry with the full query on this error.
    return PersistedQueryError("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND", 200)


def load_allow_list(path: Path) -> dict[str, str]:
    """The registered documents; every key must be the sha256 of its document."""
    listed = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(listed, dict) or not all(isinstance(d, str) for d in listed.values()):
        raise ValueError(f"{path}: expected a JSON object of sha256 hash -> GraphQL document")
    wrong = [h for h, document in listed.items() if document_hash(document) != h.lower()]
    if wrong:
        raise ValueError(f"{path}: hashes that are not the sha256 of their document: {', '.join(wrong[:5])}")
    return {h.lower(): document for h, document in listed.items()}


class PersistedQueries:
    def __init__(self, redis: Any, *, ttl_seconds: int, allow_list: dict[str, str] | None = None) -> None:
        self.redis = redis
        self.ttl_seconds = ttl_seconds
        self.allow_list = allow_list

    @classmethod
    def from_settings(cls, settings: Any, redis: Any) -> PersistedQueries:
        listed = settings.persisted_queries_file
        return cls(redis, ttl_seconds=settings.persisted_query_ttl_seconds,
                   allow_list=load_allow_list(listed) if listed else None)

    async def resolve(self, query: str | None, extensions: dict | None) -> str | None:
        """The document to run for a request's `query` and `extensions`, or PersistedQueryError."""
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None:
            if self.allow_list is not None and query is not None and document_hash(query) not in self.allow_list:
                raise PersistedQueryError("Query not in the allow-list.", "QUERY_NOT_IN_SAFELIST", 400)
            return query
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise PersistedQueryError("Unsupported persisted query version", "PERSISTED_QUERY_VERSION", 400)
        sha = persisted.get("sha256Hash")
        if not isinstance(sha, str) or not sha:
            raise PersistedQueryError("persistedQuery.sha256Hash must be a string", "BAD_REQUEST", 400)
        sha = sha.lower()
        if query is not None:
            if document_hash(query) != sha:
                raise PersistedQueryError("provided sha does not match query", "BAD_REQUEST", 400)
            if self.allow_list is not None:
                if sha not in self.allow_list:
                    raise PersistedQueryError("Query not in the allow-list.", "QUERY_NOT_IN_SAFELIST", 400)
            elif len(query) <= MAX_REGISTERED_CHARS:
                await self.redis.set(KEY_PREFIX + sha, query, ex=self.ttl_seconds)
            return query
        if self.allow_list is not None:
            if sha not in self.allow_list:
                raise PersistedQueryError("Persisted query not in the list.", "PERSISTED_QUERY_NOT_IN_LIST", 400)
            return self.allow_list[sha]
        stored = await self.redis.get(KEY_PREFIX + sha)
        if stored is None:
            raise not_found()
        return stored.decode("utf-8") if isinstance(stored, bytes) else stored
