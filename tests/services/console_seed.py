"""Small accounts, collectors and cases for the console's services (not a fixture module).

``seed_account`` builds an account like ``A-7`` of ``tests/services/conftest.py`` —
invoices I-1 (due 2026-10-01, 500.00), I-2 (2026-11-10, 300.00), I-3 (2026-12-10,
400.00) under the account's number as prefix — with its phone on file and SMS consent.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.db.models import (
    Account,
    Contact,
    ContactPreference,
    Escalation,
    Installment,
    Invoice,
    PaymentPlan,
    User,
)
from tests.services.conftest import NOW

INVOICES = (
    ("I-1", date(2026, 10, 1), "500.00"),
    ("I-2", date(2026, 11, 10), "300.00"),
    ("I-3", date(2026, 12, 10), "400.00"),
)


def seed_account(
    session: Session,
    number: str = "A-7",
    phone: str | None = "+16175550101",
    *,
    invoices: tuple[tuple[str, date, str], ...] = INVOICES,
    consumer: bool = False,
) -> int:
    """An account with these invoices (fully open), its phone and SMS consent; its id."""
    with session.begin():
        account = Account(
            account_number=number, name=f"Customer {number}", postal_code="60614",
            timezone="America/Chicago", consumer=consumer, created_at=NOW, updated_at=NOW,
        )  # fmt: skip
        session.add(account)
        session.flush()
        if phone is not None:
            session.add(Contact(account_id=account.id, channel="sms", address=phone))
            session.add(
                ContactPreference(
                    account_id=account.id,
                    sms_consent=True,
                    sms_opt_out=False,
                    telegram_opt_out=False,
                    cease=False,
                    updated_at=NOW,
                )  # fmt: skip
            )
        for suffix, due, amount in invoices:
            session.add(
                Invoice(
                    invoice_number=f"{number}-{suffix}" if number != "A-7" else suffix,
                    account_id=account.id,
                    issue_date=date(2026, 9, 1),
                    due_date=due,
                    amount=Decimal(amount),
                    open_amount=Decimal(amount),
                    created_at=NOW,
                    updated_at=NOW,
                )  # fmt: skip
            )
        return account.id


def add_collector(session: Session, email: str = "ana@example.com") -> int:
    """A collector (no usable password); their id."""
    with session.begin():
        user = User(email=email, password_hash="x", role="collector", created_at=NOW)
        session.add(user)
        session.flush()
        return user.id


def add_case(
    session: Session,
    account_id: int | None,
    *,
    reason: str = "customer_request",
    age: timedelta = timedelta(0),
    claimed_by: int | None = None,
    status: str | None = None,
) -> int:
    """An escalation opened ``age`` before NOW (claimed when ``claimed_by``); its id."""
    with session.begin():
        escalation = Escalation(
            account_id=account_id, reason=reason,
            status=status or ("claimed" if claimed_by else "open"),
            assigned_to=claimed_by, created_at=NOW - age,
            claimed_at=NOW if claimed_by else None,
        )  # fmt: skip
        session.add(escalation)
        session.flush()
        return escalation.id


def add_pending_plan(session: Session, account_id: int, *, at: datetime = NOW) -> int:
    """A plan of 12,000.00 waiting for approval: 1,200.00 down on 2026-11-25, then three
    installments of 3,600.00 a month apart; its id."""
    with session.begin():
        plan = PaymentPlan(
            account_id=account_id, status="pending_approval", total=Decimal("12000.00"),
            down_payment=Decimal("1200.00"), channel="sms", taken_by="bot", created_at=at,
        )  # fmt: skip
        dues = (date(2026, 11, 25), date(2026, 12, 25), date(2027, 1, 25), date(2027, 2, 25))
        plan.installments = [
            Installment(
                sequence=n,
                due_date=due,
                amount=Decimal("1200.00" if n == 0 else "3600.00"),
                status="scheduled",
            )
            for n, due in enumerate(dues)
        ]
        session.add(plan)
        session.flush()
        return plan.id
