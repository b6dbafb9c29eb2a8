"""Ledger integrity (issue 16, point 5), on SQLite and PostgreSQL.

Random sequences of invoices and payments (imported as CSV through the import code path),
finance-charge posting, waivers, write-offs (proposed and approved), recoveries and
Stripe-style reversals, each through its service. After every step:

- each account's balance (the open amounts of its invoices) equals its ledger: invoices
  less payments applied less credits (recoveries are negative credits), and each payment
  equals what it applied plus what it left unapplied;
- aging as of today totals the balance;
- aging as of every earlier day is what it was when that day ended.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.db.models import (
    Account,
    AuditEvent,
    Credit,
    Invoice,
    Payment,
    PaymentApplication,
    PaymentReversal,
    User,
)
from bot.errors import ArbotError
from bot.imports.loader import import_file
from bot.payments.reversals import record_reversal
from bot.policy.finance_charges import ChargeRules
from bot.repositories.reports import aging_buckets
from bot.services.credit import write_offs
from bot.services.credit.finance_charges import post_finance_charges, waive_finance_charge

START = date(2026, 1, 5)
ACCOUNTS = ("L-1", "L-2")
RULES = ChargeRules(rate=Decimal("1.5"))

#: days between two steps: the same day, a few days, a month end, a write-off's age
waits = st.sampled_from([0, 0, 3, 31, 95, 200])
steps = st.one_of(
    st.tuples(st.just("invoice"), st.integers(0, 1), st.integers(1, 90_000)),
    st.tuples(st.just("pay"), st.integers(0, 1), st.integers(1, 90_000), st.integers(-1, 9)),
    st.tuples(st.just("charge")),
    st.tuples(st.just("waive"), st.integers(0, 9), st.booleans()),
    st.tuples(st.just("write_off"), st.integers(0, 9)),
    st.tuples(st.just("recover"), st.integers(0, 9), st.integers(1, 90_000)),
    st.tuples(st.just("reverse"), st.integers(0, 9), st.integers(1, 90_000)),
)


class Ledger:
    """Drives the services for one sequence and checks the ledger after each step."""

    def __init__(self, session: Session, folder: Path) -> None:
        self.session, self.folder, self.today, self.count = session, folder, START, 0
        self.aging: dict[date, dict[str, Decimal]] = {}

    @property
    def now(self) -> datetime:
        return datetime.combine(self.today, time(15), tzinfo=timezone.utc)

    def csv(self, kind: str, header: str, line: str) -> None:
        self.count += 1
        path = self.folder / f"{kind}-{self.count}.csv"
        path.write_text(f"{header}\n{line}\n", encoding="utf-8")
        import_file(self.session, kind, path, now=self.now)

    def numbers(self, query: Any) -> list[str]:
        with self.session.begin():
            return list(self.session.scalars(query))

    def run(self, step: tuple[Any, ...]) -> None:
        kind, *args = step
        try:
            getattr(self, kind)(*args)
        except ArbotError as e:
            print(
                "REFUSED", kind, e
            )  # refused by the service (not a candidate, nothing open …): no entry

    def invoice(self, account: int, cents: int) -> None:
        number = f"I-{self.count}"
        due = self.today + timedelta(days=30)
        self.csv(
            "invoices",
            "invoice_number,account_number,issue_date,due_date,amount",
            f"{number},{ACCOUNTS[account]},{self.today},{due},{Decimal(cents) / 100}",
        )

    def pay(self, account: int, cents: int, pick: int, numbers: list[str] | None = None) -> None:
        query = (
            select(Invoice.invoice_number)
            .join(Account, Account.id == Invoice.account_id)
            .where(Account.account_number == ACCOUNTS[account])
            .order_by(Invoice.id)
        )
        found = numbers if numbers is not None else self.numbers(query)
        named = found[pick % len(found)] if pick >= 0 and found else ""
        self.csv(
            "payments",
            "payment_id,account_number,received_date,amount,invoice_number",
            f"P-{self.count},{ACCOUNTS[account]},{self.today},{Decimal(cents) / 100},{named}",
        )

    def wait(self, days: int) -> None:
        if days:
            self.close_day()
        self.today += timedelta(days=days)

    def charge(self) -> None:
        """The scheduler's posting: on the first day of a month, the month just ended.

        (Posted later by hand, a charge is still issued on the first, so it changes aging
        of the days between: SPEC §12 dates it so.)
        """
        first = (self.today.replace(day=1) + timedelta(days=32)).replace(day=1)
        self.wait((first - self.today).days)
        last = first - timedelta(days=1)
        post_finance_charges(self.session, last.year, last.month, self.now, RULES)

    def waive(self, pick: int, part: bool) -> None:
        query = select(Invoice.invoice_number).where(
            Invoice.invoice_number.startswith("FC-"), Invoice.open_amount > 0
        )
        found = self.numbers(query.order_by(Invoice.id))
        if found:
            amount = Decimal("0.50") if part else None
            waive_finance_charge(
                self.session, found[pick % len(found)], "goodwill", "col@l.test", self.now, amount
            )

    def write_off(self, pick: int) -> None:
        found = [c.invoice_number for c in write_offs.candidates(self.session, self.now)]
        if found:
            proposed = write_offs.propose(
                self.session, found[pick % len(found)], "col@l.test", self.now
            )
            write_offs.approve(self.session, proposed.id, "mgr@l.test", self.now)

    def recover(self, pick: int, cents: int) -> None:
        query = (
            select(Invoice.invoice_number, Account.account_number)
            .join(Account, Account.id == Invoice.account_id)
            .join(Credit, Credit.invoice_id == Invoice.id)
            .where(Credit.reason == "write_off")
            .order_by(Invoice.id)
        )
        with self.session.begin():
            found = [tuple(row) for row in self.session.execute(query)]
        if found:
            number, owner = found[pick % len(found)]
            self.pay(ACCOUNTS.index(owner), cents, 0, [number])

    def reverse(self, pick: int, cents: int) -> None:
        query = select(Payment.payment_id).where(Payment.amount > 0).order_by(Payment.id)
        found = self.numbers(query)
        if found:
            paid = found[pick % len(found)]
            with self.session.begin():
                record_reversal(
                    self.session,
                    kind="refund",
                    source=f"re_{self.count}",
                    payment_intent=paid,
                    amount=Decimal(cents) / 100,
                    now=self.now,
                )
            self.count += 1

    def check_audited(self, db: Session) -> None:
        """Each credit, reversal and finance charge has its audit event (who, when, why)."""
        counts = {
            "credits": select(func.count()).select_from(Credit),
            "reversals": select(func.count()).where(PaymentReversal.applied_at.is_not(None)),
            "finance charges": select(func.count()).where(Invoice.invoice_number.startswith("FC-")),
        }
        for name, query in counts.items():
            assert int(db.scalar(query) or 0) == _audited(db, AUDITED[name]), name

    def close_day(self) -> None:
        with self.session.begin():
            self.aging.setdefault(self.today, aging_buckets(self.session, self.today))

    def check(self) -> None:
        """The balance is the sum of the ledger; aging today totals it; the past stands.

        Sums are taken in Python on ``Decimal``: SQLite adds ``NUMERIC`` as floats.
        """
        with self.session.begin():
            db = self.session
            ledger: dict[int, Decimal] = {}
            for invoice_id, amount in db.execute(select(Invoice.id, Invoice.amount)):
                ledger[invoice_id] = amount
            applied: dict[int, Decimal] = {}
            for payment_id, invoice_id, amount in db.execute(
                select(
                    PaymentApplication.payment_id,
                    PaymentApplication.invoice_id,
                    PaymentApplication.amount,
                )
            ):
                ledger[invoice_id] -= amount
                applied[payment_id] = applied.get(payment_id, Decimal(0)) + amount
            for invoice_id, amount in db.execute(select(Credit.invoice_id, Credit.amount)):
                ledger[invoice_id] -= amount
            open_ = {i: amount for i, amount in db.execute(select(Invoice.id, Invoice.open_amount))}
            assert open_ == ledger
            for id_, amount, unapplied in db.execute(
                select(Payment.id, Payment.amount, Payment.unapplied_amount)
            ):
                assert amount == applied.get(id_, Decimal(0)) + unapplied, id_
            self.check_audited(db)
            today = aging_buckets(db, self.today)
            assert sum(today.values(), Decimal(0)) == sum(open_.values(), Decimal(0))
            for day, buckets in self.aging.items():
                assert aging_buckets(db, day) == buckets, day


#: the audit action that says who, when and why of each kind of ledger entry
AUDITED = {
    "credits": ("credited", "finance_charge_waived", "write_off_approved", "write_off_recovered"),
    "reversals": ("reversed",),
    "finance charges": ("finance_charge_posted",),
}


def _audited(db: Session, actions: tuple[str, ...]) -> int:
    query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action.in_(actions))
    return int(db.scalar(query) or 0)


def _seed(ledger: Ledger) -> None:
    lines = "\n".join(f"{n},{n},1,UTC" for n in ACCOUNTS)
    ledger.csv("customers", "account_number,name,postal_code,timezone", lines)
    with ledger.session.begin():
        for email, role in (("col@l.test", "collector"), ("mgr@l.test", "manager")):
            ledger.session.add(
                User(email=email, password_hash="!", role=role, created_at=ledger.now)
            )


def _ledger(engine: Engine) -> Iterator[Ledger]:
    with engine.connect() as connection, tempfile.TemporaryDirectory() as folder:
        outer = connection.begin()
        session = Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            yield Ledger(session, Path(folder))
        finally:
            session.close()
            outer.rollback()


@settings(
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: against a database it takes minutes
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(  # every kind of entry at least once, whatever the generator draws
    [
        (("invoice", 0, 50_000), 95),
        (("pay", 1, 1_000, -1), 0),
        (("invoice", 1, 20_000), 200),
        (("charge",), 0),
        (("waive", 0, True), 31),
        (("charge",), 0),
        (("write_off", 0), 3),
        (("recover", 0, 3_000), 3),
        (("reverse", 1, 1_000), 1),
        (("reverse", 0, 500), 0),
    ]
)
@given(st.lists(st.tuples(steps, waits), min_size=6, max_size=24))
def test_the_balance_is_the_ledger_and_past_aging_never_changes(
    engine: Engine, sequence: list[tuple[tuple[Any, ...], int]]
) -> None:
    for ledger in _ledger(engine):
        _seed(ledger)
        for step, days in sequence:
            ledger.run(step)
            ledger.check()
            ledger.wait(days)
        ledger.close_day()
        ledger.check()
