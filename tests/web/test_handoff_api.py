"""Human handoff through the JSON API, at the edge where the customer's messages arrive.

A collector claims an escalation: the customer's next messages reach the collector (the
API's transcript), not the bot; the collector's reply goes out on the customer's channel
(the outbox provider here) once per Idempotency-Key; after resolving, the bot answers again.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bot.db.models import Escalation, Message
from bot.services import api_tokens, escalations
from bot.services.users import add_user
from tests.web.conftest import NOW, Gateway

CUSTOMER = "+16175550140"


def call(
    gateway: Gateway, method: str, path: str, token: str | None, body: Any = None
) -> httpx.Response:
    """One API request; ``body`` may be ``(json, extra headers)``."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    if isinstance(body, tuple):
        body, extra = body
        headers.update(extra)

    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=gateway.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://arbot.test") as c:
            return await c.request(method, path, json=body, headers=headers)

    return asyncio.run(run())


def collector(gateway: Gateway, email: str) -> str:
    with gateway.sessions() as session:
        add_user(session, email, "collector", NOW, "correct horse battery")
    with gateway.sessions() as session:
        return api_tokens.issue(session, email, NOW)


@pytest.fixture
def escalated(gateway: Gateway) -> int:
    """A web customer who asked for a person: one open escalation on their conversation."""
    gateway.add_account("A-4001", CUSTOMER, consumer=False)
    gateway.chat(CUSTOMER, "let me talk to a person")
    with gateway.sessions() as session:
        record = escalations.escalate(
            session, "customer_request", channel="web", address=CUSTOMER, now=NOW
        )
    return record.id


def test_the_api_refuses_a_request_without_a_valid_token(gateway: Gateway, escalated: int) -> None:
    assert call(gateway, "GET", "/api/escalations", None).status_code == 401
    assert call(gateway, "GET", "/api/escalations", "not-a-token").status_code == 401


def test_a_claimed_conversation_goes_to_the_collector_and_the_bot_stays_silent(
    gateway: Gateway, escalated: int
) -> None:
    token = collector(gateway, "ana@example.com")
    assert call(gateway, "POST", f"/api/escalations/{escalated}/claim", token).status_code == 200
    calls_before = len(gateway.dialogue.calls)

    assert gateway.chat(CUSTOMER, "hello? anyone there?") == []

    assert len(gateway.dialogue.calls) == calls_before
    shown = call(gateway, "GET", f"/api/escalations/{escalated}", token).json()
    assert shown["status"] == "claimed"
    assert shown["messages"][-1]["body"] == "hello? anyone there?"
    assert shown["messages"][-1]["direction"] == "in"


def test_a_collector_reply_is_sent_once_on_the_customers_channel(
    gateway: Gateway, escalated: int
) -> None:
    token = collector(gateway, "ana@example.com")
    call(gateway, "POST", f"/api/escalations/{escalated}/claim", token)
    reply = ({"text": "Hi, this is Ana. How can I help?"}, {"idempotency-key": "r-1"})

    first = call(gateway, "POST", f"/api/escalations/{escalated}/reply", token, reply)
    again = call(gateway, "POST", f"/api/escalations/{escalated}/reply", token, reply)

    assert first.status_code == 200, first.text
    assert first.json()["status"] == "delivered"
    assert again.json()["duplicate"] is True
    with gateway.sessions() as session:
        rows = session.execute(
            select(Message.author, Message.provider, Message.delivery_status).where(
                Message.address == CUSTOMER, Message.body == "Hi, this is Ana. How can I help?"
            )
        ).all()
    assert [tuple(row) for row in rows] == [("collector", "outbox", "delivered")]


def test_after_resolving_the_bot_answers_the_customer_again(
    gateway: Gateway, escalated: int
) -> None:
    token = collector(gateway, "ana@example.com")
    call(gateway, "POST", f"/api/escalations/{escalated}/claim", token)
    assert gateway.chat(CUSTOMER, "still there?") == []

    resolved = call(gateway, "POST", f"/api/escalations/{escalated}/resolve", token, {"note": "ok"})

    assert resolved.json()["status"] == "resolved"
    assert [r["text"] for r in gateway.chat(CUSTOMER, "how much do I owe")] == [
        "Hi! How can I help?"
    ]
    assert gateway.dialogue.calls[-1][1] == "how much do I owe"


def test_a_second_collector_cannot_take_or_answer_a_claimed_case(
    gateway: Gateway, escalated: int
) -> None:
    ana = collector(gateway, "ana@example.com")
    ben = collector(gateway, "ben@example.com")
    call(gateway, "POST", f"/api/escalations/{escalated}/claim", ana)

    taken = call(gateway, "POST", f"/api/escalations/{escalated}/claim", ben)
    answered = call(gateway, "POST", f"/api/escalations/{escalated}/reply", ben, {"text": "hi"})

    assert (taken.status_code, answered.status_code) == (409, 409)
    with gateway.sessions() as session:
        owner = session.scalar(select(Escalation.assigned_to).where(Escalation.id == escalated))
        sent = session.scalar(select(func.count()).where(Message.author == "collector"))
    assert owner is not None
    assert sent == 0


def test_a_blank_reply_or_an_unknown_escalation_is_refused_with_the_reason(
    gateway: Gateway, escalated: int
) -> None:
    token = collector(gateway, "ana@example.com")
    call(gateway, "POST", f"/api/escalations/{escalated}/claim", token)

    blank = call(gateway, "POST", f"/api/escalations/{escalated}/reply", token, {"text": "  "})
    unknown = call(gateway, "GET", "/api/escalations/999999", token)

    assert blank.status_code == 400
    assert blank.json()["field"] == "text"
    assert unknown.status_code == 404


def test_stop_is_obeyed_even_while_a_collector_owns_the_conversation(
    gateway: Gateway, escalated: int
) -> None:
    token = collector(gateway, "ana@example.com")
    call(gateway, "POST", f"/api/escalations/{escalated}/claim", token)

    replies = gateway.chat(CUSTOMER, "STOP")

    assert len(replies) == 1
    assert "unsubscribed" in replies[0]["text"]
    shown = call(gateway, "GET", f"/api/escalations/{escalated}", token).json()
    assert shown["messages"][-2]["body"] == "STOP"


def test_the_api_shows_the_summary_made_when_the_case_opened(
    gateway: Gateway, escalated: int
) -> None:
    token = collector(gateway, "sam@example.com")

    shown = call(gateway, "GET", f"/api/escalations/{escalated}", token).json()
    listed = call(gateway, "GET", "/api/escalations", token).json()["escalations"]

    summary = shown["summary"]
    assert (summary["reason"], summary["verified"], summary["balance"]) == (
        "customer_request", False, None
    )  # fmt: skip
    assert summary["last_messages"][-1]["text"] == "let me talk to a person"
    assert summary["intents"] == ["request_human"]
    assert listed[0]["summary"] == summary
