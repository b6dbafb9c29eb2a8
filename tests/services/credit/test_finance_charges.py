"""Finance charges for October 2026, posted on 2026-11-01 (SPEC §12).

| invoice | account         | due        | amount  | at the end of October        | charged |
|---------|-----------------|------------|---------|------------------------------|---------|
| B-1     | B (business)    | 2026-09-15 | 1000.00 | 1000.00 (paid 400 on Nov 1)  | yes     |
| B-2     | B               | 2026-09-20 |  500.00 | disputed                     | no      |
| B-3     | B               | 2026-10-01 |  300.00 | 30 days late: in the grace   | no      |
| B-4     | B               | 2026-08-01 |  200.00 | paid on Oct 15               | no      |
| C-1     | C (consumer)    | 2026-08-01 |  700.00 | consumers are off by default | no      |

At 1.5 % a month B owes 15.00: ``FC-B-202610``, issued 2026-11-01, due 2026-12-01.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import Account, AuditEvent, Credit, Dispute, Invoice, User
from bot.errors import InputError
from bot.imports.payments import NewPayment, record_payments
from bot.imports.rows import PaymentRow
from bot.policy.finance_charges import ChargeRules
from bot.services.credit.finance_charges import post_finance_charges, waive_finance_charge

NOW = datetime(2026, 11, 1, 12, tzinfo=timezone.utc)
RULES = ChargeRules(rate=Decimal("1.5"))
INVOICES = (
    ("B-1", "B", date(2026, 9, 15), "1000.00"),
    ("B-2", "B", date(2026, 9, 20), "500.00"),
    ("B-3", "B", date(2026, 10, 1), "300.00"),
    ("B-4", "B", date(2026, 8, 1), "200.00"),
    ("C-1", "C", date(2026, 8, 1), "700.00"),
)
PAYMENTS = (
    ("P-1", "B", date(2026, 11, 1), "400.00", "B-1"),
    ("P-2", "B", date(2026, 10, 15), "200.00", "B-4"),
)


def seed(session: Session) -> None:
    with session.begin():
        ids = {}
        for number, consumer in (("B", False), ("C", True)):
            account = Account(
                account_number=number, name=number, postal_code="10001", consumer=consumer,
                created_at=NOW, updated_at=NOW,
            )  # fmt: skip
            session.add(account)
            session.flush()
            ids[number] = account.id
        for number, owner, due, amount in INVOICES:
            invoice = Invoice(
                invoice_number=number, account_id=ids[owner], issue_date=date(2026, 7, 1),
                due_date=due, amount=Decimal(amount), open_amount=Decimal(amount),
                created_at=NOW, updated_at=NOW,
            )  # fmt: skip
            session.add(invoice)
            session.flush()
            if number == "B-2":
                session.add(
                    Dispute(
                        reference="D-1", account_id=ids[owner], invoice_id=invoice.id,
                        reason="damaged", status="open", created_at=NOW,
                    )
                )  # fmt: skip
        session.flush()
        rows = [
            NewPayment(PaymentRow(n, pid, acct, day, Decimal(amt), inv, "ach"), ids[acct])
            for n, (pid, acct, day, amt, inv) in enumerate(PAYMENTS)
        ]
        record_payments(session, rows, NOW)
    with session.begin():  # no password: hashing one is slow and not what is tested
        session.add(
            User(email="col@example.com", password_hash="!", role="collector", created_at=NOW)
        )


def charges(session: Session) -> dict[str, tuple[Decimal, date, date]]:
    query = select(Invoice).where(Invoice.invoice_number.startswith("FC-"))
    return {i.invoice_number: (i.amount, i.issue_date, i.due_date) for i in session.scalars(query)}


def test_a_month_is_charged_on_the_open_amount_past_the_grace_at_its_end(session: Session) -> None:
    seed(session)
    posted = post_finance_charges(session, 2026, 10, NOW, RULES)
    assert [(p.invoice_number, p.amount) for p in posted] == [("FC-B-202610", Decimal("15.00"))]
    with session.begin():
        assert charges(session) == {
            "FC-B-202610": (Decimal("15.00"), date(2026, 11, 1), date(2026, 12, 1))
        }
        audited = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "finance_charge_posted")
        ).one()
        assert json.loads(audited)["month"] == "2026-10"


def test_posting_a_month_again_posts_nothing(session: Session) -> None:
    seed(session)
    post_finance_charges(session, 2026, 10, NOW, RULES)
    assert post_finance_charges(session, 2026, 10, NOW, RULES) == []
    with session.begin():
        count = select(func.count()).where(Invoice.invoice_number.startswith("FC-"))
        assert session.execute(count).scalar_one() == 1


def test_posting_again_posts_only_the_accounts_still_missing_their_charge(
    session: Session,
) -> None:
    seed(session)
    post_finance_charges(session, 2026, 10, NOW, RULES)  # business only: B
    rules = ChargeRules(rate=Decimal("1.5"), consumers=True)
    posted = post_finance_charges(session, 2026, 10, NOW, rules)
    assert [(p.invoice_number, p.amount) for p in posted] == [("FC-C-202610", Decimal("10.50"))]
    with session.begin():
        audited = session.scalars(
            select(AuditEvent.entity_id)
            .where(AuditEvent.action == "finance_charge_posted")
            .order_by(AuditEvent.id)
        ).all()
        assert audited == ["FC-B-202610", "FC-C-202610"]
        assert set(charges(session)) == {"FC-B-202610", "FC-C-202610"}


def test_consumers_are_charged_only_when_enabled(session: Session) -> None:
    seed(session)
    rules = ChargeRules(rate=Decimal("1.5"), consumers=True)
    posted = post_finance_charges(session, 2026, 10, NOW, rules)
    assert {p.invoice_number: p.amount for p in posted} == {
        "FC-B-202610": Decimal("15.00"),
        "FC-C-202610": Decimal("10.50"),
    }


def test_with_the_rate_at_zero_nothing_is_charged(session: Session) -> None:
    seed(session)
    assert post_finance_charges(session, 2026, 10, NOW, ChargeRules()) == []


def test_a_collector_waives_a_charge_with_a_reason_as_an_audited_credit(session: Session) -> None:
    seed(session)
    post_finance_charges(session, 2026, 10, NOW, RULES)
    done = waive_finance_charge(session, "FC-B-202610", "goodwill", "col@example.com", NOW)
    assert (done.amount, done.open_amount) == (Decimal("15.00"), Decimal("0.00"))
    with session.begin():
        credit = session.scalars(
            select(Credit).where(Credit.reason == "finance_charge_waiver")
        ).one()
        assert credit.amount == Decimal("15.00")
        detail = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "finance_charge_waived")
        ).one()
        assert json.loads(detail)["reason"] == "goodwill"


@pytest.mark.parametrize(
    ("invoice", "reason", "named"),
    [("FC-B-202610", " ", "--reason"), ("B-1", "x", "not a finance")],
)
def test_a_waiver_needs_a_reason_and_a_finance_charge(
    session: Session, invoice: str, reason: str, named: str
) -> None:
    seed(session)
    post_finance_charges(session, 2026, 10, NOW, RULES)
    with pytest.raises(InputError, match=named):
        waive_finance_charge(session, invoice, reason, "col@example.com", NOW)


def test_the_balance_tells_the_finance_charges_apart(session: Session) -> None:
    from bot.policy.rules import Policy
    from bot.services.balances import balance_view

    seed(session)
    post_finance_charges(session, 2026, 10, NOW, RULES)
    view = balance_view(session, "B", NOW, Policy())
    assert view.finance_charges == Decimal("15.00")
    assert view.total == Decimal("1415.00")  # 600 + 500 + 300 + 15 (B-4 paid)
