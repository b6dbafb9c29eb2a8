"""Paying in the chat on the web (SPEC §11): ``/pay/{token}``, its result pages and Stripe's
webhook.

``GET /pay/{token}`` sends the customer to Stripe Checkout (303) for what is owed now, or
shows a page: already paid, nothing owed, or (unknown or expired, 404) ask the bot for a
new link. Pages show the company's name and the amount, nothing else about the account,
and are never cached.

``POST /webhooks/stripe`` checks ``Stripe-Signature`` with stripe-python's
``WebhookSignature.verify_header`` (5-minute tolerance): a bad, missing or stale signature,
or no signing secret configured, is 400 and nothing is stored. A verified event is applied
by :func:`bot.payments.webhooks.handle_event` (in a worker thread) and its notice sent
after the commit through :func:`bot.payments.notices.send_notice`; a failed notice does
not fail the webhook (the payment is stored; Stripe must not send it again).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import stripe
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.clock import Clock
from bot.container import Container
from bot.errors import ArbotError, PaymentProviderFailed
from bot.payments import checkout, webhooks
from bot.payments.links import LinkSettings
from bot.payments.notices import send_notice
from bot.policy.reminder_text import format_amount
from bot.services.delivery import Postman
from integrations.stripe_checkout import CheckoutGateway, StripeCheckout

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/stripe"
#: seconds a signature's timestamp may be old (Stripe's default)
TOLERANCE = 300
#: a Stripe event is a few kilobytes
MAX_EVENT_BYTES = 256 * 1024
TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "pay"
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
}

#: what each page says: title, text, HTTP status
PAGES = {
    "paid": ("Already paid", "This payment has been made. Thank you!", 200),
    "gone": (
        "This link has expired",
        "This payment link is no longer valid. Ask us in the chat for a new link.",
        404,
    ),
    "nothing_owed": ("Nothing to pay", "There is nothing to pay on this link right now.", 200),
    "done": (
        "Thank you",
        "Your payment was received. We will confirm it in the chat shortly.",
        200,
    ),
    "cancelled": (
        "No payment was made",
        "You left the payment page. You can open your link again to pay.",
        200,
    ),
    "unavailable": (
        "Payment page unavailable",
        "We could not open the payment page just now. Please try again in a few minutes.",
        503,
    ),
}


@dataclass(frozen=True)
class PayWiring:
    """What the pay routes need."""

    sessions: sessionmaker[Session]
    clock: Clock
    postman: Postman
    gateway: Callable[[], CheckoutGateway]
    checkout: checkout.CheckoutSettings
    events: webhooks.WebhookSettings
    webhook_secret: str


def wiring(built: Container, postman: Postman, gateway: CheckoutGateway | None = None) -> PayWiring:
    """The pay routes' wiring from the process container (the real gateway when none is
    given, built on the first link opened)."""
    settings = built.settings

    @functools.cache
    def real_gateway() -> CheckoutGateway:
        return StripeCheckout.from_settings(settings)

    links = LinkSettings(settings.public_url, settings.payment_link_days, settings.default_timezone)
    return PayWiring(
        sessions=built.sessions,
        clock=built.clock,
        postman=postman,
        gateway=(lambda: gateway) if gateway is not None else real_gateway,
        checkout=checkout.CheckoutSettings(links, settings.company_name, settings.payment_methods),
        events=webhooks.WebhookSettings(
            settings.company_name,
            settings.policy,
            settings.default_timezone,
            settings.hold_days_past_due,
        ),
        webhook_secret=settings.stripe_webhook_secret,
    )


def routes(wiring: PayWiring) -> list[Route]:
    """The ``/pay`` pages and the Stripe webhook."""
    pages = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined
    ).get_template("page.html")
    company = wiring.checkout.company

    def page(kind: str, amount: str = "") -> HTMLResponse:
        title, text, status = PAGES[kind]
        body = pages.render(company=company, title=title, text=text, amount=amount)
        return HTMLResponse(body, status_code=status, headers=HEADERS)

    async def pay(request: Request) -> Response:
        token = request.path_params["token"]
        if not (16 <= len(token) <= 64):
            return page("gone")
        try:
            opened = await run_in_threadpool(
                checkout.open_link,
                wiring.sessions,
                wiring.gateway(),
                token,
                now=wiring.clock.now(),
                settings=wiring.checkout,
            )
        except PaymentProviderFailed as exc:
            log.warning("a pay link could not be opened: %s", exc)
            return page("unavailable")
        if opened.outcome == "redirect" and opened.url:
            return RedirectResponse(opened.url, status_code=303, headers=HEADERS)
        shown = format_amount(opened.amount, opened.currency) if opened.amount > 0 else ""
        return page(opened.outcome, shown)

    async def done(_request: Request) -> Response:
        return page("done")

    async def cancelled(_request: Request) -> Response:
        return page("cancelled")

    async def webhook(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_EVENT_BYTES:
            return _refused("the event is too large")
        try:
            stripe.WebhookSignature.verify_header(
                body,
                request.headers.get("stripe-signature"),
                wiring.webhook_secret or None,
                TOLERANCE,
            )
            event = json.loads(body)
        except stripe.SignatureVerificationError:
            return _refused("Stripe-Signature: bad, missing or too old")
        except ValueError:
            return _refused("the body is not JSON")
        if not isinstance(event, dict):
            return _refused("the body is not an event")
        try:
            handled = await run_in_threadpool(
                webhooks.handle_event,
                wiring.sessions,
                event,
                now=wiring.clock.now(),
                settings=wiring.events,
            )
        except webhooks.EventError as exc:
            return _refused(str(exc))
        if handled.notice is not None:
            try:
                await send_notice(wiring.postman, handled.notice, handled.message_id)
            except ArbotError:
                log.warning("the notice of a Stripe event could not be sent", exc_info=True)
        return JSONResponse({"received": True, "outcome": handled.outcome})

    return [
        Route("/pay/done", done),
        Route("/pay/cancelled", cancelled),
        Route("/pay/{token}", pay),
        Route(WEBHOOK_PATH, webhook, methods=["POST"]),
    ]


def _refused(reason: str) -> JSONResponse:
    return JSONResponse({"error": reason}, status_code=400)
