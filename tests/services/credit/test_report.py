"""``credit_report`` against a portfolio computed by hand (SPEC §12).

As of 2026-12-07, period 2026-11-08 .. 2026-12-07, default rates:

| invoice        | issued     | due        | open    | bucket  | rate | allowance |
|----------------|------------|------------|---------|---------|------|-----------|
| R-1            | 2026-11-10 | 2026-12-10 | 1000.00 | current | 1 %  |           |
| FC-R-202611    | 2026-12-01 | 2026-12-31 |   10.00 | current | 1 %  | 10.10     |
| R-2            | 2026-10-21 | 2026-11-20 |  500.00 | 1-30    | 3 %  | 15.00     |
| R-3            | 2026-09-20 | 2026-10-20 |  250.50 | 31-60   | 10 % | 25.05     |
| R-4            | 2026-07-21 | 2026-08-20 |  100.00 | 91-120  | 50 % | 50.00     |
| R-5            | 2026-05-01 | 2026-06-01 |   33.33 | 120+    | 90 % | 30.00     |
| R-6 written off| 2026-01-01 | 2026-02-01 |    0.00 |         |      |           |

The finance charge is 12.00 with 2.00 waived; R-6's 80.00 was written off on 2026-12-01;
credit sales of the period are R-1's 1000.00 (a finance charge is not a sale): bad debt
80 / 1000 = 0.08. The account's limit is 500.00: one hold.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from bot.db.models import Account, Credit, Invoice
from bot.errors import InputError
from bot.services.credit.holds import reconcile_holds
from bot.services.credit.report import credit_report

NOW = datetime(2026, 12, 7, 12, tzinfo=timezone.utc)
AS_OF = date(2026, 12, 7)
START = date(2026, 11, 8)
INVOICES = (
    ("R-1", date(2026, 11, 10), date(2026, 12, 10), "1000.00"),
    ("FC-R-202611", date(2026, 12, 1), date(2026, 12, 31), "12.00"),
    ("R-2", date(2026, 10, 21), date(2026, 11, 20), "500.00"),
    ("R-3", date(2026, 9, 20), date(2026, 10, 20), "250.50"),
    ("R-4", date(2026, 7, 21), date(2026, 8, 20), "100.00"),
    ("R-5", date(2026, 5, 1), date(2026, 6, 1), "33.33"),
    ("R-6", date(2026, 1, 1), date(2026, 2, 1), "80.00"),
)
CREDITS = {"FC-R-202611": ("2.00", "finance_charge_waiver"), "R-6": ("80.00", "write_off")}


def seed(session: Session) -> None:
    with session.begin():
        account = Account(
            account_number="R", name="Report Ltd", postal_code="10001",
            credit_limit=Decimal("500.00"), created_at=NOW, updated_at=NOW,
        )  # fmt: skip
        session.add(account)
        session.flush()
        for number, issued, due, amount in INVOICES:
            credit = CREDITS.get(number)
            invoice = Invoice(
                invoice_number=number, account_id=account.id, issue_date=issued, due_date=due,
                amount=Decimal(amount),
                open_amount=Decimal(amount) - Decimal(credit[0] if credit else "0"),
                created_at=NOW, updated_at=NOW,
            )  # fmt: skip
            session.add(invoice)
            session.flush()
            if credit:
                day = date(2026, 12, 2) if number.startswith("FC-") else date(2026, 12, 1)
                session.add(
                    Credit(
                        invoice_id=invoice.id, amount=Decimal(credit[0]), credit_date=day,
                        reason=credit[1], created_at=NOW,
                    )
                )  # fmt: skip
        session.flush()
        reconcile_holds(session, None, NOW, "system", "seed")


def test_the_credit_report_matches_the_hand_computed_portfolio(session: Session) -> None:
    seed(session)
    assert credit_report(session, AS_OF, START, AS_OF).to_json() == {
        "as_of": "2026-12-07",
        "from": "2026-11-08",
        "to": "2026-12-07",
        "holds": 1,
        "allowance": {
            "buckets": {
                "current": "10.10",
                "1-30": "15.00",
                "31-60": "25.05",
                "61-90": "0.00",
                "91-120": "50.00",
                "120+": "30.00",
            },  # fmt: skip
            "total": "130.15",
        },
        "write_offs": {"proposed": 0, "approved_amount": "80.00"},
        "finance_charges": {"posted_amount": "12.00", "waived_amount": "2.00"},
        "bad_debt_ratio": 0.08,
    }


def test_other_rates_change_only_the_allowance(session: Session) -> None:
    seed(session)
    rates = {name: Decimal("10") for name in ("current", "1-30", "31-60", "61-90", "91-120")}
    report = credit_report(session, AS_OF, START, AS_OF, rates | {"120+": Decimal("100")})
    assert report.allowance_total == Decimal("219.38")  # 10 % of 1860.50, all of 33.33


def test_before_the_hold_started_no_account_was_on_hold(session: Session) -> None:
    seed(session)
    assert credit_report(session, date(2026, 12, 6), START, AS_OF).holds == 0


def test_a_period_without_sales_has_no_bad_debt_ratio(session: Session) -> None:
    seed(session)
    report = credit_report(session, AS_OF, date(2026, 12, 2), AS_OF)
    assert report.to_json()["bad_debt_ratio"] is None


def test_a_period_ending_before_it_starts_is_refused(session: Session) -> None:
    seed(session)
    with pytest.raises(InputError, match="--to"):
        credit_report(session, AS_OF, AS_OF, START)
