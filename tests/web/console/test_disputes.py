"""The disputes page: uphold credits the invoice, reject releases the hold and tells the
customer once, every decision audited and behind the session's CSRF token.

Account A-7 (SMS consent, phone on file) disputed invoice I-2 (300.00 open).
"""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from bot.db.models import AuditEvent, ContactPreference, Dispute, Invoice, Message
from bot.policy.rules import DEFAULT_POLICY
from bot.services import delivery
from bot.services.balances import balance_view
from bot.services.disputes import open_dispute
from tests.services.console_seed import seed_account
from tests.web.console.conftest import ConsoleApp, LoginAs

PHONE = "+16175550101"


@pytest.fixture
def dispute_id(console: ConsoleApp) -> int:
    with console.sessions() as session:
        seed_account(session, phone=PHONE)
    with console.sessions() as session:
        open_dispute(session, "A-7", "I-2", "damaged", "arrived broken", channel="sms",
                     now=console.clock.now())  # fmt: skip
    with console.sessions() as session:
        return session.scalars(select(Dispute.id)).one()


def decide(client: TestClient, dispute_id: int, action: str, csrf: str) -> httpx.Response:
    return client.post(f"/console/disputes/{dispute_id}/{action}", data={"csrf_token": csrf})


def sent_to_customer(console: ConsoleApp) -> list[str]:
    with console.sessions() as session:
        return [m.body for m in delivery.outbox(session, limit=10, address=PHONE)]


def test_an_anonymous_visitor_is_sent_to_log_in(client: TestClient, dispute_id: int) -> None:
    assert client.get("/console/disputes").status_code == 303
    assert decide(client, dispute_id, "uphold", "x").status_code == 303


def test_the_page_lists_the_open_dispute_with_both_decisions(
    login_as: LoginAs, dispute_id: int
) -> None:
    client, _csrf = login_as("collector")
    page = client.get("/console/disputes")
    assert page.status_code == 200
    for expected in ("D-1", "A-7", "I-2", "arrived broken", "Uphold (credit 300.00)",
                     f'action="/console/disputes/{dispute_id}/reject"'):  # fmt: skip
        assert expected in page.text


@pytest.mark.parametrize("action", ["uphold", "reject"])
def test_a_decision_needs_the_session_s_csrf_token(
    console: ConsoleApp, login_as: LoginAs, dispute_id: int, action: str
) -> None:
    client, _csrf = login_as("collector")
    assert client.post(f"/console/disputes/{dispute_id}/{action}").status_code == 403
    assert decide(client, dispute_id, action, "not-the-token").status_code == 403
    with console.sessions() as session:
        assert session.scalars(select(Dispute.status)).one() == "open"
    assert sent_to_customer(console) == []


def test_upholding_credits_the_invoice_and_is_audited(
    console: ConsoleApp, login_as: LoginAs, dispute_id: int
) -> None:
    client, csrf = login_as("collector", "ana@example.com")
    response = decide(client, dispute_id, "uphold", csrf)
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "D-1 upheld: the invoice is credited. The customer was told." in page
    assert "No dispute is open." in page

    with console.sessions() as session:
        invoice = session.scalars(select(Invoice).where(Invoice.invoice_number == "I-2")).one()
        events = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity.in_(("dispute", "invoice")))
        ).all()
    assert invoice.open_amount == Decimal("0.00")
    assert {"upheld", "credited"} <= set(events)
    with console.sessions() as session:
        view = balance_view(session, "A-7", console.clock.now(), DEFAULT_POLICY)
    assert (view.total, view.disputed) == (Decimal("900.00"), Decimal("0.00"))
    assert [body.count("accepted it") for body in sent_to_customer(console)] == [1]


def test_rejecting_releases_the_hold_and_tells_the_customer_once(
    console: ConsoleApp, login_as: LoginAs, dispute_id: int
) -> None:
    client, csrf = login_as("collector")
    with console.sessions() as session:
        held = balance_view(session, "A-7", console.clock.now(), DEFAULT_POLICY)

    first = decide(client, dispute_id, "reject", csrf)
    second = decide(client, dispute_id, "reject", csrf)

    assert first.status_code == 303
    assert "D-1 rejected: the hold is released" in client.get(first.headers["location"]).text
    assert second.status_code == 409
    assert "dispute D-1 is already rejected" in second.text
    with console.sessions() as session:
        released = balance_view(session, "A-7", console.clock.now(), DEFAULT_POLICY)
    assert (held.collectible, released.collectible) == (Decimal("900.00"), Decimal("1200.00"))
    (notice,) = sent_to_customer(console)
    assert "could not accept it, so $300.00 is due again" in notice
    with console.sessions() as session:
        audited = session.scalar(
            select(func.count()).where(
                AuditEvent.entity == "dispute", AuditEvent.action == "rejected"
            )
        )
        outbound = session.scalar(select(func.count()).where(Message.direction == "out"))
    assert (audited, outbound) == (1, 1)


def test_an_opted_out_customer_is_not_texted_and_the_collector_is_told_so(
    console: ConsoleApp, login_as: LoginAs, dispute_id: int
) -> None:
    with console.sessions() as session, session.begin():
        preference = session.scalars(select(ContactPreference)).one()
        preference.sms_opt_out = True
    client, csrf = login_as("collector")
    response = decide(client, dispute_id, "reject", csrf)
    page = client.get(response.headers["location"]).text
    assert "The customer has no channel to be told on" in page
    assert sent_to_customer(console) == []


def test_an_unknown_dispute_is_404(login_as: LoginAs) -> None:
    client, csrf = login_as("collector")
    response = decide(client, 999, "uphold", csrf)
    assert response.status_code == 404
    assert "dispute 999 does not exist" in response.text


def test_a_crafted_outcome_link_puts_no_words_on_the_page(login_as: LoginAs) -> None:
    client, _csrf = login_as("collector")
    page = client.get("/console/disputes?decided=Pay+evil.example&outcome=upheld&told=told").text
    assert "evil" not in page
