"""Bulk ledger queries of the import (bot.repositories.ledger), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Account, Dispute, Invoice
from bot.repositories import ledger

NOW = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
MANY = ledger.CHUNK * 2 + 7  # spans several IN chunks


def _accounts(session: Session, count: int) -> dict[str, int]:
    rows = [
        {
            "account_number": f"A-{n:05d}",
            "name": f"Customer {n}",
            "postal_code": "10001",
            "language": "en",
            "consumer": False,
            "created_at": NOW,
            "updated_at": NOW,
        }
        for n in range(count)
    ]
    with session.begin():
        return ledger.insert_returning_ids(session, Account, "account_number", rows)


def _invoice(session: Session, account_id: int, number: str, due: date, open_amount: str) -> int:
    invoice = Invoice(
        invoice_number=number,
        account_id=account_id,
        issue_date=date(2026, 1, 1),
        due_date=due,
        amount=Decimal("100.00"),
        open_amount=Decimal(open_amount),
        created_at=NOW,
        updated_at=NOW,
    )
    with session.begin():
        session.add(invoice)
    return invoice.id


def test_inserted_ids_come_back_by_natural_key_across_chunks(session: Session) -> None:
    ids = _accounts(session, MANY)
    with session.begin():
        stored = dict(session.execute(select(Account.account_number, Account.id)).tuples().all())
    assert ids == stored
    assert len(ids) == MANY


def test_one_inserted_row_comes_back_with_its_id_by_natural_key(session: Session) -> None:
    _accounts(session, 3)
    with session.begin():
        ids = ledger.insert_returning_ids(
            session,
            Account,
            "account_number",
            [{"account_number": "A-single", "name": "One", "postal_code": "10001",
              "language": "en", "consumer": False, "created_at": NOW, "updated_at": NOW}],
        )  # fmt: skip
        stored = session.scalar(select(Account.id).where(Account.account_number == "A-single"))
    assert ids == {"A-single": stored}


def test_lookups_find_every_existing_key_and_skip_unknown_ones(session: Session) -> None:
    ids = _accounts(session, MANY)
    wanted = [*ids, "A-missing"]
    with session.begin():
        found = ledger.account_ids(session, wanted)
        accounts = ledger.accounts(session, wanted)
    assert found == ids
    assert {number: account.id for number, account in accounts.items()} == ids


def test_update_rows_sets_only_the_columns_each_row_names(session: Session) -> None:
    ids = _accounts(session, 2)
    first, second = ids["A-00000"], ids["A-00001"]
    with session.begin():
        ledger.update_rows(
            session,
            Account,
            [{"id": first, "name": "Renamed"}, {"id": second, "postal_code": "99999"}],
        )
    with session.begin():
        rows = session.execute(
            select(Account.id, Account.name, Account.postal_code).order_by(Account.id)
        ).all()
    assert [tuple(row) for row in rows] == [
        (first, "Renamed", "10001"),
        (second, "Customer 1", "99999"),
    ]


def test_open_invoices_leave_out_paid_ones_and_mark_open_disputes(session: Session) -> None:
    account_id = _accounts(session, 1)["A-00000"]
    disputed = _invoice(session, account_id, "INV-1", date(2026, 1, 31), "100.00")
    _invoice(session, account_id, "INV-2", date(2026, 2, 28), "40.00")
    _invoice(session, account_id, "INV-3", date(2026, 3, 31), "0.00")
    with session.begin():
        session.add(
            Dispute(
                reference="D-1",
                account_id=account_id,
                invoice_id=disputed,
                reason="damaged",
                status="open",
                created_at=NOW,
            )
        )
    with session.begin():
        found = ledger.open_invoices(session, [account_id])
    assert sorted((i.invoice_number, i.open_amount, i.disputed) for i in found[account_id]) == [
        ("INV-1", Decimal("100.00"), True),
        ("INV-2", Decimal("40.00"), False),
    ]


def test_totals_are_empty_for_invoices_without_payments(session: Session) -> None:
    account_id = _accounts(session, 1)["A-00000"]
    invoice_id = _invoice(session, account_id, "INV-1", date(2026, 1, 31), "100.00")
    with session.begin():
        assert ledger.applied_totals(session, [invoice_id]) == {}
        assert ledger.credit_totals(session, [invoice_id]) == {}
