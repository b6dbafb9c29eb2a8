"""Small portfolios for the reminder pass and the daily review, written with the models.

Every account lives in Chicago (UTC−6 in November), has a phone with SMS consent unless
told otherwise, and is dated around ``NOW`` = 2026-11-22 15:00 UTC, 09:00 in Chicago.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import FixedClock
from bot.db.models import (
    Account,
    Contact,
    ContactAttempt,
    ContactPreference,
    Dispute,
    Escalation,
    Installment,
    Invoice,
    Message,
    Payment,
    PaymentPlan,
    Promise,
)
from bot.services.delivery import Postman
from bot.services.reminders import PassSummary, run_pass
from bot.settings import Settings
from integrations.senders import Outbound, OutboxSender, Receipt

NOW = datetime(2026, 11, 22, 15, tzinfo=timezone.utc)
TODAY = date(2026, 11, 22)
SETTINGS = Settings(database_url="sqlite://")


@dataclass
class RecordingSender(OutboxSender):
    """The outbox provider, remembering what it was given; ``fail_on`` crashes the pass."""

    sent: list[Outbound] = field(default_factory=list)
    fail_on: int | None = None

    async def send(self, message: Outbound) -> Receipt:
        if self.fail_on is not None and len(self.sent) + 1 == self.fail_on:
            raise RuntimeError("the pass was killed")
        self.sent.append(message)
        return await super().send(message)


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def phone(number: str) -> str:
    return f"+1617555{sum(map(ord, number)) % 10_000:04d}"


def add_account(
    sessions: sessionmaker[Session],
    number: str,
    invoices: Sequence[tuple[str, int, str]] = (),
    *,
    consent: bool = True,
    telegram: str | None = None,
    zone: str | None = "America/Chicago",
) -> int:
    """An account with its phone and invoices ``(number, due in days from TODAY, amount)``."""
    with sessions() as session, session.begin():
        account = Account(
            account_number=number,
            name=f"{number} Supply",
            postal_code="60614",
            timezone=zone,
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(account)
        session.flush()
        session.add(Contact(account_id=account.id, channel="sms", address=phone(number)))
        if telegram is not None:
            session.add(Contact(account_id=account.id, channel="telegram", address=telegram))
        session.add(
            ContactPreference(
                account_id=account.id,
                sms_consent=consent,
                sms_opt_out=False,
                telegram_opt_out=False,
                cease=False,
                updated_at=NOW,
            )
        )
        for invoice, due, amount in invoices:
            _invoice(session, account.id, invoice, days(due), amount)
        return account.id


def _invoice(session: Session, account_id: int, number: str, due: date, amount: str) -> None:
    session.add(
        Invoice(
            invoice_number=number,
            account_id=account_id,
            issue_date=due - timedelta(days=30),
            due_date=due,
            amount=Decimal(amount),
            open_amount=Decimal(amount),
            created_at=NOW,
            updated_at=NOW,
        )
    )


def add_promise(
    sessions: sessionmaker[Session],
    account_id: int,
    amount: str,
    due: int,
    *,
    created: int = -3,
    status: str = "pending",
    resolved: datetime | None = None,
) -> int:
    with sessions() as session, session.begin():
        promise = Promise(
            account_id=account_id,
            amount=Decimal(amount),
            due_date=days(due),
            status=status,
            channel="sms",
            taken_by="bot",
            amount_collected=Decimal("0.00"),
            created_at=NOW + timedelta(days=created),
            resolved_at=resolved,
        )
        session.add(promise)
        session.flush()
        return promise.id


def add_plan(
    sessions: sessionmaker[Session],
    account_id: int,
    schedule: Sequence[tuple[int, str]],
    *,
    created: int = -20,
    status: str = "active",
) -> int:
    """A plan whose installments are ``(due in days from TODAY, amount)``, all scheduled."""
    with sessions() as session, session.begin():
        plan = PaymentPlan(
            account_id=account_id,
            status=status,
            total=sum((Decimal(a) for _, a in schedule), Decimal("0.00")),
            down_payment=Decimal(schedule[0][1]),
            channel="sms",
            taken_by="bot",
            created_at=NOW + timedelta(days=created),
        )
        plan.installments = [
            Installment(sequence=n, due_date=days(d), amount=Decimal(a), status="scheduled")
            for n, (d, a) in enumerate(schedule)
        ]
        session.add(plan)
        session.flush()
        return plan.id


def add_payment(
    sessions: sessionmaker[Session], account_id: int, received: int, amount: str
) -> None:
    with sessions() as session, session.begin():
        count = session.scalar(select(func.count()).select_from(Payment)) or 0
        session.add(
            Payment(
                payment_id=f"P-{account_id}-{count}",
                account_id=account_id,
                received_date=days(received),
                amount=Decimal(amount),
                unapplied_amount=Decimal(amount),
                created_at=NOW,
            )
        )


def add_dispute(sessions: sessionmaker[Session], account_id: int, invoice_number: str) -> None:
    with sessions() as session, session.begin():
        invoice_id = session.scalar(
            select(Invoice.id).where(Invoice.invoice_number == invoice_number)
        )
        assert invoice_id is not None
        session.add(
            Dispute(
                reference=f"D-{invoice_id}",
                account_id=account_id,
                invoice_id=invoice_id,
                reason="wrong_amount",
                status="open",
                created_at=NOW,
            )
        )


def add_escalation(
    sessions: sessionmaker[Session], account_id: int, reason: str = "customer_request"
) -> None:
    with sessions() as session, session.begin():
        session.add(Escalation(account_id=account_id, reason=reason, status="open", created_at=NOW))


def add_sent_attempt(
    sessions: sessionmaker[Session], account_id: int, target: str, at: datetime
) -> None:
    """A dunning message sent at ``at`` (for the frequency caps)."""
    with sessions() as session, session.begin():
        session.add(
            ContactAttempt(
                account_id=account_id,
                channel="sms",
                kind="dunning",
                target=target,
                local_date=at.date(),
                idempotency_key=f"{account_id}:dunning:{target}:{at.date().isoformat()}",
                status="sent",
                created_at=at,
            )
        )


def run(
    sessions: sessionmaker[Session], at: datetime = NOW, sender: OutboxSender | None = None
) -> PassSummary:
    """One pass at ``at`` through ``sender`` (the outbox) on SMS and Telegram.

    One message at a time: the test's sessions share one connection.
    """
    sender = sender or RecordingSender()
    postman = Postman(sessions, FixedClock(at), {"sms": sender, "telegram": sender})
    return asyncio.run(run_pass(postman, SETTINGS, at, concurrency=1))


def attempts(sessions: sessionmaker[Session], account_id: int) -> list[ContactAttempt]:
    with sessions() as session, session.begin():
        query = (
            select(ContactAttempt)
            .where(ContactAttempt.account_id == account_id)
            .order_by(ContactAttempt.id)
        )
        return list(session.scalars(query))


def messages_to(sessions: sessionmaker[Session], address: str) -> list[Message]:
    with sessions() as session, session.begin():
        query = select(Message).where(Message.address == address).order_by(Message.id)
        return list(session.scalars(query))
