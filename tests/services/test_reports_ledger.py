"""Aging and KPIs on random ledgers equal a replay of the ledger in Python, in one SELECT each.

The reports sum signed flows in SQL (``bot.repositories.reports``); here every invoice's
open amount on a day is recomputed from its rows — amount, less what was received and
credited by then — and fed to the pure ``age`` and ``compute_kpis``. The ledgers have the
awkward cases: payments after the day asked about, after the period or before the invoice
was issued, one payment over several invoices, credits before and after the day, invoices
issued after it, and ``open_amount`` columns that disagree with the rows (the reports
must not read them).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import event, select
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
from bot.policy.aging import age
from bot.policy.kpis import KpiInputs, compute_kpis
from bot.services.reports import aging_report, kpi_report

AS_OF = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 15, tzinfo=timezone.utc)


@dataclass
class Replay:
    """The ledger as plain rows, for the Python replay."""

    invoices: dict[int, tuple[date, date, Decimal]] = field(default_factory=dict)
    #: (invoice id, day received or credited, amount)
    movements: list[tuple[int, date, Decimal]] = field(default_factory=list)

    def open_on(self, day: date) -> list[tuple[date, Decimal]]:
        """(due date, open amount as of ``day``) of each invoice issued by then."""
        taken: dict[int, Decimal] = {}
        for invoice_id, when, amount in self.movements:
            if when <= day:
                taken[invoice_id] = taken.get(invoice_id, Decimal(0)) + amount
        return [
            (due, amount - taken.get(invoice_id, Decimal(0)))
            for invoice_id, (issued, due, amount) in self.invoices.items()
            if issued <= day
        ]

    def kpi_inputs(self, start: date, end: date, kept: int, broken: int) -> KpiInputs:
        ar_end = self.open_on(end)
        return KpiInputs(
            period_start=start,
            period_end=end,
            ar_before=sum((a for _, a in self.open_on(start - timedelta(days=1))), Decimal(0)),
            ar_end=sum((a for _, a in ar_end), Decimal(0)),
            current_ar_end=sum((a for due, a in ar_end if due >= end), Decimal(0)),
            credit_sales=sum(
                (a for issued, _, a in self.invoices.values() if start <= issued <= end),
                Decimal(0),
            ),
            promises_kept=kept,
            promises_broken=broken,
            conversations=0,
            conversations_contained=0,
        )


def _cents(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low, high)) / 100


def _ledger(session: Session, seed: int) -> Replay:
    """Forty invoices over 200 days with payments, shared payments and credits."""
    rng = random.Random(seed)
    replay = Replay()
    with session.begin():
        account = Account(
            account_number="L-1", name="Lee", postal_code="10001", created_at=NOW, updated_at=NOW
        )
        session.add(account)
        session.flush()
        invoices = []
        for n in range(40):
            issued = AS_OF + timedelta(days=rng.randint(-200, 10))
            invoice = Invoice(
                invoice_number=f"L-{n}",
                account_id=account.id,
                issue_date=issued,
                due_date=issued + timedelta(days=rng.choice((0, 15, 30, 60))),
                amount=_cents(rng, 1_000, 90_000),
                open_amount=_cents(rng, 0, 90_000),  # deliberately unrelated to the rows
                created_at=NOW,
                updated_at=NOW,
            )
            invoices.append(invoice)
        session.add_all(invoices)
        session.flush()
        for invoice in invoices:
            replay.invoices[invoice.id] = (invoice.issue_date, invoice.due_date, invoice.amount)
        for n in range(30):
            _payment(
                session, rng, account.id, n, rng.sample(invoices, rng.choice((1, 1, 2))), replay
            )
        for invoice in rng.sample(invoices, 6):
            day = invoice.issue_date + timedelta(days=rng.randint(-5, 120))
            amount = _cents(rng, 100, 20_000)
            session.add(
                Credit(
                    invoice_id=invoice.id,
                    amount=amount,
                    credit_date=day,
                    reason="adjustment",
                    created_at=NOW,
                )
            )
            replay.movements.append((invoice.id, day, amount))
    return replay


def _payment(
    session: Session,
    rng: random.Random,
    account_id: int,
    n: int,
    invoices: list[Invoice],
    replay: Replay,
) -> None:
    """One payment applied to ``invoices``; some come before an invoice's issue day."""
    received = min(i.issue_date for i in invoices) + timedelta(days=rng.randint(-3, 150))
    parts = [_cents(rng, 500, 40_000) for _ in invoices]
    payment = Payment(
        payment_id=f"LP-{n}",
        account_id=account_id,
        received_date=received,
        amount=sum(parts, Decimal(0)),
        unapplied_amount=Decimal("0.00"),
        created_at=NOW,
    )
    session.add(payment)
    session.flush()
    for invoice, part in zip(invoices, parts, strict=True):
        session.add(PaymentApplication(payment_id=payment.id, invoice_id=invoice.id, amount=part))
        replay.movements.append((invoice.id, received, part))


def _promises_and_conversations(session: Session) -> tuple[int, int]:
    """Promises and conversations around the 30 days ending AS_OF: (kept, broken) in them."""
    with session.begin():
        account_id = session.scalar(select(Account.id))
        for days, status in (
            (0, "kept"),
            (29, "broken"),
            (30, "kept"),
            (3, "pending"),
            (-1, "kept"),
        ):
            session.add(
                Promise(
                    account_id=account_id,
                    amount=Decimal("10.00"),
                    due_date=AS_OF - timedelta(days=days),
                    status=status,
                    channel="sms",
                    taken_by="bot",
                    amount_collected=Decimal("0.00"),
                    created_at=NOW,
                )
            )
        first_day = datetime.combine(AS_OF - timedelta(days=29), time(), timezone.utc)
        for started, escalated in (
            (first_day, False),  # the first instant of the period
            (first_day - timedelta(microseconds=1), False),  # just before it
            (NOW, True),
            (datetime.combine(AS_OF + timedelta(days=1), time(), timezone.utc), False),  # after
        ):
            session.add(
                Conversation(
                    channel="sms",
                    sender="+15550002",
                    account_id=account_id,
                    started_at=started,
                    last_message_at=started,
                    escalated=escalated,
                )
            )
    return 1, 1


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("days_back", [0, 17, 45, 130])
def test_aging_equals_the_replayed_ledger(session: Session, seed: int, days_back: int) -> None:
    replay = _ledger(session, seed)
    day = AS_OF - timedelta(days=days_back)
    assert aging_report(session, day).aging == age(replay.open_on(day), day)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    ("start_back", "end_back"), [(29, 0), (89, 0), (120, 40), (5, 5), (200, 150)]
)
def test_kpis_equal_the_formulas_over_the_replayed_ledger(
    session: Session, seed: int, start_back: int, end_back: int
) -> None:
    replay = _ledger(session, seed)
    start, end = AS_OF - timedelta(days=start_back), AS_OF - timedelta(days=end_back)
    expected = compute_kpis(replay.kpi_inputs(start, end, kept=0, broken=0))
    assert kpi_report(session, start, end).kpis == expected


def test_kpis_count_promises_and_conversations_of_the_period_alone(session: Session) -> None:
    replay = _ledger(session, 1)
    kept, broken = _promises_and_conversations(session)
    start = AS_OF - timedelta(days=29)
    kpis = kpi_report(session, start, AS_OF).kpis
    inputs = replay.kpi_inputs(start, AS_OF, kept, broken)
    assert kpis == compute_kpis(
        KpiInputs(**{**vars(inputs), "conversations": 2, "conversations_contained": 1})
    )
    assert (kpis.promises_kept, kpis.promises_broken, kpis.bot_containment) == (
        1,
        1,
        Decimal("0.50"),
    )


@contextmanager
def _selects(session: Session) -> Iterator[list[str]]:
    """The SELECT statements sent on the session's connection while the block runs."""
    statements: list[str] = []
    connection = session.get_bind()  # the test's connection: no transaction begun here

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(connection, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", seen)


def test_each_report_is_one_select(session: Session) -> None:
    _ledger(session, 1)
    _promises_and_conversations(session)
    with _selects(session) as aging:
        aging_report(session, AS_OF)
    with _selects(session) as kpis:
        kpi_report(session, AS_OF - timedelta(days=29), AS_OF)
    assert (len(aging), len(kpis)) == (1, 1)
