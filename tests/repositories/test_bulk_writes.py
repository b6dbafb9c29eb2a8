"""Set-based inserts (bot.repositories.bulk_writes), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Account, AuditEvent, Invoice
from bot.repositories.bulk_writes import insert_set

NOW = datetime(2026, 11, 1, 12, tzinfo=timezone.utc)


def _account(session: Session) -> int:
    account = Account(
        account_number="S-1", name="Set Ltd", postal_code="10001", created_at=NOW, updated_at=NOW
    )
    session.add(account)
    session.flush()
    return account.id


def test_rows_keep_their_values_whether_shared_or_varying(session: Session) -> None:
    with session.begin():
        account_id = _account(session)
        rows: list[dict[str, Any]] = [
            {"invoice_number": f"S-{n}", "account_id": account_id, "issue_date": date(2026, 11, 1),
             "due_date": date(2026, 11, n + 1), "amount": Decimal(f"{n}0.05"), "currency": "USD",
             "open_amount": Decimal("0.00") if n == 2 else Decimal(f"{n}0.05"),
             "created_at": NOW, "updated_at": NOW}
            for n in (1, 2, 3)
        ]  # fmt: skip
        insert_set(session, Invoice, rows)
        stored = session.execute(
            select(Invoice.invoice_number, Invoice.due_date, Invoice.amount, Invoice.open_amount,
                   Invoice.currency, Invoice.created_at).order_by(Invoice.invoice_number)
        ).all()  # fmt: skip
    assert [tuple(row) for row in stored] == [
        ("S-1", date(2026, 11, 2), Decimal("10.05"), Decimal("10.05"), "USD", NOW),
        ("S-2", date(2026, 11, 3), Decimal("20.05"), Decimal("0.00"), "USD", NOW),
        ("S-3", date(2026, 11, 4), Decimal("30.05"), Decimal("30.05"), "USD", NOW),
    ]


def test_identical_rows_text_with_quotes_and_a_single_row_are_all_written(
    session: Session,
) -> None:
    def event(detail: str) -> dict[str, Any]:
        return {"at": NOW, "actor": "system", "user_id": None, "entity": "account",
                "entity_id": "S-1", "action": "tested", "detail": detail}  # fmt: skip

    with session.begin():
        insert_set(session, AuditEvent, [event('{"why": "a \\"quoted\\" why"}')] * 2)
        insert_set(session, AuditEvent, [event("ñ, commas, {braces}")])
        insert_set(session, AuditEvent, [])
        stored = session.execute(
            select(AuditEvent.detail, AuditEvent.user_id, AuditEvent.at).order_by(AuditEvent.id)
        ).all()
    assert [tuple(row) for row in stored] == [
        ('{"why": "a \\"quoted\\" why"}', None, NOW),
        ('{"why": "a \\"quoted\\" why"}', None, NOW),
        ("ñ, commas, {braces}", None, NOW),
    ]
