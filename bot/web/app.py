"""The ASGI application served by ``arbot run``.

For now it answers a health check and a landing page that says what exists; the gateway
webhooks and the console are mounted here by later work.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from bot.container import Container, container


def create_app(app_container: Container | None = None) -> Starlette:
    """Builds the web app around the process container."""
    wiring = app_container or container()

    def ping_database() -> None:
        with wiring.engine.connect() as connection:
            connection.execute(text("select 1"))

    async def health(_request: Request) -> JSONResponse:
        try:
            await run_in_threadpool(ping_database)
        except SQLAlchemyError:
            return JSONResponse(
                {"status": "unavailable", "database": "unreachable"}, status_code=503
            )
        return JSONResponse({"status": "ok", "database": "ok"})

    async def index(_request: Request) -> PlainTextResponse:
        return PlainTextResponse(
            f"arbot for {wiring.settings.company_name}\n\n"
            "GET /health   liveness and database check\n\n"
            "Reports and accounts: `arbot report aging`, `arbot report kpis`,"
            " `arbot show ACCOUNT`.\n"
        )

    return Starlette(routes=[Route("/", index), Route("/health", health)])
