"""Opening a ``/pay/{token}`` link: what is owed now, then a Stripe Checkout Session.

Three steps, so no transaction is held across a call to Stripe:

1. (a transaction) the request is found by its token's hash; a paid one says so, an
   expired or unknown one is gone; what is owed now is worked out (:func:`amount_due`);
   the session already made for that amount, while open, is reused;
2. (no transaction) Stripe is asked: an outdated session is expired first (unless it was
   paid meanwhile), then a new one is created under an idempotency key made of the
   request (its id and part of its token's hash), the amount and the session it replaces —
   two clicks at once make one session;
3. (a transaction) the session is kept on the request, for the next click.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Account, Invoice, PaymentRequest, Promise
from bot.payments.links import LinkSettings, token_hash
from bot.policy.contact_windows import local_date
from bot.policy.payments import ZERO, Purpose, amount_owed, to_minor_units
from bot.repositories import payment_requests as repo
from bot.services.customers import customer_zone, live_summary
from integrations.stripe_checkout import CheckoutGateway, CheckoutSession

#: a session closer than this to its expiry is not handed out again
SESSION_MARGIN = timedelta(minutes=30)
SUCCESS_PATH = "/pay/done"
CANCEL_PATH = "/pay/cancelled"


@dataclass(frozen=True)
class CheckoutSettings:
    """What a Checkout Session is made with."""

    links: LinkSettings
    company: str
    payment_methods: tuple[str, ...] = ("card", "us_bank_account")


@dataclass(frozen=True)
class Opened:
    """What opening a link came to.

    Attributes:
        outcome: ``redirect`` (to ``url``, Stripe's page), ``paid``, ``gone`` (unknown or
            expired) or ``nothing_owed``.
    """

    outcome: str
    amount: Decimal = ZERO
    currency: str = "USD"
    url: str | None = None


@dataclass(frozen=True)
class _Plan:
    request_id: int
    account_number: str
    amount: Decimal
    currency: str
    replaces: str | None
    #: the request's token hash: with the id, unique even across restored databases
    nonce: str = ""


def open_link(
    sessions: sessionmaker[Session],
    gateway: CheckoutGateway,
    token: str,
    *,
    now: datetime,
    settings: CheckoutSettings,
) -> Opened:
    """Where a customer opening ``token``'s link is sent (see the module docstring).

    Raises:
        PaymentProviderFailed: when Stripe refused or could not be reached.
    """
    with sessions() as session, session.begin():
        found = _look_up(session, token, now, settings.links)
    if isinstance(found, Opened):
        return found
    if found.replaces is not None:
        old = gateway.retrieve(found.replaces)
        if old.status == "complete":
            return Opened("paid", old.amount, found.currency)
        if old.status == "open":
            gateway.expire(found.replaces)
    cents = to_minor_units(found.amount)
    key = f"arbot-pay-{found.request_id}-{found.nonce}-{cents}-{found.replaces or 'new'}"
    made = gateway.create(checkout_params(found, settings), idempotency_key=key)
    with sessions() as session, session.begin():
        _keep(session, found.request_id, made, now)
    return Opened("redirect", found.amount, found.currency, made.url)


def _look_up(session: Session, token: str, now: datetime, settings: LinkSettings) -> Opened | _Plan:
    request = repo.by_token_hash(session, token_hash(token))
    if request is None:
        return Opened("gone")
    if request.status == "paid":
        return Opened("paid", request.amount, request.currency)
    if request.status != "open" or request.expires_at <= now:
        if request.status == "open":
            request.status, request.updated_at = "expired", now
        return Opened("gone")
    account = session.get(Account, request.account_id)
    if account is None:
        return Opened("gone")
    owed = amount_due(session, request, account, now, settings)
    if owed <= 0:
        return Opened("nothing_owed", ZERO, request.currency)
    reusable = (
        request.session_id is not None
        and request.session_amount == owed
        and request.session_url
        and (
            request.session_expires_at is None or request.session_expires_at > now + SESSION_MARGIN
        )
    )
    if reusable:
        return Opened("redirect", owed, request.currency, request.session_url)
    return _Plan(
        request.id,
        account.account_number,
        owed,
        request.currency,
        request.session_id,
        request.token_hash[:16],
    )


def amount_due(
    session: Session,
    request: PaymentRequest,
    account: Account,
    now: datetime,
    settings: LinkSettings,
) -> Decimal:
    """What the request asks for now: what its purpose still needs, at most the request's
    amount and the collectible balance."""
    today = local_date(now, customer_zone(account.timezone, settings.default_zone))
    collectible = live_summary(session, account, today).collectible
    wanted = request.amount
    if request.purpose == Purpose.PROMISE.value and request.target is not None:
        promise = session.get(Promise, int(request.target))
        if promise is not None and promise.status == "kept":
            wanted = ZERO
        elif promise is not None and promise.status == "pending":
            created = local_date(promise.created_at, customer_zone(account.timezone))
            paid = repo.received_since(session, account.id, created)
            wanted = min(wanted, promise.amount - paid)
    elif request.purpose == Purpose.INSTALLMENT.value and request.target is not None:
        installment = repo.installment_of_account(session, account.id, int(request.target))
        if installment is None or installment.status == "paid":
            wanted = ZERO
    elif request.purpose == Purpose.INVOICE.value and request.target is not None:
        invoice: Invoice | None = repo.open_invoice(session, account.id, request.target)
        wanted = ZERO if invoice is None else min(wanted, invoice.open_amount)
    return amount_owed(wanted, collectible)


def checkout_params(plan: _Plan, settings: CheckoutSettings) -> dict[str, Any]:
    """The Checkout Session's parameters, as SPEC §11 lists them."""
    base = settings.links.public_url.rstrip("/")
    metadata = {"arbot_request": str(plan.request_id), "account_number": plan.account_number}
    return {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": plan.currency.lower(),
                    "unit_amount": to_minor_units(plan.amount),
                    "product_data": {"name": f"Payment to {settings.company}"},
                },
            }
        ],
        "client_reference_id": str(plan.request_id),
        "metadata": metadata,
        "payment_intent_data": {"metadata": dict(metadata)},
        "allowed_payment_method_types": list(settings.payment_methods),
        "success_url": f"{base}{SUCCESS_PATH}",
        "cancel_url": f"{base}{CANCEL_PATH}",
    }


def _keep(session: Session, request_id: int, made: CheckoutSession, now: datetime) -> None:
    """Keeps the new session on the request (a request paid meanwhile is left alone)."""
    request = repo.get(session, request_id, lock=True)
    if request is None or request.status != "open":
        return
    request.session_id, request.session_amount = made.id, made.amount
    request.session_url, request.session_expires_at = made.url, made.expires_at
    request.updated_at = now
