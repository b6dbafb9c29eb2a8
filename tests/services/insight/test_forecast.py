"""The forecast's committed part (SPEC §13) on a small case computed by hand.

As of 2026-12-07 (week 1 = 12-07 .. 12-13, week 2 = 12-14 .. 12-20, week 13 ends 2027-03-07).
Promises due in the 180 days before: 3 kept, 1 broken (and one cancelled, which does not
count): kept rate 0.75. Installments due then: 1 paid, 1 missed: paid rate 0.5.

Ahead: a pending promise of 200.00 due 12-08 (week 1), one of 100.00 due 12-20 (week 2),
one due 2027-03-08 (week 14: outside), a cancelled one due 12-09 (not pending); an active
plan's installment of 300.00 due 12-15 (week 2); a plan awaiting approval's due 12-16 (not
active).

committed: week 1 = 200 × 0.75 = 150.00; week 2 = 100 × 0.75 + 300 × 0.5 = 225.00; the rest 0.
With no history both rates are 0.5: week 1 = 100.00, week 2 = 200.00.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import (
    Account,
    Installment,
    Invoice,
    Payment,
    PaymentApplication,
    PaymentPlan,
    Promise,
)
from bot.services.insight.forecast import forecast_report

NOW = datetime(2026, 12, 7, 12, tzinfo=timezone.utc)
AS_OF = date(2026, 12, 7)


def _promise(session: Session, account_id: int, due: date, amount: str, status: str) -> None:
    session.add(
        Promise(
            account_id=account_id,
            amount=Decimal(amount),
            due_date=due,
            status=status,
            channel="sms",
            taken_by="bot",
            amount_collected=Decimal(0),
            created_at=NOW,
        )
    )


def _plan(
    session: Session, account_id: int, status: str, installments: list[tuple[date, str, str]]
) -> None:
    plan = PaymentPlan(
        account_id=account_id,
        status=status,
        total=Decimal("1000.00"),
        down_payment=Decimal(0),
        channel="sms",
        taken_by="bot",
        created_at=NOW,
    )
    session.add(plan)
    session.flush()
    for sequence, (due, amount, state) in enumerate(installments, start=1):
        session.add(
            Installment(
                plan_id=plan.id,
                sequence=sequence,
                due_date=due,
                amount=Decimal(amount),
                status=state,
            )
        )


def _account(session: Session) -> int:
    account = Account(
        account_number="F-1", name="Forecast", postal_code="10001", created_at=NOW, updated_at=NOW
    )
    session.add(account)
    session.flush()
    return account.id


def seed_commitments(session: Session, *, history: bool) -> None:
    with session.begin():
        account = _account(session)
        if history:
            for due, status in (
                (date(2026, 7, 1), "kept"),
                (date(2026, 9, 1), "kept"),
                (date(2026, 11, 1), "kept"),
                (date(2026, 12, 6), "broken"),
                (date(2026, 10, 1), "cancelled"),
                (date(2026, 6, 1), "broken"),
            ):
                _promise(session, account, due, "10.00", status)  # 06-01 is 189 days before
            _plan(
                session,
                account,
                "completed",
                [(date(2026, 10, 1), "50.00", "paid"), (date(2026, 11, 1), "50.00", "missed")],
            )
        _promise(session, account, date(2026, 12, 8), "200.00", "pending")
        _promise(session, account, date(2026, 12, 20), "100.00", "pending")
        _promise(session, account, date(2027, 3, 8), "999.00", "pending")
        _promise(session, account, date(2026, 12, 9), "999.00", "cancelled")
        _plan(session, account, "active", [(date(2026, 12, 15), "300.00", "scheduled")])
        _plan(session, account, "pending_approval", [(date(2026, 12, 16), "999.00", "scheduled")])


def test_the_committed_part_matches_the_hand_computed_case(session: Session) -> None:
    seed_commitments(session, history=True)
    doc = forecast_report(session, AS_OF).to_json()
    assert doc["as_of"] == "2026-12-07"
    assert [w["start"] for w in doc["weeks"][:3]] == ["2026-12-07", "2026-12-14", "2026-12-21"]
    assert len(doc["weeks"]) == 13
    assert [w["committed"] for w in doc["weeks"]] == ["150.00", "225.00"] + ["0.00"] * 11


def test_without_history_both_rates_are_one_half(session: Session) -> None:
    seed_commitments(session, history=False)
    committed = [w["committed"] for w in forecast_report(session, AS_OF).to_json()["weeks"]]
    assert committed[:3] == ["100.00", "200.00", "0.00"]


def test_expected_adds_the_open_ar_at_the_rate_its_age_was_collected(session: Session) -> None:
    """One account pays every invoice two weeks after its due date (all due on Mondays, as
    D is); it owes one such invoice due 11-30: the model expects it in the week it turns
    two weeks late (12-14 .. 12-20), and nothing else."""
    seed_steady_payer(session)
    weeks = forecast_report(session, AS_OF).to_json()["weeks"]
    expected = [Decimal(w["expected"]) for w in weeks]
    assert [w["committed"] for w in weeks] == ["0.00"] * 13
    assert expected[1] == Decimal("400.00")
    assert sum(expected) == Decimal("400.00")


def seed_steady_payer(session: Session) -> None:
    with session.begin():
        account = _account(session)
        for weeks_before in range(3, 20):
            due = AS_OF - timedelta(days=7 * weeks_before)
            number = f"S-{weeks_before}"
            _invoice(session, account, number, due, "100.00")
            _pay(session, account, number, due + timedelta(days=14), "100.00")
        _invoice(session, account, "S-OPEN", AS_OF - timedelta(days=7), "400.00")


def _invoice(session: Session, account_id: int, number: str, due: date, amount: str) -> None:
    session.add(
        Invoice(
            invoice_number=number,
            account_id=account_id,
            issue_date=due - timedelta(days=30),
            due_date=due,
            amount=Decimal(amount),
            open_amount=Decimal(amount),
            created_at=NOW,
            updated_at=NOW,
        )
    )
    session.flush()


def _pay(session: Session, account_id: int, number: str, day: date, amount: str) -> None:
    invoice = session.scalars(select(Invoice).where(Invoice.invoice_number == number)).one()
    payment = Payment(
        payment_id=f"P-{number}",
        account_id=account_id,
        received_date=day,
        amount=Decimal(amount),
        unapplied_amount=Decimal(0),
        created_at=NOW,
    )
    session.add(payment)
    session.flush()
    session.add(
        PaymentApplication(payment_id=payment.id, invoice_id=invoice.id, amount=Decimal(amount))
    )
    invoice.open_amount -= Decimal(amount)
