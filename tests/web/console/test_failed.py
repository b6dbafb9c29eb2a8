"""The failed-messages page: a reply that keeps failing ends failed and is listed; Retry
from the console sends it once, Discard gives it up; both audited with the collector."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from bot.db.models import AuditEvent, Message
from bot.errors import DeliveryFailed
from bot.repositories import users
from bot.services import delivery, dispatch
from integrations.rasa import BotMessage
from integrations.senders import Outbound, OutboxSender, Receipt
from tests.services.console_seed import seed_account
from tests.web.console.conftest import ConsoleApp, LoginAs

PHONE = "+16175550101"


@dataclass
class Down(OutboxSender):
    """Twilio answering 500 to everything."""

    provider = "twilio"
    tried: list[Outbound] = field(default_factory=list)

    async def send(self, message: Outbound) -> Receipt:
        self.tried.append(message)
        raise DeliveryFailed("twilio: 500 Internal Server Error", retryable=True)


@pytest.fixture
def failed_id(console: ConsoleApp) -> int:
    """A reply to A-7 that failed for 24 hours of clock time; its message id."""
    with console.sessions() as session:
        seed_account(session, phone=PHONE)
    postman = dispatch.Postman(console.sessions, console.clock, {"sms": Down()})
    sent = asyncio.run(
        delivery.deliver(postman, "sms", PHONE, BotMessage("Your balance is $1,200.00."), key="k1")
    )
    assert sent.status == "queued"  # failed once, retried later
    for _ in range(50):
        console.clock.advance(timedelta(minutes=30))
        asyncio.run(dispatch.dispatch_due(postman))
    assert sent.message_id is not None
    return sent.message_id


def state(console: ConsoleApp, message_id: int) -> str | None:
    with console.sessions() as session:
        return session.scalar(select(Message.dispatch_state).where(Message.id == message_id))


def sent_to_customer(console: ConsoleApp) -> list[str]:
    with console.sessions() as session:
        return [
            m.body
            for m in session.scalars(
                select(Message).where(Message.address == PHONE, Message.provider == "outbox")
            )
        ]


def audit(console: ConsoleApp) -> list[tuple[str, str, int | None]]:
    with console.sessions() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "message"))
        return [(e.action, e.actor, e.user_id) for e in events]


def test_the_page_needs_a_collector_login(client: TestClient, failed_id: int) -> None:
    assert client.get("/console/failed").status_code == 303


def test_a_reply_that_keeps_failing_is_listed_with_its_reason(
    console: ConsoleApp, login_as: LoginAs, failed_id: int
) -> None:
    assert state(console, failed_id) == "failed"
    signed, _csrf = login_as("collector")
    page = signed.get("/console/failed").text
    assert "Your balance is $1,200.00." in page
    assert "still failing after 24 h, given up" in page
    assert f"/console/failed/{failed_id}/retry" in page


def test_retry_from_the_console_sends_it_once_and_is_audited(
    console: ConsoleApp, login_as: LoginAs, failed_id: int
) -> None:
    signed, csrf = login_as("collector", "ana@example.com")
    done = signed.post(f"/console/failed/{failed_id}/retry", data={"csrf_token": csrf})
    assert done.status_code == 303
    assert f"Message {failed_id} was sent." in signed.get(done.headers["location"]).text
    again = signed.post(f"/console/failed/{failed_id}/retry", data={"csrf_token": csrf})
    assert again.status_code == 404  # no longer failed: nothing is sent twice
    asyncio.run(dispatch.dispatch_due(console.app.state.workers.postman))
    assert sent_to_customer(console) == ["Your balance is $1,200.00."]
    assert state(console, failed_id) == "done"
    with console.sessions() as session:
        user = users.by_email(session, "ana@example.com")
    assert user is not None
    assert audit(console) == [("retried", "collector", user.id)]
    assert "Every message was delivered" in signed.get("/console/failed").text


def test_discard_from_the_console_gives_it_up_audited(
    console: ConsoleApp, login_as: LoginAs, failed_id: int
) -> None:
    signed, csrf = login_as("collector")
    done = signed.post(f"/console/failed/{failed_id}/discard", data={"csrf_token": csrf})
    assert done.status_code == 303
    assert state(console, failed_id) == "discarded"
    assert sent_to_customer(console) == []
    assert [a[:2] for a in audit(console)] == [("discarded", "collector")]


def test_retry_without_the_csrf_token_is_refused_and_sends_nothing(
    console: ConsoleApp, login_as: LoginAs, failed_id: int
) -> None:
    signed, _csrf = login_as("collector")
    refused = signed.post(f"/console/failed/{failed_id}/retry", data={})
    assert refused.status_code in (400, 403)
    assert state(console, failed_id) == "failed"
