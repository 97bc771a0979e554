import pytest
from pydantic import ValidationError

from server.settings import DEV_SECRET_KEY, Settings


def test_production_refuses_the_development_secret_key(monkeypatch):
    monkeypatch.setenv("LOYALTY_ENV", "production")
    monkeypatch.delenv("LOYALTY_SECRET_KEY", raising=False)

    with pytest.raises(ValidationError, match="LOYALTY_SECRET_KEY"):
        Settings()


def test_production_accepts_a_real_secret_and_turns_graphiql_off(monkeypatch):
    monkeypatch.setenv("LOYALTY_ENV", "production")
    monkeypatch.setenv("LOYALTY_SECRET_KEY", "k" * 40)

    settings = Settings()

    assert settings.secret_key != DEV_SECRET_KEY
    assert settings.graphiql_enabled is False


def test_defaults_are_the_embedded_ones(monkeypatch):
    for name in ("LOYALTY_DATABASE_URL", "LOYALTY_REDIS_URL", "LOYALTY_ENV"):
        monkeypatch.delenv(name, raising=False)

    settings = Settings()

    assert settings.database_url.startswith("sqlite://var/")
    assert settings.redis_url is None
    assert settings.graphiql_enabled is True


async def test_healthz_says_the_process_is_up(client):
    response = await client.get("/healthz")

    assert response.json() == {"status": "ok"}


async def test_readyz_checks_database_and_redis(client, app, monkeypatch):
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "database": "ok", "redis": "ok"}

    # when Redis stops answering, the process is up but not ready
    async def down():
        raise ConnectionError("redis is down")

    monkeypatch.setattr(app.state.runtime.redis, "ping", down)
    not_ready = await client.get("/readyz")

    assert not_ready.status_code == 503
    assert not_ready.json()["redis"] == "error: ConnectionError"
    assert (await client.get("/healthz")).status_code == 200
