"""Stripe Checkout: the real payment gateway (SPEC §11).

Three endpoints of Stripe's API are used, through stripe-python's ``StripeClient`` (with
``ARBOT_STRIPE_API_URL`` as its ``api`` base address, a local fake in tests):
``POST /v1/checkout/sessions``, ``GET /v1/checkout/sessions/{id}`` and
``POST /v1/checkout/sessions/{id}/expire``. Everything else arbot learns from webhook
events (:mod:`bot.payments.webhooks`).

Calls are synchronous (the library's requests client, a session per thread, so connections
are reused): the web app runs them in a worker thread. (Its httpx client posts with
``data=`` what httpx wants as ``content=``, a deprecation warning on every call.) Every
library error becomes :class:`~bot.errors.PaymentProviderFailed`; a network error is
retried by the library
(creating is safe to retry: it carries an idempotency key).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol, cast

import stripe

from bot.errors import PaymentProviderFailed
from bot.policy.payments import from_minor_units
from bot.settings import Settings

if TYPE_CHECKING:
    from stripe.params.checkout import SessionCreateParams


@dataclass(frozen=True)
class CheckoutSession:
    """What arbot keeps of a Checkout Session."""

    id: str
    url: str | None
    status: str  # open | complete | expired
    amount: Decimal
    expires_at: datetime | None


class CheckoutGateway(Protocol):
    """Creates, reads and expires Checkout Sessions."""

    def create(self, params: dict[str, Any], *, idempotency_key: str) -> CheckoutSession: ...

    def retrieve(self, session_id: str) -> CheckoutSession: ...

    def expire(self, session_id: str) -> CheckoutSession: ...


class StripeCheckout:
    """:class:`CheckoutGateway` over stripe-python."""

    def __init__(self, api_key: str, api_url: str, *, retries: int = 2) -> None:
        self._client = stripe.StripeClient(
            api_key,
            base_addresses={"api": api_url},
            max_network_retries=retries,
            http_client=stripe.RequestsClient(timeout=20),
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> StripeCheckout:
        """The gateway of ``ARBOT_STRIPE_SECRET_KEY`` at ``ARBOT_STRIPE_API_URL``."""
        return cls(settings.stripe_secret_key, settings.stripe_api_url)

    def create(self, params: dict[str, Any], *, idempotency_key: str) -> CheckoutSession:
        """Creates a Checkout Session (``params`` as SPEC §11 lists them)."""
        sessions = self._client.v1.checkout.sessions
        return self._call(
            "create",
            lambda: sessions.create(
                cast("SessionCreateParams", params), {"idempotency_key": idempotency_key}
            ),
        )

    def retrieve(self, session_id: str) -> CheckoutSession:
        """The session as Stripe has it now."""
        sessions = self._client.v1.checkout.sessions
        return self._call("retrieve", lambda: sessions.retrieve(session_id))

    def expire(self, session_id: str) -> CheckoutSession:
        """Expires an open session, so an outdated amount can no longer be paid."""
        sessions = self._client.v1.checkout.sessions
        return self._call("expire", lambda: sessions.expire(session_id))

    @staticmethod
    def _call(what: str, request: Any) -> CheckoutSession:
        try:
            found = request()
        except stripe.StripeError as exc:
            raise PaymentProviderFailed(
                f"stripe: {what} checkout session failed: {exc.user_message or type(exc).__name__}"
            ) from None
        return as_session(found.to_dict())


def as_session(found: Mapping[str, Any]) -> CheckoutSession:
    """A Checkout Session (its JSON) as arbot keeps it."""
    expires = found.get("expires_at")
    return CheckoutSession(
        id=str(found["id"]),
        url=found.get("url"),
        status=str(found.get("status") or "open"),
        amount=from_minor_units(int(found.get("amount_total") or 0)),
        expires_at=None if expires is None else datetime.fromtimestamp(int(expires), timezone.utc),
    )
