"""Report aggregates on hand-built ledgers, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import (
    Account,
    Conversation,
    Credit,
    Invoice,
    Payment,
    PaymentApplication,
    Promise,
)
from bot.services.reports import aging_report, kpi_report, ptp_report

NOW = datetime(2026, 11, 22, 15, tzinfo=timezone.utc)
AS_OF = date(2026, 11, 22)


def _ledger(session: Session) -> None:
    """Invoices due on each bucket edge, a payment after AS_OF and a credit."""
    with session.begin():
        account = Account(
            account_number="A-1", name="Ada", postal_code="10001", created_at=NOW, updated_at=NOW
        )
        session.add(account)
        session.flush()
        dues = {
            "e0": 0,
            "e1": 1,
            "e30": 30,
            "e31": 31,
            "e60": 60,
            "e61": 61,
            "e90": 90,
            "e91": 91,
            "e120": 120,
            "e121": 121,
        }
        invoices = {}
        for number, days in dues.items():
            due = AS_OF - timedelta(days=days)
            invoices[number] = Invoice(
                invoice_number=number,
                account_id=account.id,
                issue_date=due - timedelta(days=30),
                due_date=due,
                amount=Decimal("100.00"),
                open_amount=Decimal("100.00"),
                created_at=NOW,
                updated_at=NOW,
            )
        invoices["future"] = Invoice(
            invoice_number="future",
            account_id=account.id,
            issue_date=AS_OF + timedelta(days=1),
            due_date=AS_OF + timedelta(days=31),
            amount=Decimal("999.00"),
            open_amount=Decimal("999.00"),
            created_at=NOW,
            updated_at=NOW,
        )
        session.add_all(invoices.values())
        session.flush()
        for number, received, amount in (
            ("e1", AS_OF, "40.00"),
            ("e31", AS_OF + timedelta(days=1), "100.00"),
        ):
            payment = Payment(
                payment_id=f"P-{number}",
                account_id=account.id,
                received_date=received,
                amount=Decimal(amount),
                unapplied_amount=Decimal("0.00"),
                created_at=NOW,
            )
            session.add(payment)
            session.flush()
            session.add(
                PaymentApplication(
                    payment_id=payment.id, invoice_id=invoices[number].id, amount=Decimal(amount)
                )
            )
        session.add(
            Credit(
                invoice_id=invoices["e121"].id,
                amount=Decimal("25.50"),
                credit_date=AS_OF,
                reason="dispute_upheld",
                created_at=NOW,
            )
        )


def test_aging_puts_each_edge_in_its_bucket_and_counts_only_what_was_known_on_the_day(
    session: Session,
) -> None:
    _ledger(session)
    report = aging_report(session, AS_OF).to_json()
    assert report["buckets"] == {
        "current": "100.00",  # due today is not past due
        "1-30": "160.00",  # e1 less the 40.00 received on the day, e30
        "31-60": "200.00",  # e31's payment arrived the next day
        "61-90": "200.00",
        "91-120": "200.00",
        "120+": "74.50",  # credit dated on the day
    }
    assert report["total"] == "934.50"


def test_kpis_are_null_when_their_denominator_is_zero(session: Session) -> None:
    _ledger(session)
    # every invoice was issued at least 30 days before AS_OF: no credit sales in 30 days
    kpis = kpi_report(session, AS_OF - timedelta(days=29), AS_OF).to_json()
    assert kpis["dso"] is None
    assert kpis["best_possible_dso"] is None
    assert kpis["add"] is None
    assert kpis["ptp_kept_rate"] is None
    assert kpis["bot_containment"] is None


def test_dso_best_dso_add_and_cei_follow_the_spec_formulas(session: Session) -> None:
    _ledger(session)
    start, end = AS_OF - timedelta(days=60), AS_OF  # N = 61 days
    kpis = kpi_report(session, start, end).to_json()
    sales = Decimal("300.00")  # e0, e1 and e30 were issued in the period (issue = due − 30)
    ar_end, current_end = Decimal("934.50"), Decimal("100.00")
    ar_before = Decimal("700.00")  # e31 … e121 were issued before it; nothing paid by then
    assert kpis["dso"] == float(round(ar_end / sales * 61, 2))
    assert kpis["best_possible_dso"] == float(round(current_end / sales * 61, 2))
    assert kpis["add"] == float(round((ar_end - current_end) / sales * 61, 2))
    cei = (ar_before + sales - ar_end) / (ar_before + sales - current_end) * 100
    assert kpis["cei"] == float(round(cei, 2))


def test_ptp_and_containment_count_what_falls_in_the_period(session: Session) -> None:
    _ledger(session)
    with session.begin():
        account_id = session.scalar(select(Account.id))
        for due, status, taker in (
            (AS_OF - timedelta(days=5), "kept", "bot"),
            (AS_OF - timedelta(days=6), "broken", "collector"),
            (AS_OF - timedelta(days=7), "broken", "bot"),
            (AS_OF - timedelta(days=90), "kept", "bot"),
        ):
            session.add(
                Promise(
                    account_id=account_id,
                    amount=Decimal("50.00"),
                    due_date=due,
                    status=status,
                    channel="sms",
                    taken_by=taker,
                    amount_collected=Decimal("50.00") if status == "kept" else Decimal("0.00"),
                    created_at=NOW - timedelta(days=100),
                )
            )
        for n, escalated in enumerate((False, False, False, True)):
            started = NOW - timedelta(days=n)
            session.add(
                Conversation(
                    channel="sms",
                    sender="+15550001",
                    account_id=account_id,
                    started_at=started,
                    last_message_at=started,
                    escalated=escalated,
                )
            )
    start = AS_OF - timedelta(days=29)
    kpis = kpi_report(session, start, AS_OF).to_json()
    assert (kpis["promises_kept"], kpis["promises_broken"]) == (1, 2)
    assert kpis["ptp_kept_rate"] == 0.33
    assert kpis["bot_containment"] == 0.75
    ptp = ptp_report(session, start, AS_OF).to_json()
    assert ptp["summary"]["by_taker"]["bot"]["kept"] == 1
    assert ptp["summary"]["by_taker"]["collector"]["broken"] == 1
    assert ptp["summary"]["promised_amount"] == "150.00"
    assert ptp["summary"]["collected_amount"] == "50.00"
