"""``/console/payments``: the latest payments, a Stripe one among them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.imports.payments import NewPayment, record_payments
from bot.imports.rows import PaymentRow
from tests.payments.conftest import NOW, seed_account
from tests.web.console.conftest import ConsoleApp, LoginAs


def test_a_collector_sees_a_payment_made_in_the_chat(
    console: ConsoleApp, login_as: LoginAs
) -> None:
    with console.sessions() as session:
        account_id = seed_account(session)
    with console.sessions() as session, session.begin():
        row = PaymentRow(
            0, "pi_test_123", "A-7", date(2026, 11, 22), Decimal("250.00"), None, "stripe"
        )
        record_payments(session, [NewPayment(row, account_id)], NOW)
    client, _csrf = login_as("collector")
    page = client.get("/console/payments")
    assert page.status_code == 200
    assert "pi_test_123" in page.text
    assert "250.00" in page.text
    assert "A-7" in page.text
