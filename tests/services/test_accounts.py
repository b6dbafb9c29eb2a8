"""The account overview behind ``arbot show``, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from bot.db.models import Account, ContactPreference, Dispute, Invoice
from bot.errors import NotFound
from bot.services.accounts import account_overview

NOW = datetime(2026, 11, 22, 15, tzinfo=timezone.utc)
TODAY = date(2026, 11, 22)


def _account(session: Session) -> None:
    with session.begin():
        account = Account(
            account_number="A-7", name="Ada", postal_code="10001", created_at=NOW, updated_at=NOW
        )
        session.add(account)
        session.flush()
        rows = (
            ("I-1", date(2026, 10, 1), "500.00", "500.00"),  # 52 days late
            ("I-2", date(2026, 11, 1), "300.00", "0.00"),  # paid
            ("I-3", date(2026, 11, 10), "200.00", "200.00"),  # disputed below
            ("I-4", date(2026, 12, 10), "100.00", "60.00"),  # not yet due
        )
        invoices = [
            Invoice(
                invoice_number=n,
                account_id=account.id,
                issue_date=date(2026, 9, 1),
                due_date=due,
                amount=Decimal(a),
                open_amount=Decimal(o),
                created_at=NOW,
                updated_at=NOW,
            )
            for n, due, a, o in rows
        ]
        session.add_all(invoices)
        session.flush()
        session.add(
            Dispute(
                reference="D-1",
                account_id=account.id,
                invoice_id=invoices[2].id,
                reason="damaged",
                status="open",
                created_at=NOW,
            )
        )
        session.add(ContactPreference(account_id=account.id, sms_consent=True, updated_at=NOW))


def test_overview_marks_paid_and_disputed_invoices_and_excludes_disputes_from_past_due(
    session: Session,
) -> None:
    _account(session)
    doc = account_overview(session, "A-7", TODAY).to_json()
    statuses = {i["invoice_number"]: i["status"] for i in doc["invoices"]}
    assert statuses == {"I-1": "open", "I-2": "paid", "I-3": "disputed", "I-4": "open"}
    assert doc["balance"] == "760.00"
    assert doc["past_due"] == "500.00"
    assert doc["invoices"][0]["days_past_due"] == 52
    assert doc["invoices"][-1]["days_past_due"] == 0
    assert doc["disputes"] == [
        {"reference": "D-1", "invoice_number": "I-3", "reason": "damaged", "status": "open"}
    ]
    assert doc["contact"]["sms_consent"] is True
    assert doc["contact"]["sms_opt_out"] is False


def test_overview_of_an_unknown_account_names_it(session: Session) -> None:
    with pytest.raises(NotFound, match="A-404"):
        account_overview(session, "A-404", TODAY)
