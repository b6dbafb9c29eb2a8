"""One small account for the conversation use cases, on SQLite and PostgreSQL.

Account ``A-7`` (Chicago) has the phone ``+16175550101`` on file and, on 2026-11-22:

| invoice | due        | open   | state on NOW            |
|---------|------------|--------|-------------------------|
| I-1     | 2026-10-01 | 500.00 | 52 days late            |
| I-2     | 2026-11-10 | 300.00 | 12 days late            |
| I-3     | 2026-12-10 | 400.00 | not yet due             |

so the balance is 1,200.00, all collectible, 800.00 of it past due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from bot.db.models import Account, Contact, Invoice

NOW = datetime(2026, 11, 22, 15, tzinfo=timezone.utc)
TODAY = date(2026, 11, 22)
PHONE = "+16175550101"


@dataclass(frozen=True)
class Seeded:
    account_id: int
    invoice_ids: dict[str, int]


def add_invoice(
    session: Session, account_id: int, number: str, due: date, amount: str, open_amount: str
) -> Invoice:
    invoice = Invoice(
        invoice_number=number,
        account_id=account_id,
        issue_date=date(2026, 9, 1),
        due_date=due,
        amount=Decimal(amount),
        open_amount=Decimal(open_amount),
        created_at=NOW,
        updated_at=NOW,
    )
    session.add(invoice)
    session.flush()
    return invoice


@pytest.fixture
def seeded(session: Session) -> Seeded:
    with session.begin():
        account = Account(
            account_number="A-7",
            name="Ada Supply",
            postal_code="60614",
            timezone="America/Chicago",
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(account)
        session.flush()
        session.add(Contact(account_id=account.id, channel="sms", address=PHONE))
        rows = (
            ("I-1", date(2026, 10, 1), "500.00"),
            ("I-2", date(2026, 11, 10), "300.00"),
            ("I-3", date(2026, 12, 10), "400.00"),
        )
        ids = {n: add_invoice(session, account.id, n, due, a, a).id for n, due, a in rows}
        return Seeded(account.id, ids)
