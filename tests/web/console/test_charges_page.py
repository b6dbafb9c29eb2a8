"""``/console/charges``: a collector waives a finance charge with a reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from bot.db.models import AuditEvent, Invoice
from tests.payments.conftest import NOW, seed_account
from tests.web.console.conftest import ConsoleApp, LoginAs


def add_charge(console: ConsoleApp) -> None:
    with console.sessions() as session:
        account_id = seed_account(session)
    with console.sessions() as session, session.begin():
        session.add(
            Invoice(
                invoice_number="FC-A-7-202610", account_id=account_id,
                issue_date=date(2026, 11, 1), due_date=date(2026, 12, 1),
                amount=Decimal("12.00"), open_amount=Decimal("12.00"),
                created_at=NOW, updated_at=NOW,
            )
        )  # fmt: skip


def test_a_collector_waives_a_charge_with_a_reason(console: ConsoleApp, login_as: LoginAs) -> None:
    add_charge(console)
    client, csrf = login_as("collector")
    assert "FC-A-7-202610" in client.get("/console/charges").text

    done = client.post(
        "/console/charges/waive",
        data={"csrf_token": csrf, "invoice_number": "FC-A-7-202610", "reason": "goodwill"},
        follow_redirects=False,
    )

    assert done.status_code == 303
    assert "FC-A-7-202610 waived." in client.get(done.headers["location"]).text
    with console.sessions() as session:
        invoice = session.scalars(
            select(Invoice).where(Invoice.invoice_number == "FC-A-7-202610")
        ).one()
        assert invoice.open_amount == Decimal("0.00")
        detail = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "finance_charge_waived")
        ).one()
        assert '"reason": "goodwill"' in detail


def test_a_waiver_without_a_reason_is_refused(console: ConsoleApp, login_as: LoginAs) -> None:
    add_charge(console)
    client, csrf = login_as("collector")

    refused = client.post(
        "/console/charges/waive",
        data={"csrf_token": csrf, "invoice_number": "FC-A-7-202610", "reason": " "},
    )

    assert refused.status_code == 400
    assert "reason: missing or blank" in refused.text
