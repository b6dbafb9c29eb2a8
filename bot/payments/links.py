"""Payment requests and their ``/pay/{token}`` links (SPEC §11).

A link carries a random token (192 bits, URL-safe); only its SHA-256 is stored, so a copy
of the database opens no payment page. The request records what it was made for
(the balance, a promise, an installment, an invoice) and for how much; what is asked when
it is opened is worked out again then (:func:`amount_due`), never more than the request's
amount nor than the collectible balance.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db.models import Account, PaymentRequest, Promise
from bot.errors import InputError, NotFound
from bot.policy.contact_windows import local_date
from bot.policy.payments import Due, Purpose, amount_owed, link_choices
from bot.repositories import invoices, promises
from bot.repositories import payment_requests as repo
from bot.services.customers import customer_zone, live_summary, require_account

#: random bytes of a token: 192 bits, 32 URL-safe characters
TOKEN_BYTES = 24
PAY_PATH = "/pay/"


@dataclass(frozen=True)
class LinkSettings:
    """What making a link needs from the settings."""

    public_url: str
    days: int = 14
    default_zone: ZoneInfo | None = None


@dataclass(frozen=True)
class PayLink:
    """A link given to a customer; ``url`` is the only place its token appears."""

    request_id: int
    url: str
    purpose: str
    target: str | None
    amount: Decimal
    currency: str
    expires_at: datetime
    due_date: str | None = None


def token_hash(token: str) -> str:
    """The SHA-256 (hex) a token is stored as."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_link(
    session: Session,
    account: Account,
    due: Due,
    currency: str,
    now: datetime,
    settings: LinkSettings,
) -> PayLink:
    """Adds a payment request for ``due`` inside the caller's transaction; its link."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires = now + timedelta(days=settings.days)
    request = PaymentRequest(
        account_id=account.id,
        token_hash=token_hash(token),
        purpose=due.purpose.value,
        target=due.target,
        amount=due.amount,
        currency=currency,
        status="open",
        expires_at=expires,
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    session.flush()
    return PayLink(
        request.id,
        f"{settings.public_url.rstrip('/')}{PAY_PATH}{token}",
        due.purpose.value,
        due.target,
        due.amount,
        currency,
        expires,
        None if due.due_date is None else due.due_date.isoformat(),
    )


def create_link(
    session: Session,
    account_number: str,
    purpose: str = "balance",
    *,
    now: datetime,
    settings: LinkSettings,
    amount: Decimal | None = None,
    target: str | None = None,
) -> PayLink:
    """A link for one purpose of an account (``arbot pay link``), in its own transaction.

    Raises:
        NotFound: naming the account, or the promise, installment or invoice paid.
        InputError: naming the purpose or amount when either is not acceptable.
    """
    try:
        chosen = Purpose(purpose)
    except ValueError:
        allowed = ", ".join(p.value for p in Purpose)
        raise InputError(f"purpose: {purpose!r} is not one of {allowed}") from None
    if amount is not None and amount <= 0:
        raise InputError(f"amount: {amount} is not positive")
    with session.begin():
        account = require_account(session, account_number)
        today = local_date(now, customer_zone(account.timezone, settings.default_zone))
        collectible = live_summary(session, account, today).collectible
        due = _due(session, account, chosen, target, collectible)
        asked = amount_owed(due.amount if amount is None else amount, collectible)
        if asked <= 0:
            raise InputError(f"amount: nothing is owed on account {account_number!r} for that")
        due = Due(due.purpose, due.target, due.due_date, asked)
        return new_link(
            session, account, due, invoices.currency_of(session, account.id), now, settings
        )


def _due(
    session: Session, account: Account, purpose: Purpose, target: str | None, collectible: Decimal
) -> Due:
    """What a purpose asks for (the named target, or the account's current one)."""
    if purpose is Purpose.BALANCE:
        return Due(purpose, None, None, collectible)
    if purpose is Purpose.PROMISE:
        promise = (
            promises.pending(session, account.id)
            if target is None
            else session.get(Promise, _number(target, "target"))
        )
        if promise is None or promise.account_id != account.id:
            raise NotFound(f"target: account {account.account_number!r} has no such promise")
        return Due(purpose, str(promise.id), promise.due_date, promise.amount)
    if purpose is Purpose.INSTALLMENT:
        found = (
            next(iter(repo.due_installments(session, account.id)), None)
            if target is None
            else repo.installment_of_account(session, account.id, _number(target, "target"))
        )
        if found is None:
            raise NotFound(f"target: account {account.account_number!r} has no such installment")
        return Due(purpose, str(found.id), found.due_date, found.amount)
    if target is None:
        raise InputError("target: the invoice number is needed for purpose invoice")
    invoice = repo.open_invoice(session, account.id, target)
    if invoice is None:
        raise NotFound(f"target: invoice {target!r} is not on account {account.account_number!r}")
    return Due(purpose, invoice.invoice_number, invoice.due_date, invoice.open_amount)


def _number(text: str, field: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InputError(f"{field}: {text!r} is not a number") from None


def links_for_chat(
    session: Session, account_number: str, *, now: datetime, settings: LinkSettings
) -> list[PayLink]:
    """What ``pay_now`` answers with: the pending promise's and the installment due within
    a week's links, then the balance's; only the balance's when there are none; nothing
    when nothing is collectible.

    Raises:
        NotFound: naming the account number.
    """
    with session.begin():
        account = require_account(session, account_number)
        today = local_date(now, customer_zone(account.timezone, settings.default_zone))
        collectible = live_summary(session, account, today).collectible
        pending = promises.pending(session, account.id)
        promise = (
            None
            if pending is None
            else Due(Purpose.PROMISE, str(pending.id), pending.due_date, pending.amount)
        )
        upcoming = [
            Due(Purpose.INSTALLMENT, str(i.id), i.due_date, i.amount)
            for i in repo.due_installments(session, account.id)
        ]
        currency = invoices.currency_of(session, account.id)
        return [
            new_link(
                session,
                account,
                Due(d.purpose, d.target, d.due_date, amount_owed(d.amount, collectible)),
                currency,
                now,
                settings,
            )
            for d in link_choices(collectible, promise, upcoming, today)
        ]


def link_for(
    session: Session,
    account_id: int,
    purpose: Purpose,
    target: str,
    *,
    now: datetime,
    settings: LinkSettings,
) -> PayLink | None:
    """A link for a promise or installment inside the caller's transaction (a reminder's);
    None when nothing is collectible."""
    account = session.get(Account, account_id)
    if account is None:
        return None
    today = local_date(now, customer_zone(account.timezone, settings.default_zone))
    collectible = live_summary(session, account, today).collectible
    due = _due(session, account, purpose, target, collectible)
    asked = amount_owed(due.amount, collectible)
    if asked <= 0:
        return None
    due = Due(due.purpose, due.target, due.due_date, asked)
    return new_link(session, account, due, invoices.currency_of(session, account.id), now, settings)


def promise_link(
    session: Session, account_number: str, *, now: datetime, settings: LinkSettings
) -> PayLink | None:
    """The link that follows a recorded promise: for the account's pending promise."""
    with session.begin():
        account = require_account(session, account_number)
        pending = promises.pending(session, account.id)
        if pending is None:
            return None
        return link_for(
            session, account.id, Purpose.PROMISE, str(pending.id), now=now, settings=settings
        )
