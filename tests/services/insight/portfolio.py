"""A hand-computed portfolio for the roll and cure rates (SPEC §13), on SQLite and PostgreSQL.

November 2026 (end of M − 1 = 2026-10-31, end of M = 2026-11-30):

| inv. | issued | due   | amount  | 10-31      | 11-30                 | what happens        |
|------|--------|-------|---------|------------|-----------------------|---------------------|
| A-1  | 10-01  | 10-31 | 1000.00 | 0 current  | 600.00 30 1-30 rolled | 400.00 paid 11-15   |
| A-2  | 10-20  | 12-19 |  500.00 | −49 current| 500.00 −19 current    |                     |
| B-1  | 09-01  | 10-01 |  300.00 | 30 1-30    | 300.00 60 31-60 rolled| paid in full 12-05  |
| B-2  | 07-20  | 08-19 |  150.00 | 73 61-90   | 100.00 103 91-120 roll| 50.00 written off   |
| C-1  | 08-15  | 09-14 |  200.00 | 47 31-60   | 0.00: C is cured      | paid in full 11-10  |
| D-1  | 07-01  | 07-31 |  800.00 | 92 91-120  | 800.00 122 120+ rolled| disputed: still AR  |
| E-1  | 11-05  | 11-20 |  100.00 | not issued | 100.00 10 1-30        | issued in M: no roll|

(on each month end: days past due and bucket; on 11-30 the open amount first; B-2's 50.00
is written off on 11-20.) All dates 2026; invoice X-n belongs to account X.

Roll rates for 2026-11: current 600 / 1500 = 0.40; 1-30 300 / 300 = 1.00; 31-60 0 / 200 =
0.00; 61-90 100 / 150 = 0.67; 91-120 800 / 800 = 1.00. Past due on 10-31: B, C, D (A-1 is
due that day); on 11-30 C owes nothing: cure rate 1 / 3 = 0.33.

December 2026 (11-30 → 12-31): current A-2 500 → 1-30 (dpd 12): 1.00; 1-30 A-1 600 + E-1
100 → 61-90 and 31-60: 1.00; 31-60 B-1 300, paid on 12-05: 0.00; 61-90 nothing: null;
91-120 B-2 100 → 120+: 1.00. Past due on 11-30: A, B, D, E; all still are on 12-31: 0.00.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.db.models import Account, Credit, Dispute, Invoice, Payment, PaymentApplication

NOW = datetime(2026, 12, 7, 12, tzinfo=timezone.utc)
INVOICES = (
    ("A-1", "A", date(2026, 10, 1), date(2026, 10, 31), "1000.00"),
    ("A-2", "A", date(2026, 10, 20), date(2026, 12, 19), "500.00"),
    ("B-1", "B", date(2026, 9, 1), date(2026, 10, 1), "300.00"),
    ("B-2", "B", date(2026, 7, 20), date(2026, 8, 19), "150.00"),
    ("C-1", "C", date(2026, 8, 15), date(2026, 9, 14), "200.00"),
    ("D-1", "D", date(2026, 7, 1), date(2026, 7, 31), "800.00"),
    ("E-1", "E", date(2026, 11, 5), date(2026, 11, 20), "100.00"),
)
#: (invoice, received, amount)
PAYMENTS = (
    ("A-1", date(2026, 11, 15), "400.00"),
    ("B-1", date(2026, 12, 5), "300.00"),
    ("C-1", date(2026, 11, 10), "200.00"),
)


def seed(session: Session) -> dict[str, int]:
    """Adds the portfolio; returns invoice ids by number."""
    with session.begin():
        accounts: dict[str, int] = {}
        for number in "ABCDE":
            account = Account(
                account_number=f"R{number}",
                name=f"Roll {number}",
                postal_code="10001",
                created_at=NOW,
                updated_at=NOW,
            )
            session.add(account)
            session.flush()
            accounts[number] = account.id
        ids: dict[str, int] = {}
        for number, owner, issued, due, amount in INVOICES:
            invoice = Invoice(
                invoice_number=number,
                account_id=accounts[owner],
                issue_date=issued,
                due_date=due,
                amount=Decimal(amount),
                open_amount=Decimal(amount),
                created_at=NOW,
                updated_at=NOW,
            )
            session.add(invoice)
            session.flush()
            ids[number] = invoice.id
        for index, (number, received, amount) in enumerate(PAYMENTS):
            invoice = session.get(Invoice, ids[number])
            assert invoice is not None
            payment = Payment(
                payment_id=f"P-{index}",
                account_id=invoice.account_id,
                received_date=received,
                amount=Decimal(amount),
                invoice_number=number,
                unapplied_amount=Decimal(0),
                created_at=NOW,
            )
            session.add(payment)
            session.flush()
            session.add(
                PaymentApplication(
                    payment_id=payment.id, invoice_id=invoice.id, amount=Decimal(amount)
                )
            )
            invoice.open_amount -= Decimal(amount)
        session.add(
            Credit(
                invoice_id=ids["B-2"],
                amount=Decimal("50.00"),
                credit_date=date(2026, 11, 20),
                reason="write_off",
                created_at=NOW,
            )
        )
        session.add(
            Dispute(
                reference="D-REF-1",
                account_id=accounts["D"],
                invoice_id=ids["D-1"],
                reason="damaged",
                status="open",
                created_at=NOW,
            )
        )
    return ids
