"""The web app as it stands: health check and landing page."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import Engine

from bot.container import build_container
from bot.settings import load_settings
from bot.web.app import create_app


def get(database_url: str, path: str) -> httpx.Response:
    app = create_app(
        build_container(load_settings({"ARBOT_DATABASE_URL": database_url}, dotenv=None))
    )

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://arbot.test") as client:
            return await client.get(path)

    return asyncio.run(call())


def test_health_reports_the_database(sqlite_engine: Engine) -> None:
    response = get(sqlite_engine.url.render_as_string(), "/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_is_unreachable() -> None:
    response = get("postgresql+psycopg://nobody@127.0.0.1:1/none", "/health")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_landing_page_names_the_company() -> None:
    response = get("sqlite://", "/")
    assert response.status_code == 200
    assert "Acme Supply Co." in response.text
