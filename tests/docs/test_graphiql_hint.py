"""GraphiQL in development opens on the demo sign-in; production serves no GraphiQL at all."""

from __future__ import annotations

from httpx import ASGITransport, AsyncClient

from server.app import create_app
from server.settings import Settings

BROWSER = {"accept": "text/html,application/xhtml+xml"}


async def test_development_graphiql_shows_the_demo_login(client):
    response = await client.get("/graphql", headers=BROWSER)

    assert response.status_code == 200
    page = response.text
    assert "graphiql" in page.lower()
    assert "const EXAMPLE_QUERY = `# Loyalty platform: development GraphiQL" in page
    assert 'login(input: {brandSlug: "demo", email: "admin@demo.test", password: "demo-password-123"})' in page
    assert '{"Authorization": "Bearer <token>"}' in page


async def test_production_serves_no_graphiql(database_url):
    settings = Settings(env="production", secret_key="p" * 40, database_url=database_url)
    app = create_app(settings)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://prod") as http:
        response = await http.get("/graphql", headers=BROWSER)

    assert response.status_code != 200
    assert "graphiql" not in response.text.lower()
    assert "demo-password" not in response.text
