"""Stripe's webhook events, each handled once and in any order (SPEC §11).

The signature is checked at the edge (:mod:`bot.web.pay`); here an event is applied in one
transaction that begins by claiming its id (:func:`~bot.repositories.payment_requests.claim_event`),
so a replay — or the same event delivered twice at once — changes nothing. What each type does:

* ``checkout.session.completed`` paid, or ``checkout.session.async_payment_succeeded``: the
  payment (``payment_id`` = the PaymentIntent) is recorded and applied with the CSV import's
  cash application, promises and installments it covers are settled at once, waiting
  reversals are applied, the request is paid, and the customer gets one receipt. Whichever
  of the two events comes first records it; the other finds it recorded. The account's row
  is locked first, so two payments of one account are applied one after the other.
* ``checkout.session.completed`` unpaid (a bank debit on its way): nothing is recorded; the
  customer hears it is processing (not when the payment is already recorded).
* ``checkout.session.async_payment_failed``: nothing recorded; the customer is told once;
  the request stays open (a new session is made the next time the link is opened).
* ``charge.refunded``, ``charge.dispute.created``: :mod:`bot.payments.reversals`.
* anything else: claimed and ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Account, Payment, PaymentRequest
from bot.imports.payments import NewPayment, record_payments
from bot.imports.rows import PaymentRow
from bot.payments import reversals
from bot.payments.notices import notice_for, notice_to, queue_notice
from bot.policy import payments as rules
from bot.policy.contact_windows import local_date
from bot.policy.credit import HOLD_DAYS_PAST_DUE
from bot.policy.rules import Policy
from bot.repositories import audit
from bot.repositories import payment_requests as repo
from bot.services.customers import customer_zone, live_summary
from bot.services.daily_review import Settled, settle_paid
from bot.services.decisions import Notice

METHOD = "stripe"
#: tries of an event whose transaction lost a race on a unique key (PostgreSQL)
ATTEMPTS = 3


@dataclass(frozen=True)
class WebhookSettings:
    """What applying events needs from the settings."""

    company: str
    policy: Policy
    default_zone: ZoneInfo | None = None
    hold_days: int = HOLD_DAYS_PAST_DUE  # ARBOT_HOLD_DAYS_PAST_DUE


@dataclass(frozen=True)
class Handled:
    """What an event came to, and the message to send once it is committed."""

    outcome: str  # recorded | duplicate | ignored | processing | failed | reversed | waiting
    notice: Notice | None = None
    #: the notice's message, queued in the event's transaction (None: nothing new queued)
    message_id: int | None = None


class EventError(ValueError):
    """The event lacks a field arbot needs (named in the message)."""


def handle_event(
    sessions: sessionmaker[Session],
    event: Mapping[str, Any],
    *,
    now: datetime,
    settings: WebhookSettings,
) -> Handled:
    """Applies one verified Stripe event, once per event id.

    Raises:
        EventError: naming the missing field (nothing is stored then).
    """
    event_id, event_type = _text(event, "id"), _text(event, "type")
    obj = event.get("data", {}).get("object") if isinstance(event.get("data"), Mapping) else None
    if not isinstance(obj, Mapping):
        raise EventError("data.object: missing")
    created = _created(event)
    for attempt in range(ATTEMPTS):
        try:
            with sessions() as session, session.begin():
                if not repo.claim_event(session, event_id, event_type, now):
                    return Handled("duplicate")
                handled = _apply(session, event_type, obj, created, now, settings)
                queued = queue_notice(session, handled.notice, now)  # sent even if we die now
                return replace(handled, message_id=queued)
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _apply(
    session: Session,
    event_type: str,
    obj: Mapping[str, Any],
    created: datetime,
    now: datetime,
    settings: WebhookSettings,
) -> Handled:
    paid = obj.get("payment_status") in ("paid", "no_payment_required")
    if event_type == "checkout.session.async_payment_succeeded" or (
        event_type == "checkout.session.completed" and paid
    ):
        return _record(session, obj, created, now, settings)
    if event_type == "checkout.session.completed":
        return _tell(session, obj, "processing", rules.processing, settings)
    if event_type == "checkout.session.async_payment_failed":
        return _tell(session, obj, "failed", rules.failed, settings)
    if event_type == "charge.refunded":
        return _reverse(session, obj, "refund", now, settings)
    if event_type == "charge.dispute.created":
        return _reverse(session, obj, "dispute", now, settings)
    return Handled("ignored")


def _record(
    session: Session,
    obj: Mapping[str, Any],
    created: datetime,
    now: datetime,
    settings: WebhookSettings,
) -> Handled:
    """Records and applies a paid session's payment (see the module docstring).

    The hot path of the webhook: about a dozen statements, each asked only when the
    account has what it is about (a pending promise, an active plan, a waiting reversal).
    """
    intent = _text(obj, "payment_intent")
    request_id = _request_id(obj)
    found = None if request_id is None else repo.lock_paying(session, request_id, intent)
    if found is None:
        return Handled("ignored")
    if found.recorded:
        return Handled("duplicate")
    amount = rules.from_minor_units(int(obj.get("amount_total") or 0))
    zone = customer_zone(found.timezone, settings.default_zone)
    named = found.target if found.purpose == rules.Purpose.INVOICE.value else None
    row = PaymentRow(
        0, intent, found.account_number, local_date(created, zone), amount, named, METHOD
    )
    paid = [NewPayment(row, found.account_id)]
    applied = record_payments(session, paid, now, hold_days=settings.hold_days)[intent]
    allocations = [
        rules.Allocation(applied.numbers[i], share) for i, share in applied.by_invoice.items()
    ]
    repo.mark_paid(session, found.id, intent, now)
    settled = _settle(session, found, applied.id, now, settings)
    left = applied.open_after
    if found.reversals_waiting:  # a refund came first: say what is owed after it
        account = session.get(Account, found.account_id)
        today = local_date(created, zone)
        left = left if account is None else live_summary(session, account, today).total
    notice = notice_to(
        repo.reach(session, found.account_id),
        found.consumer,
        settings.company,
        f"stripe:receipt:{intent}",
        lambda to: rules.receipt(amount, allocations, applied.unapplied, left, to),
    )
    audit.record(
        session,
        at=now,
        entity="payment",
        entity_id=intent,
        action="received",
        actor="system",
        detail={
            "method": METHOD,
            "amount": amount,
            "request": found.id,
            "purpose": found.purpose,
            "applied": {a.invoice_number: a.amount for a in allocations},
            "unapplied": applied.unapplied,
            "promises_kept": list(settled.promises_kept),
            "installments_paid": list(settled.installments_paid),
            "why": "stripe checkout paid",
        },
    )
    return Handled("recorded", notice)


def _settle(
    session: Session,
    found: repo.PayingRequest,
    payment_id: int,
    now: datetime,
    settings: WebhookSettings,
) -> Settled:
    """Keeps the promises and pays the installments the payment covers, and applies the
    reversals that were waiting for it — each only when the account has one."""
    settled = Settled()
    if found.pending_promise or found.active_plan:
        settled = settle_paid(
            session,
            found.account_id,
            now,
            settings.policy,
            default_zone=settings.default_zone,
            promises=found.pending_promise,
            plans=found.active_plan,
            hold_days=settings.hold_days,
        )
    if found.reversals_waiting:
        payment = session.get(Payment, payment_id)
        if payment is not None:
            reversals.apply_waiting(
                session, payment, now, settings.default_zone, settings.hold_days
            )
    return settled


def _tell(
    session: Session,
    obj: Mapping[str, Any],
    what: str,
    text: Any,
    settings: WebhookSettings,
) -> Handled:
    """The "processing" or "failed" notice of a session, unless its payment is recorded."""
    request = _request(session, obj)
    if request is None:
        return Handled("ignored")
    intent = obj.get("payment_intent")
    if isinstance(intent, str) and repo.payment_by_id(session, intent) is not None:
        return Handled("ignored")
    if what == "failed" and request.status == "open" and request.session_id == obj.get("id"):
        request.session_id = request.session_url = None  # the next click makes a new session
    account = session.get(Account, request.account_id)
    if account is None:
        return Handled("ignored")
    amount = rules.from_minor_units(int(obj.get("amount_total") or 0))
    key = f"stripe:{what}:{_text(obj, 'id')}"
    notice = notice_for(session, account, settings.company, key, lambda to: text(amount, to))
    return Handled(what, notice)


def _reverse(
    session: Session, obj: Mapping[str, Any], kind: str, now: datetime, settings: WebhookSettings
) -> Handled:
    """A refund (cumulative ``amount_refunded`` of a charge) or a dispute (its ``amount``)."""
    intent = _text(obj, "payment_intent")
    if kind == "refund":
        refunded = int(obj.get("amount_refunded") or 0)
        earlier = sum(
            (r.amount for r in repo.reversals_of(session, intent) if r.kind == "refund"),
            Decimal("0.00"),
        )
        amount = rules.from_minor_units(refunded) - earlier
        source = f"{_text(obj, 'id')}:refunded:{refunded}"
    else:
        amount = rules.from_minor_units(int(obj.get("amount") or 0))
        source = _text(obj, "id")
    outcome = reversals.record_reversal(
        session,
        kind=kind,
        source=source,
        payment_intent=intent,
        amount=amount,
        now=now,
        default_zone=settings.default_zone,
        hold_days=settings.hold_days,
    )
    return Handled(outcome)


def _request(session: Session, obj: Mapping[str, Any]) -> PaymentRequest | None:
    """The payment request a session was made for (``client_reference_id``), locked."""
    request_id = _request_id(obj)
    return None if request_id is None else repo.get(session, request_id, lock=True)


def _request_id(obj: Mapping[str, Any]) -> int | None:
    """The payment request id a session names (``client_reference_id``, or its metadata)."""
    metadata = obj.get("metadata")
    reference = obj.get("client_reference_id") or (
        metadata.get("arbot_request") if isinstance(metadata, Mapping) else None
    )
    try:
        return int(str(reference))
    except ValueError:
        return None


def _text(obj: Mapping[str, Any], name: str) -> str:
    value = obj.get(name)
    if not isinstance(value, str) or not value:
        raise EventError(f"{name}: missing or not a string")
    return value


def _created(event: Mapping[str, Any]) -> datetime:
    value = event.get("created")
    if not isinstance(value, int) or isinstance(value, bool):
        raise EventError("created: missing or not a Unix time")
    return datetime.fromtimestamp(value, timezone.utc)
