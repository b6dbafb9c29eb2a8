"""The approvals page: a pending plan approved or rejected, the customer told once; and
the Telegram link-code page."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from bot.db.models import Account, Escalation, LinkCode, PaymentPlan
from bot.repositories import users
from bot.services import delivery
from bot.services.escalations import escalate_account
from bot.services.telegram_links import digest
from tests.services.console_seed import add_pending_plan, seed_account
from tests.web.console.conftest import ConsoleApp, LoginAs

PHONE = "+16175550101"


@pytest.fixture
def plan_id(console: ConsoleApp) -> int:
    """Account A-7 with a 12,000.00 plan waiting for approval, and its approval case."""
    with console.sessions() as session:
        account_id = seed_account(session, phone=PHONE)
        found = add_pending_plan(session, account_id)
    with console.sessions() as session, session.begin():
        account = session.get(Account, account_id)
        assert account is not None
        escalate_account(session, account, "plan_approval", console.clock.now())
    return found


def decide(client: TestClient, plan_id: int, action: str, csrf: str) -> httpx.Response:
    return client.post(f"/console/plans/{plan_id}/{action}", data={"csrf_token": csrf})


def state(console: ConsoleApp) -> tuple[str, int | None, str]:
    with console.sessions() as session:
        plan = session.scalars(select(PaymentPlan)).one()
        case = session.scalars(select(Escalation)).one()
        return plan.status, plan.approved_by, case.status


def sent_to_customer(console: ConsoleApp) -> list[str]:
    with console.sessions() as session:
        return [m.body for m in delivery.outbox(session, limit=10, address=PHONE)]


def test_the_page_needs_a_login_and_lists_the_plan_with_its_schedule(
    client: TestClient, login_as: LoginAs, plan_id: int
) -> None:
    assert client.get("/console/approvals").status_code == 303
    signed, _csrf = login_as("collector")
    page = signed.get("/console/approvals").text
    for expected in (f"Plan {plan_id} · A-7", "12,000.00", "1,200.00", "2027-02-25", "3,600.00"):
        assert expected in page


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_a_decision_needs_the_session_s_csrf_token(
    console: ConsoleApp, login_as: LoginAs, plan_id: int, action: str
) -> None:
    client, _csrf = login_as("collector")
    assert client.post(f"/console/plans/{plan_id}/{action}").status_code == 403
    assert state(console) == ("pending_approval", None, "open")


def test_approving_puts_the_plan_in_force_and_tells_the_customer_once(
    console: ConsoleApp, login_as: LoginAs, plan_id: int
) -> None:
    client, csrf = login_as("collector", "ana@example.com")
    first = decide(client, plan_id, "approve", csrf)
    again = decide(client, plan_id, "approve", csrf)

    assert first.status_code == 303
    page = client.get(first.headers["location"]).text
    assert f"Plan {plan_id} is approved and in force. The customer was told." in page
    assert again.status_code == 409
    assert "is active, not waiting for approval" in again.text
    with console.sessions() as session:
        ana = users.by_email(session, "ana@example.com")
    assert ana is not None
    assert state(console) == ("active", ana.id, "resolved")
    (notice,) = sent_to_customer(console)
    assert "Your payment plan for $12,000.00 is approved" in notice


def test_rejecting_cancels_the_plan_and_tells_the_customer(
    console: ConsoleApp, login_as: LoginAs, plan_id: int
) -> None:
    client, csrf = login_as("collector")
    response = decide(client, plan_id, "reject", csrf)
    assert response.status_code == 303
    assert "is rejected and cancelled" in client.get(response.headers["location"]).text
    assert state(console) == ("cancelled", None, "resolved")
    (notice,) = sent_to_customer(console)
    assert "could not approve your payment plan" in notice
    assert "No plan is waiting for approval." in client.get("/console/approvals").text


def test_a_link_code_is_issued_for_an_account_and_shown_once(
    console: ConsoleApp, login_as: LoginAs, plan_id: int
) -> None:
    client, csrf = login_as("collector")
    assert client.get("/console/link-codes").status_code == 200
    assert client.post("/console/link-codes", data={"account_number": "A-7"}).status_code == 403

    response = client.post(
        "/console/link-codes", data={"csrf_token": csrf, "account_number": "A-7"}
    )

    assert response.status_code == 201
    found = re.search(r'<code class="secret">([A-Za-z0-9_-]{22})</code>', response.text)
    assert found is not None
    with console.sessions() as session:
        stored = session.scalars(select(LinkCode)).one()
    assert stored.code_hash == digest(found.group(1))
    missing = client.post("/console/link-codes", data={"csrf_token": csrf, "account_number": "Z-9"})
    assert missing.status_code == 404
    assert "account &#39;Z-9&#39; does not exist" in missing.text
