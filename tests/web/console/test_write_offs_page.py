"""``/console/write-offs``: proposed by one person, decided by another manager."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from bot.db.models import Invoice, WriteOff
from tests.payments.conftest import NOW, seed_account
from tests.web.console.conftest import ConsoleApp, LoginAs


def add_old_invoice(console: ConsoleApp) -> None:
    with console.sessions() as session:
        account_id = seed_account(session)
    with console.sessions() as session, session.begin():
        session.add(
            Invoice(
                invoice_number="OLD-1", account_id=account_id, issue_date=date(2026, 1, 1),
                due_date=date(2026, 2, 1), amount=Decimal("90.00"), open_amount=Decimal("90.00"),
                created_at=NOW, updated_at=NOW,
            )
        )  # fmt: skip


def test_a_manager_may_not_approve_their_own_proposal_but_another_may(
    console: ConsoleApp, login_as: LoginAs
) -> None:
    add_old_invoice(console)
    first, csrf = login_as("manager", "first@example.com")
    assert "OLD-1" in first.get("/console/write-offs").text
    proposed = first.post(
        "/console/write-offs/propose",
        data={"csrf_token": csrf, "invoice_number": "OLD-1"},
        follow_redirects=False,
    )
    assert proposed.status_code == 303
    with console.sessions() as session:
        write_off_id = session.scalars(select(WriteOff.id)).one()

    own = first.post(f"/console/write-offs/{write_off_id}/approve", data={"csrf_token": csrf})
    assert own.status_code == 409
    assert "another manager must decide" in own.text

    second, csrf2 = login_as("manager", "second@example.com")
    done = second.post(
        f"/console/write-offs/{write_off_id}/approve",
        data={"csrf_token": csrf2},
        follow_redirects=False,
    )
    assert done.status_code == 303
    with console.sessions() as session:
        assert session.get(WriteOff, write_off_id).status == "approved"  # type: ignore[union-attr]


def test_a_collector_may_propose_but_not_approve(console: ConsoleApp, login_as: LoginAs) -> None:
    add_old_invoice(console)
    client, csrf = login_as("collector")
    proposed = client.post(
        "/console/write-offs/propose",
        data={"csrf_token": csrf, "invoice_number": "OLD-1"},
        follow_redirects=False,
    )
    assert proposed.status_code == 303
    with console.sessions() as session:
        write_off_id = session.scalars(select(WriteOff.id)).one()
    refused = client.post(f"/console/write-offs/{write_off_id}/approve", data={"csrf_token": csrf})
    assert refused.status_code == 403
