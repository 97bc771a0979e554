"""Tortoise set-up: one app, "loyalty", whose models live in the layers that own them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tortoise import Tortoise

MODEL_MODULES = [
    "policies.storage",
    "franchise.models",
    "domain.members.models",
    "domain.points.models",
    "domain.tiers.models",
    "domain.giftcards.models",
    "domain.wallet.models",
    "domain.coupons.models",
    "domain.mall.models",
    "domain.channels.models",
    "domain.engagement.models",
    "domain.campaigns.models",
    "domain.notifications.models",
    "domain.automations.models",
    "domain.segments.models",
    "domain.guides.models",
    "domain.reports.models",
]
MIGRATIONS_MODULE = "server.migrations"


def _connection(url: str, pool_max: int) -> str:
    if url.startswith("sqlite://"):
        path = url.removeprefix("sqlite://")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return url
    if url.startswith(("postgres://", "postgresql://")) and "maxsize" not in url:
        return url + ("&" if "?" in url else "?") + f"maxsize={pool_max}"
    return url


def tortoise_config(database_url: str, pool_max: int = 20) -> dict[str, Any]:
    return {
        "connections": {"default": _connection(database_url, pool_max)},
        "apps": {
            "loyalty": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": MIGRATIONS_MODULE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def init_db(database_url: str, pool_max: int = 20) -> None:
    # The global fallback lets background tasks and tests see the connections opened here.
    await Tortoise.init(config=tortoise_config(database_url, pool_max), _enable_global_fallback=True)


async def migrate(database_url: str) -> None:
    from tortoise.migrations.api import migrate as run_migrations

    await run_migrations(config=tortoise_config(database_url))


async def close_db() -> None:
    await Tortoise.close_connections()


# For `tortoise makemigrations -c server.db.TORTOISE_ORM` (developers changing models).
TORTOISE_ORM = tortoise_config("sqlite://var/makemigrations.sqlite3")
