"""Two deliveries of one payment at the same moment, on PostgreSQL with real commits."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import (
    Account,
    AuditEvent,
    Contact,
    ContactPreference,
    Conversation,
    Invoice,
    Message,
    Payment,
    PaymentApplication,
    PaymentRequest,
    StripeEvent,
)
from bot.payments.links import LinkSettings, create_link
from bot.payments.webhooks import Handled, WebhookSettings, handle_event
from bot.policy.rules import Policy
from tests.fakes.stripe_api import FakeStripe
from tests.payments.conftest import NOW, PUBLIC_URL, seed_account

pytestmark = pytest.mark.postgres


@pytest.fixture
def committed(postgres_engine: Engine) -> Iterator[tuple[sessionmaker[Session], str]]:
    """A session factory that really commits, and an account of its own, removed after."""
    sessions = sessionmaker(postgres_engine, expire_on_commit=False)
    number = f"R-{secrets.token_hex(4)}"
    with sessions() as session:
        audited_before = session.scalar(select(func.max(AuditEvent.id))) or 0
    with sessions() as session:
        account_id = seed_account(session, number, phone="+16175550199")
    try:
        yield sessions, number
    finally:
        with sessions() as session, session.begin():
            payments = select(Payment.id).where(Payment.account_id == account_id)
            session.execute(
                delete(PaymentApplication).where(PaymentApplication.payment_id.in_(payments))
            )
            session.execute(delete(Payment).where(Payment.account_id == account_id))
            session.execute(delete(PaymentRequest).where(PaymentRequest.account_id == account_id))
            session.execute(delete(StripeEvent))
            # everything the payment audited (the payment, the import of it, ...)
            session.execute(delete(AuditEvent).where(AuditEvent.id > audited_before))
            session.execute(delete(Message).where(Message.address == "+16175550199"))
            session.execute(delete(Conversation).where(Conversation.account_id == account_id))
            session.execute(delete(Invoice).where(Invoice.account_id == account_id))
            session.execute(delete(Contact).where(Contact.account_id == account_id))
            session.execute(
                delete(ContactPreference).where(ContactPreference.account_id == account_id)
            )
            session.execute(delete(Account).where(Account.id == account_id))


def _at_once(calls: list[Any]) -> list[Handled]:
    barrier = threading.Barrier(len(calls))
    results: list[Handled | BaseException] = [None] * len(calls)  # type: ignore[list-item]

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = calls[index]()
        except BaseException as exc:  # noqa: BLE001 - reported below
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results  # type: ignore[return-value]


def test_two_webhooks_for_one_payment_racing_apply_it_once(
    committed: tuple[sessionmaker[Session], str],
) -> None:
    sessions, number = committed
    with sessions() as session:
        link = create_link(session, number, now=NOW, settings=LinkSettings(PUBLIC_URL))
    fake = FakeStripe("sk_test_x", "whsec_x")
    fake.now = int(NOW.timestamp())
    params = {
        "mode": "payment",
        "client_reference_id": str(link.request_id),
        "line_items": [{"quantity": 1, "price_data": {"currency": "usd", "unit_amount": 120000}}],
    }
    session_id = fake._session(params)["id"]
    (completed,) = fake.pay(session_id)
    succeeded = fake.settle(session_id)
    settings = WebhookSettings("Acme", Policy())

    def deliver(event: dict[str, Any]) -> Any:
        return lambda: handle_event(sessions, event, now=NOW, settings=settings)

    outcomes = _at_once([deliver(completed), deliver(completed), deliver(succeeded)])
    assert sorted(h.outcome for h in outcomes) == ["duplicate", "duplicate", "recorded"]
    assert sum(h.notice is not None for h in outcomes) == 1
    with sessions() as session:  # one receipt queued, in the payment's transaction
        receipts = session.scalars(
            select(Message.idempotency_key).where(
                Message.address == "+16175550199", Message.idempotency_key.is_not(None)
            )
        )
        assert [key for key in receipts if key.startswith("stripe:receipt:")] == [
            f"stripe:receipt:{completed['data']['object']['payment_intent']}"
        ]
    with sessions() as session:
        account_id = session.scalar(select(Account.id).where(Account.account_number == number))
        paid = session.scalars(select(Payment.amount).where(Payment.account_id == account_id))
        assert list(paid) == [Decimal("1200.00")]
        opened = session.scalars(
            select(Invoice.open_amount).where(Invoice.account_id == account_id)
        )
        assert set(opened) == {Decimal("0.00")}
