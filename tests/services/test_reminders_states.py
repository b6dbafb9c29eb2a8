"""The reminder states loader: what it reads, in pages that cost a fixed number of queries.

On SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Credit, Invoice, Payment, PaymentApplication
from bot.policy.reminders import AccountState
from bot.repositories.reminder_states import states
from tests.services.reminder_portfolio import (
    NOW,
    add_account,
    add_escalation,
    add_plan,
    add_promise,
    add_sent_attempt,
    days,
)


def load(
    sessions: sessionmaker[Session], after_id: int = 0, limit: int = 100
) -> list[AccountState]:
    with sessions() as session, session.begin():
        return states(session, after_id=after_id, limit=limit, now=NOW, default_zone=None)


def pay(sessions: sessionmaker[Session], account_id: int, invoice: str, amount: str) -> None:
    with sessions() as session, session.begin():
        invoice_id = session.scalar(select(Invoice.id).where(Invoice.invoice_number == invoice))
        assert invoice_id is not None
        payment = Payment(
            payment_id=f"P-{invoice}-{amount}",
            account_id=account_id,
            received_date=days(-1),
            amount=Decimal(amount),
            unapplied_amount=Decimal("0.00"),
            created_at=NOW,
        )
        session.add(payment)
        session.flush()
        session.add(
            PaymentApplication(payment_id=payment.id, invoice_id=invoice_id, amount=payment.amount)
        )


def credit(sessions: sessionmaker[Session], invoice: str, amount: str) -> None:
    with sessions() as session, session.begin():
        invoice_id = session.scalar(select(Invoice.id).where(Invoice.invoice_number == invoice))
        assert invoice_id is not None
        session.add(
            Credit(
                invoice_id=invoice_id,
                amount=Decimal(amount),
                credit_date=days(-1),
                reason="dispute_upheld",
                created_at=NOW,
            )
        )


def test_open_amounts_are_the_amount_less_payments_and_credits(
    sessions: sessionmaker[Session],
) -> None:
    account = add_account(sessions, "R-1", [("I-1", -9, "500.00"), ("I-2", -2, "80.10")])
    pay(sessions, account, "I-1", "200.00")
    credit(sessions, "I-1", "49.90")
    pay(sessions, account, "I-2", "80.10")

    (state,) = load(sessions)

    assert [(i.number, i.open_amount) for i in state.invoices] == [("I-1", Decimal("250.10"))]


def test_only_accounts_with_something_open_get_a_state(sessions: sessionmaker[Session]) -> None:
    paid_up = add_account(sessions, "R-1", [("I-1", -9, "100.00")])
    pay(sessions, paid_up, "I-1", "100.00")
    promised = add_account(sessions, "R-2")
    add_promise(sessions, promised, "50.00", due=3)
    planned = add_account(sessions, "R-3")
    add_plan(sessions, planned, [(5, "40.00")])
    add_account(sessions, "R-4")

    assert [s.account_number for s in load(sessions)] == ["R-2", "R-3"]


def test_a_state_carries_the_account_facts(sessions: sessionmaker[Session]) -> None:
    account = add_account(sessions, "R-1", [("I-1", -9, "100.00")], telegram="777")
    add_escalation(sessions, account, "dispute")
    add_sent_attempt(sessions, account, "I-1:+7", NOW - timedelta(days=2))
    add_sent_attempt(sessions, account, "I-1:-3", NOW - timedelta(days=19))
    add_plan(sessions, account, [(5, "40.00"), (35, "60.00")])

    (state,) = load(sessions)

    assert state.zone == ZoneInfo("America/Chicago")
    assert (state.reach.telegram, state.reach.sms_consent) == ("777", True)
    assert (state.open_escalation, state.escalation_reasons) == (True, frozenset({"dispute"}))
    assert state.recent_sends == (NOW - timedelta(days=2),)
    assert state.sent_targets == {("dunning", "I-1:+7"), ("dunning", "I-1:-3")}
    assert (state.plan_active, state.plan_in_good_standing) == (True, True)
    assert [i.amount for i in state.installments] == [Decimal("40.00"), Decimal("60.00")]


def test_keyset_pages_cover_every_account_once(sessions: sessionmaker[Session]) -> None:
    for n in range(7):
        add_account(sessions, f"R-{n}", [(f"I-{n}", -1, "10.00")])

    seen: list[str] = []
    after_id = 0
    while page := load(sessions, after_id, limit=3):
        seen.extend(s.account_number for s in page)
        after_id = page[-1].account_id

    assert seen == [f"R-{n}" for n in range(7)]


def test_a_page_costs_the_same_queries_whatever_its_size(
    sessions: sessionmaker[Session], engine: Engine
) -> None:
    for n in range(40):
        account = add_account(sessions, f"R-{n}", [(f"I-{n}", -n, "10.00"), (f"J-{n}", 3, "5")])
        add_promise(sessions, account, "5.00", due=2)
        add_sent_attempt(sessions, account, f"I-{n}:+1", NOW - timedelta(days=1))
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        small = len(load(sessions, limit=2)), len(statements)
        statements.clear()
        large = len(load(sessions, limit=40)), len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)

    assert small[0] == 2
    assert large[0] == 40
    assert small[1] == large[1] == 11  # the page, 8 queries of facts, a savepoint and its release
