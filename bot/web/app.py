"""The ASGI application served by ``arbot run``.

A health check, a landing page, the gateway's web chat channel
(``POST /webhooks/rest/webhook``), the Twilio and Telegram webhooks, the JSON API and the
web console (``/console``). The web app is the one process that talks to Rasa, so it
builds the dialogue engine (tests hand in a fake).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from bot.container import Container, container
from bot.web import api, api_v1, console, gateway, pay, telegram, twilio
from bot.web.body_limit import BodyLimit
from bot.web.console.templates import default_templates
from bot.web.rate_limit import RateLimiter
from bot.web.webhook_worker import build_webhook_worker
from bot.web.workers import build_workers
from integrations.providers import build_senders
from integrations.rasa import DialogueEngine, RasaRestEngine
from integrations.senders import MessageSender
from integrations.stripe_checkout import CheckoutGateway


def create_app(
    app_container: Container | None = None,
    *,
    dialogue: DialogueEngine | None = None,
    senders: Mapping[str, MessageSender] | None = None,
    checkout: CheckoutGateway | None = None,
    background: bool = True,
) -> Starlette:
    """Builds the web app around the process container.

    Args:
        app_container: the process container (default: built from the environment).
        dialogue: the dialogue engine (default: Rasa at ``ARBOT_RASA_URL``).
        senders: the message sender of each channel (default: from the settings,
            :func:`integrations.providers.build_senders`).
        checkout: the Stripe Checkout gateway (default: the real one, built on first use,
            when ``ARBOT_PAYMENT_PROVIDER=stripe``).
        background: run the turn worker and the dispatcher while the app is served
            (:mod:`bot.web.workers`; ``app.state.workers`` drains them by hand either way).
    """
    wiring = app_container or container()
    settings = wiring.settings
    engine = dialogue or RasaRestEngine(settings.rasa_urls)
    outbound = senders if senders is not None else build_senders(settings)
    workers = build_workers(wiring, engine, outbound, locked=background)
    postman, desk = workers.postman, workers.desk
    webhooks = build_webhook_worker(wiring, locked=background)

    console_ctx = console.ConsoleContext(
        sessions=wiring.sessions,
        clock=wiring.clock,
        settings=settings,
        postman=postman,
        templates=default_templates(),
    )

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        running = asyncio.ensure_future(workers.run(stop)) if background else None
        hooks = asyncio.ensure_future(webhooks.run(stop)) if background and webhooks else None
        try:
            yield
        finally:  # what the app built, the app closes
            stop.set()
            for task in (running, hooks):
                if task is not None:
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            if webhooks is not None:
                await webhooks.hooks.poster.aclose()
            if dialogue is None:
                await engine.aclose()
            if senders is None:
                for sender in outbound.values():
                    await sender.aclose()

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
            "GET /health   liveness and database check\n"
            f"POST {gateway.PATH}   web chat (the JSON of Rasa's REST channel)\n"
            "POST /webhooks/twilio/sms, /webhooks/twilio/status   Twilio (signed)\n"
            "POST /webhooks/telegram   Telegram (secret token)\n"
            "GET  /console   the web console for collectors, managers and admins\n"
            "GET  /api/escalations   the collectors' JSON API (bearer token)\n"
            "POST /api/v1/invoices, GET /api/v1/events   the integration API (SPEC §15)\n"
            "GET  /api/openapi.json   the API's OpenAPI 3.1 document\n\n"
            "Reports and accounts: `arbot report aging`, `arbot report kpis`,"
            " `arbot show ACCOUNT`.\n"
        )

    routes = [
        Route("/", index),
        Route("/health", health),
        *gateway.routes(
            desk,
            token=settings.webchat_token,
            limiter=RateLimiter(settings.webchat_rate_limit),
        ),
        *api.routes(
            postman,
            zone=settings.default_timezone,
            allowance_rates=dict(settings.allowance_rates),
            hold_days=settings.hold_days_past_due,
        ),
        *api_v1.routes(
            wiring.sessions, wiring.clock, settings.default_timezone, settings.hold_days_past_due
        ),
        *console.mount(console_ctx),
        *twilio.routes(desk, auth_token=settings.twilio_auth_token, public_url=settings.public_url),
        *telegram.routes(
            desk,
            secret=settings.telegram_secret,
            answerer=telegram.callback_answerer(outbound.get("telegram")),
        ),
    ]
    if settings.payment_provider == "stripe":
        routes += pay.routes(pay.wiring(wiring, postman, checkout))
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers=dict(console.EXCEPTION_HANDLERS),
        middleware=[
            Middleware(
                BodyLimit,
                max_bytes=settings.max_body_bytes,
                larger={api_v1.PREFIX: max(api_v1.MAX_BODY_BYTES, settings.max_body_bytes)},
            )
        ],
    )
    app.state.workers = workers
    app.state.webhooks = webhooks
    return app
