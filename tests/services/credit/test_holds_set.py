"""The hold reasons decided in SQL are the policy's, for every account at once (SPEC §12).

On 2026-12-07, with ``ARBOT_HOLD_DAYS_PAST_DUE`` at 60 (due before 2026-10-08 is past due)
or 30 (before 2026-11-07):

| account | limit   | invoices (due: open)                | latest plan | 60           | 30        |
|---------|---------|-------------------------------------|-------------|--------------|-----------|
| S-AT    | 100.00  | 12-01: 100.00                       |             |              |           |
| S-OVER  | 100.00  | 12-01: 60.00, 12-02: 40.01          |             | over_limit   | same      |
| S-60    |         | 10-08: 10.00                        |             |              | past_due  |
| S-61    |         | 10-07: 10.00                        |             | past_due     | past_due  |
| S-DISP  |         | 09-01: 10.00 disputed               |             |              |           |
| S-PAID  |         | 09-01: paid, 12-01: 5.00            |             |              |           |
| S-PLAN  |         | 12-01: 5.00                         | defaulted   | plan_default | same      |
| S-NONE  |         | 09-01: paid                         | defaulted   |              |           |
| S-NEWER |         | 12-01: 5.00                         | active      |              |           |
| S-ALL   | 10.00   | 09-01: 20.00                        | defaulted   | all three    | all three |
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Account, AuditEvent, CreditHold, Dispute, Invoice, PaymentPlan
from bot.policy.credit import hold_reasons
from bot.repositories import credit_holds
from bot.repositories.ledger import CHUNK, insert_returning_ids, insert_rows
from bot.services.credit.holds import reconcile_holds

NOW = datetime(2026, 12, 7, 12, tzinfo=timezone.utc)
ALL = "over_limit,past_due,plan_default"
# account: (limit, [(due, amount, open, disputed)], plan statuses oldest first)
ACCOUNTS: dict[str, tuple[str | None, list[tuple[date, str, str, bool]], list[str]]] = {
    "S-AT": ("100.00", [(date(2026, 12, 1), "100.00", "100.00", False)], []),
    "S-OVER": ("100.00", [(date(2026, 12, 1), "60.00", "60.00", False),
                          (date(2026, 12, 2), "40.01", "40.01", False)], []),
    "S-60": (None, [(date(2026, 10, 8), "10.00", "10.00", False)], []),
    "S-61": (None, [(date(2026, 10, 7), "10.00", "10.00", False)], []),
    "S-DISP": (None, [(date(2026, 9, 1), "10.00", "10.00", True)], []),
    "S-PAID": (None, [(date(2026, 9, 1), "10.00", "0.00", False),
                      (date(2026, 12, 1), "5.00", "5.00", False)], []),
    "S-PLAN": (None, [(date(2026, 12, 1), "5.00", "5.00", False)], ["defaulted"]),
    "S-NONE": (None, [(date(2026, 9, 1), "10.00", "0.00", False)], ["defaulted"]),
    "S-NEWER": (None, [(date(2026, 12, 1), "5.00", "5.00", False)], ["defaulted", "active"]),
    "S-ALL": ("10.00", [(date(2026, 9, 1), "20.00", "20.00", False)], ["defaulted"]),
}  # fmt: skip
EXPECTED = {
    60: {"S-OVER": "over_limit", "S-61": "past_due", "S-PLAN": "plan_default", "S-ALL": ALL},
    30: {"S-OVER": "over_limit", "S-60": "past_due", "S-61": "past_due",
         "S-PLAN": "plan_default", "S-ALL": ALL},
}  # fmt: skip


def seed(session: Session) -> dict[str, int]:
    ids: dict[str, int] = {}
    for number, (limit, invoices, plans) in ACCOUNTS.items():
        account = Account(
            account_number=number, name=number, postal_code="10001",
            credit_limit=None if limit is None else Decimal(limit),
            created_at=NOW, updated_at=NOW,
        )  # fmt: skip
        session.add(account)
        session.flush()
        ids[number] = account.id
        for n, (due, amount, open_amount, disputed) in enumerate(invoices):
            invoice = Invoice(
                invoice_number=f"{number}-{n}", account_id=account.id, issue_date=date(2026, 8, 1),
                due_date=due, amount=Decimal(amount), open_amount=Decimal(open_amount),
                created_at=NOW, updated_at=NOW,
            )  # fmt: skip
            session.add(invoice)
            session.flush()
            if disputed:
                session.add(
                    Dispute(reference=f"D-{number}", account_id=account.id, invoice_id=invoice.id,
                            reason="damaged", status="open", created_at=NOW)
                )  # fmt: skip
        for status in plans:
            session.add(
                PaymentPlan(account_id=account.id, status=status, total=Decimal("5.00"),
                            down_payment=Decimal("0"), channel="sms", taken_by="bot",
                            created_at=NOW)
            )  # fmt: skip
            session.flush()
    return ids


@pytest.mark.parametrize("days", [60, 30])
def test_every_account_gets_the_reasons_the_policy_gives_it(session: Session, days: int) -> None:
    with session.begin():
        ids = seed(session)
        changes = reconcile_holds(session, None, NOW, "system", "daily review", days_limit=days)
        held = dict(
            session.execute(
                select(Account.account_number, CreditHold.reasons)
                .join(CreditHold, CreditHold.account_id == Account.id)
                .where(CreditHold.released_at.is_(None))
            ).all()
        )
        by_policy = {
            found.account_number: ",".join(hold_reasons(found.facts, NOW.date(), days))
            for found in credit_holds.facts(session, list(ids.values()))
        }
    assert held == EXPECTED[days]
    assert {number: reasons for number, reasons in by_policy.items() if reasons} == held
    assert changes.started == tuple(sorted(EXPECTED[days]))


def test_some_accounts_only_are_reconciled_when_named(session: Session) -> None:
    with session.begin():
        ids = seed(session)
        changes = reconcile_holds(session, [ids["S-ALL"], ids["S-AT"]], NOW, "system", "payment")
        held = session.scalars(select(CreditHold.account_id)).all()
    assert changes.started == ("S-ALL",)
    assert held == [ids["S-ALL"]]


def test_many_accounts_start_change_and_release_in_one_call_each_audited(
    session: Session,
) -> None:
    count = CHUNK + 3  # more than one chunk of ids on SQLite
    numbers = [f"M-{n:04d}" for n in range(count)]
    with session.begin():
        ids = insert_returning_ids(
            session, Account, "account_number",
            [{"account_number": number, "name": number, "postal_code": "10001",
              "language": "en", "consumer": False, "credit_limit": Decimal("10.00"),
              "created_at": NOW, "updated_at": NOW} for number in numbers],
        )  # fmt: skip
        insert_rows(
            session, Invoice,
            [{"invoice_number": f"I-{number}", "account_id": ids[number],
              "issue_date": date(2026, 8, 1), "due_date": date(2026, 9, 1),
              "amount": Decimal("20.00"), "currency": "USD", "open_amount": Decimal("20.00"),
              "created_at": NOW, "updated_at": NOW} for number in numbers],
        )  # fmt: skip
        started = reconcile_holds(session, set(ids.values()), NOW, "system", "import invoices")
        session.execute(Account.__table__.update().values(credit_limit=None))
        changed = reconcile_holds(session, set(ids.values()), NOW, "system", "limits removed")
        session.execute(Invoice.__table__.update().values(open_amount=Decimal("0.00")))
        released = reconcile_holds(session, None, NOW, "system", "paid")
        audited = session.execute(
            select(AuditEvent.entity_id, AuditEvent.action, AuditEvent.detail)
            .where(AuditEvent.entity_id == "M-0007")
            .order_by(AuditEvent.id)
        ).all()
        still = session.scalars(select(CreditHold).where(CreditHold.released_at.is_(None))).all()
    assert (started.started, changed.changed, released.released) == (tuple(numbers),) * 3
    assert still == []
    assert [(action, json.loads(detail)) for _, action, detail in audited] == [
        ("credit_hold_started", {"reasons": ["over_limit", "past_due"], "why": "import invoices",
                                 "open_balance": "20.00", "credit_limit": "10.00"}),
        ("credit_hold_changed", {"reasons": ["past_due"], "why": "limits removed",
                                 "open_balance": "20.00", "credit_limit": None,
                                 "previous": ["over_limit", "past_due"]}),
        ("credit_hold_released", {"reasons": ["past_due"], "why": "paid",
                                  "open_balance": "0.00", "credit_limit": None}),
    ]  # fmt: skip


def test_a_start_is_audited_in_the_very_text_the_audit_trail_writes(session: Session) -> None:
    """On PostgreSQL the statement that finds the new holds writes their audit rows too:
    the text is the one :func:`bot.repositories.audit.record` would have written."""
    why = 'import "ñandú" invoices'
    with session.begin():
        seed(session)
        reconcile_holds(session, None, NOW, "system", why)
        stored = dict(
            session.execute(
                select(AuditEvent.entity_id, AuditEvent.detail).where(
                    AuditEvent.action == "credit_hold_started"
                )
            ).all()
        )
        actors = set(session.scalars(select(AuditEvent.actor)))
    expected = {
        "S-OVER": ("100.00", "100.01", ["over_limit"]),
        "S-61": (None, "10.00", ["past_due"]),
        "S-PLAN": (None, "5.00", ["plan_default"]),
        "S-ALL": ("10.00", "20.00", ["over_limit", "past_due", "plan_default"]),
    }
    assert stored == {
        number: json.dumps(
            {"reasons": reasons, "why": why, "open_balance": Decimal(balance),
             "credit_limit": None if limit is None else Decimal(limit)},
            default=str, sort_keys=True,
        )
        for number, (limit, balance, reasons) in expected.items()
    }  # fmt: skip
    assert actors == {"system"}


def test_named_accounts_reconciled_one_after_another_each_get_their_own_values(
    session: Session,
) -> None:
    """The statement over named accounts is built once per process: each call still binds
    its own accounts, past-due limit, actor and why."""
    with session.begin():
        ids = seed(session)
        first = reconcile_holds(session, [ids["S-61"]], NOW, "alice", "first", days_limit=60)
        second = reconcile_holds(
            session, [ids["S-60"], ids["S-OVER"]], NOW, "bob", "second", days_limit=30
        )
        audited = session.execute(
            select(AuditEvent.entity_id, AuditEvent.actor, AuditEvent.detail)
            .where(AuditEvent.action == "credit_hold_started")
            .order_by(AuditEvent.entity_id)
        ).all()
    assert (first.started, second.started) == (("S-61",), ("S-60", "S-OVER"))
    assert [(number, actor, json.loads(detail)["why"]) for number, actor, detail in audited] == [
        ("S-60", "bob", "second"),
        ("S-61", "alice", "first"),
        ("S-OVER", "bob", "second"),
    ]
