"""``arbot pay link`` and ``arbot payments`` (SPEC §11), run as a user would."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from bot.db.engine import make_engine
from bot.imports.payments import NewPayment, record_payments
from bot.imports.rows import PaymentRow
from tests.cli.runner import arbot
from tests.payments.conftest import NOW, seed_account


def _seeded(tmp_database: str) -> None:
    assert arbot("db", "upgrade", database=tmp_database).code == 0
    engine = make_engine(tmp_database)
    try:
        with Session(engine) as session:
            account_id = seed_account(session)
        with Session(engine) as session, session.begin():
            row = PaymentRow(
                0, "pi_test_cli", "A-7", date(2026, 11, 22), Decimal("100.00"), None, "stripe"
            )
            record_payments(session, [NewPayment(row, account_id)], NOW)
    finally:
        engine.dispose()


def test_pay_link_prints_a_link_and_payments_lists_the_account_payments(
    tmp_database: str, tmp_path: Path
) -> None:
    _seeded(tmp_database)
    (tmp_path / ".env").write_text(
        "ARBOT_PAYMENT_PROVIDER=stripe\n"
        "ARBOT_STRIPE_SECRET_KEY=sk_test_cli0000000000\n"
        "ARBOT_STRIPE_WEBHOOK_SECRET=whsec_cli0000000000\n"
        "ARBOT_PUBLIC_URL=https://pay.example.test\n",
        encoding="utf-8",
    )
    made = arbot(
        "pay", "link", "A-7", "--amount", "250", "--json", database=tmp_database, cwd=tmp_path
    )
    assert made.code == 0, made.err
    link = made.json()
    assert link["url"].startswith("https://pay.example.test/pay/")
    assert link["amount"] == "250.00"
    assert link["purpose"] == "balance"

    listed = arbot("payments", "A-7", "--json", database=tmp_database)
    assert listed.code == 0, listed.err
    assert [(p["payment_id"], p["amount"], p["method"]) for p in listed.json()] == [
        ("pi_test_cli", "100.00", "stripe")
    ]
    shown = arbot("show", "A-7", database=tmp_database)
    assert "pi_test_cli" in shown.out


def test_pay_link_without_stripe_or_for_an_unknown_account_fails_with_one_line(
    tmp_database: str,
) -> None:
    _seeded(tmp_database)
    refused = arbot("pay", "link", "A-7", database=tmp_database)
    assert refused.code == 1
    assert "ARBOT_PAYMENT_PROVIDER" in refused.err
    unknown = arbot("payments", "A-404", database=tmp_database)
    assert unknown.code == 1
    assert "A-404" in unknown.err
    assert "Traceback" not in unknown.err + refused.err
