"""Write-offs with a second approver, on 2026-12-07 (SPEC §12).

| invoice | account | due        | open   | why it is or is not a candidate              |
|---------|---------|------------|--------|----------------------------------------------|
| W-1     | W       | 2026-05-01 | 300.00 | 220 days past due, nothing else: candidate   |
| W-2     | W       | 2026-07-01 | 100.00 | 159 days past due: not yet                   |
| X-1     | X       | 2026-04-01 | 600.00 | X paid 50.00 on 2026-10-01 (67 days ago)     |
| Y-1     | Y       | 2026-04-01 | 400.00 | disputed                                     |
| Z-1     | Z       | 2026-04-01 | 200.00 | Z has a pending promise                      |
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Account, AuditEvent, Credit, Dispute, Invoice, Payment, Promise, User
from bot.errors import Conflict, InputError
from bot.repositories.reports import aging_buckets
from bot.services.credit import write_offs

NOW = datetime(2026, 12, 7, 15, tzinfo=timezone.utc)
INVOICES = (
    ("W-1", "W", date(2026, 5, 1), "300.00"),
    ("W-2", "W", date(2026, 7, 1), "100.00"),
    ("X-1", "X", date(2026, 4, 1), "600.00"),
    ("Y-1", "Y", date(2026, 4, 1), "400.00"),
    ("Z-1", "Z", date(2026, 4, 1), "200.00"),
)


def seed(session: Session) -> None:
    with session.begin():
        ids: dict[str, int] = {}
        for number in "WXYZ":
            account = Account(
                account_number=number, name=number, postal_code="1", created_at=NOW, updated_at=NOW
            )
            session.add(account)
            session.flush()
            ids[number] = account.id
        for number, owner, due, amount in INVOICES:
            invoice = Invoice(
                invoice_number=number, account_id=ids[owner], issue_date=date(2026, 3, 1),
                due_date=due, amount=Decimal(amount), open_amount=Decimal(amount),
                created_at=NOW, updated_at=NOW,
            )  # fmt: skip
            session.add(invoice)
            session.flush()
            if number == "Y-1":
                session.add(
                    Dispute(
                        reference="D-9", account_id=ids["Y"], invoice_id=invoice.id,
                        reason="damaged", status="open", created_at=NOW,
                    )
                )  # fmt: skip
        session.add(
            Payment(
                payment_id="P-X", account_id=ids["X"], received_date=date(2026, 10, 1),
                amount=Decimal("50.00"), unapplied_amount=Decimal("50.00"), created_at=NOW,
            )
        )  # fmt: skip
        session.add(
            Promise(
                account_id=ids["Z"], amount=Decimal("200.00"), due_date=date(2026, 12, 20),
                status="pending", channel="sms", taken_by="bot",
                amount_collected=Decimal("0.00"), created_at=NOW,
            )
        )  # fmt: skip
    for email, role in (
        ("col@x.test", "collector"),
        ("m1@x.test", "manager"),
        ("m2@x.test", "manager"),
    ):
        with session.begin():  # no password: hashing one is slow and not what is tested
            session.add(User(email=email, password_hash="!", role=role, created_at=NOW))


def test_only_the_old_undisputed_quiet_unpromised_invoice_is_a_candidate(session: Session) -> None:
    seed(session)
    assert [c.invoice_number for c in write_offs.candidates(session, NOW)] == ["W-1"]


def test_an_approved_write_off_credits_the_invoice_today_and_ar_falls(session: Session) -> None:
    seed(session)
    proposed = write_offs.propose(session, "W-1", "col@x.test", NOW)
    assert (proposed.status, proposed.amount, proposed.proposed_by) == (
        "proposed", Decimal("300.00"), "col@x.test",
    )  # fmt: skip
    with session.begin():
        before = aging_buckets(session, date(2026, 12, 7))["120+"]
    approved = write_offs.approve(session, proposed.id, "m1@x.test", NOW)
    assert (approved.status, approved.decided_by) == ("approved", "m1@x.test")
    with session.begin():
        credit = session.scalars(select(Credit).where(Credit.reason == "write_off")).one()
        assert (credit.amount, credit.credit_date) == (Decimal("300.00"), date(2026, 12, 7))
        invoice = session.scalars(select(Invoice).where(Invoice.invoice_number == "W-1")).one()
        assert invoice.open_amount == Decimal("0.00")
        assert aging_buckets(session, date(2026, 12, 7))["120+"] == before - Decimal("300.00")
        assert aging_buckets(session, date(2026, 12, 6))["120+"] == before  # the past stays
        actions = session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity == "write_off")
            .order_by(AuditEvent.id)
        )
        assert list(actions) == ["write_off_proposed", "write_off_approved"]
    assert write_offs.candidates(session, NOW) == []


def test_the_manager_who_proposed_may_not_approve_or_reject(session: Session) -> None:
    seed(session)
    proposed = write_offs.propose(session, "W-1", "m1@x.test", NOW)
    with pytest.raises(Conflict, match="another manager must decide"):
        write_offs.approve(session, proposed.id, "m1@x.test", NOW)
    with pytest.raises(Conflict, match="another manager must decide"):
        write_offs.reject(session, proposed.id, "m1@x.test", NOW)
    assert write_offs.approve(session, proposed.id, "m2@x.test", NOW).status == "approved"


def test_a_collector_may_not_approve(session: Session) -> None:
    seed(session)
    proposed = write_offs.propose(session, "W-1", "m1@x.test", NOW)
    with pytest.raises(InputError, match="a collector may not"):
        write_offs.approve(session, proposed.id, "col@x.test", NOW)


@pytest.mark.parametrize("invoice", ["W-2", "X-1", "Y-1", "Z-1"])
def test_a_non_candidate_is_not_proposed(session: Session, invoice: str) -> None:
    seed(session)
    with pytest.raises(Conflict, match="not a write-off candidate"):
        write_offs.propose(session, invoice, "col@x.test", NOW)


def test_a_rejected_write_off_leaves_the_invoice_owed_and_is_decided_once(
    session: Session,
) -> None:
    seed(session)
    proposed = write_offs.propose(session, "W-1", "col@x.test", NOW)
    assert write_offs.reject(session, proposed.id, "m1@x.test", NOW).status == "rejected"
    with pytest.raises(Conflict, match="already rejected"):
        write_offs.approve(session, proposed.id, "m2@x.test", NOW)
    with session.begin():
        invoice = session.scalars(select(Invoice).where(Invoice.invoice_number == "W-1")).one()
        assert invoice.open_amount == Decimal("300.00")


def test_the_daily_review_proposes_every_candidate_once(session: Session) -> None:
    seed(session)
    assert write_offs.propose_candidates(session, NOW) == 1
    assert write_offs.propose_candidates(session, NOW) == 0
    (row,) = write_offs.write_offs(session)
    assert (row.invoice_number, row.proposed_by) == ("W-1", None)


def test_a_later_payment_on_a_written_off_invoice_is_a_recovery(session: Session) -> None:
    from bot.db.models import PaymentApplication
    from bot.imports.payments import NewPayment, record_payments
    from bot.imports.rows import PaymentRow

    seed(session)
    proposed = write_offs.propose(session, "W-1", "col@x.test", NOW)
    write_offs.approve(session, proposed.id, "m1@x.test", NOW)
    with session.begin():
        invoice = session.scalars(select(Invoice).where(Invoice.invoice_number == "W-1")).one()
        row = PaymentRow(1, "P-REC", "W", date(2026, 12, 9), Decimal("120.00"), "W-1", "check")
        record_payments(session, [NewPayment(row, invoice.account_id)], NOW)
        recovery = session.scalars(
            select(Credit).where(Credit.reason == "write_off_recovery")
        ).one()
        assert (recovery.amount, recovery.credit_date) == (Decimal("-120.00"), date(2026, 12, 9))
        applied = session.scalars(
            select(PaymentApplication.amount).where(PaymentApplication.invoice_id == invoice.id)
        ).one()
        assert applied == Decimal("120.00")
        session.refresh(invoice)
        assert invoice.open_amount == Decimal("0.00")
        assert session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "write_off_recovered")
        ).one()
        # as of the payment's day W-1 adds nothing: 300 − 300 written off + 120 back − 120 paid
        # (X-1 600 + Y-1 400 + Z-1 200 + W-2 100)
        assert aging_buckets(session, date(2026, 12, 9))["120+"] == Decimal("1300.00")


def test_the_credit_report_counts_the_proposals_waiting(session: Session) -> None:
    from bot.services.credit.report import credit_report

    seed(session)
    write_offs.propose(session, "W-1", "col@x.test", NOW)
    report = credit_report(session, date(2026, 12, 7), date(2026, 11, 8), date(2026, 12, 7))
    assert report.to_json()["write_offs"] == {"proposed": 1, "approved_amount": "0.00"}
