"""Credit holds start and end in the transaction that changes their cause (SPEC §12)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Account, AuditEvent, CreditHold, PaymentPlan
from bot.imports.loader import import_file
from bot.services.credit.holds import hold_json, hold_notice, holds, reconcile_holds

NOW = datetime(2026, 12, 7, 12, tzinfo=timezone.utc)
CUSTOMERS = """\
account_number,name,postal_code,credit_limit
H-1,Held Ltd,10001,1000.00
H-2,Fine Inc,60601,
"""
INVOICES = """\
invoice_number,account_number,issue_date,due_date,amount,currency
HI-1,H-1,2026-11-01,2026-12-01,700.00,USD
HI-2,H-1,2026-11-15,2026-12-15,540.00,USD
HI-3,H-2,2026-08-01,2026-09-01,90.00,USD
"""
PAYMENT = """\
payment_id,account_number,received_date,amount,invoice_number,method
HP-1,H-1,2026-12-08,300.00,,ach
"""


def load(session: Session, folder: Path, kind: str, text: str, now: datetime = NOW) -> None:
    path = folder / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    import_file(session, kind, path, now=now)


def audit_rows(session: Session, number: str) -> list[tuple[str, dict[str, object]]]:
    query = (
        select(AuditEvent.action, AuditEvent.detail)
        .where(AuditEvent.entity == "account", AuditEvent.entity_id == number)
        .order_by(AuditEvent.id)
    )
    return [(action, json.loads(detail)) for action, detail in session.execute(query)]


def test_an_import_over_the_limit_starts_a_hold_and_a_csv_payment_releases_it(
    session: Session, tmp_path: Path
) -> None:
    load(session, tmp_path, "customers", CUSTOMERS)
    load(session, tmp_path, "invoices", INVOICES)
    (held_1, held_2) = holds(session)
    assert hold_json(held_1) == {
        "account_number": "H-1",
        "reasons": ["over_limit"],
        "since": NOW.isoformat(),
        "open_balance": "1240.00",
        "credit_limit": "1000.00",
    }
    assert held_2.account_number == "H-2"
    assert held_2.reasons == ("past_due",)  # 97 days past due
    with session.begin():
        h1 = session.scalars(select(Account.id).where(Account.account_number == "H-1")).one()
        notice = hold_notice(session, h1)
    assert notice is not None
    assert str(notice.to_limit) == "240.00"

    load(session, tmp_path, "payments", PAYMENT, NOW + timedelta(days=1))
    assert [h.account_number for h in holds(session)] == ["H-2"]
    with session.begin():
        (started, released) = audit_rows(session, "H-1")
        assert started[0] == "credit_hold_started"
        assert started[1]["reasons"] == ["over_limit"]
        assert started[1]["why"] == "import invoices"
        assert released[0] == "credit_hold_released"
        assert released[1]["reasons"] == ["over_limit"]
        assert released[1]["why"] == "payment"
        hold = session.scalars(select(CreditHold).where(CreditHold.account_id == h1)).one()
        assert hold.released_at == NOW + timedelta(days=1)


def test_raising_the_limit_by_import_releases_the_hold(session: Session, tmp_path: Path) -> None:
    load(session, tmp_path, "customers", CUSTOMERS)
    load(session, tmp_path, "invoices", INVOICES)
    raised = CUSTOMERS.replace("1000.00", "5000.00")
    load(session, tmp_path, "customers", raised, NOW + timedelta(hours=1))
    assert [h.account_number for h in holds(session)] == ["H-2"]


def test_reconciling_again_changes_nothing(session: Session, tmp_path: Path) -> None:
    load(session, tmp_path, "customers", CUSTOMERS)
    load(session, tmp_path, "invoices", INVOICES)
    with session.begin():
        again = reconcile_holds(session, None, NOW + timedelta(hours=2), "system", "review")
    assert (again.started, again.changed, again.released) == ((), (), ())


def test_a_defaulted_plan_adds_its_reason_and_the_change_is_audited(
    session: Session, tmp_path: Path
) -> None:
    load(session, tmp_path, "customers", CUSTOMERS)
    load(session, tmp_path, "invoices", INVOICES)
    with session.begin():
        h1 = session.scalars(select(Account.id).where(Account.account_number == "H-1")).one()
        session.add(
            PaymentPlan(
                account_id=h1, status="defaulted", total=1240, down_payment=0, channel="sms",
                taken_by="bot", created_at=NOW, resolved_at=NOW,
            )
        )  # fmt: skip
        session.flush()
        changes = reconcile_holds(session, [h1], NOW, "system", "plan defaulted")
        assert changes.changed == ("H-1",)
        assert audit_rows(session, "H-1")[-1][1]["reasons"] == ["over_limit", "plan_default"]
    assert holds(session)[0].reasons == ("over_limit", "plan_default")
