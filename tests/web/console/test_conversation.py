"""The conversation view: claim, reply on the customer's channel, notes, resolve.

A web-chat customer of account A-7 asks for a person (a real chat through the gateway,
with the fake dialogue engine answering); the collector works the case in the console.
"""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from bot.db.models import Escalation, EscalationNote, Message
from bot.services import delivery
from bot.services.escalations import escalate
from tests.services.console_seed import seed_account
from tests.web.console.conftest import ConsoleApp, LoginAs

PHONE = "+16175550101"
_REPLY_KEY = re.compile(r'name="reply_key" value="([0-9a-f]+)"')


def chat(console: ConsoleApp, text: str) -> None:
    """The customer writes on the web chat (the gateway records it, the fake answers)."""
    client = console.client()
    response = client.post("/webhooks/rest/webhook", json={"sender": PHONE, "message": text})
    assert response.status_code == 200, response.text


@pytest.fixture
def case_id(console: ConsoleApp) -> int:
    """Account A-7's customer asked for a person on the web chat: one open escalation."""
    with console.sessions() as session:
        seed_account(session, phone=PHONE)
    chat(console, "I want to talk to a person")
    with console.sessions() as session:
        return escalate(
            session, "customer_request", channel="web", address=PHONE, account_number="A-7",
            now=console.clock.now(),
        ).id  # fmt: skip


def url(case_id: int, action: str = "") -> str:
    return f"/console/escalations/{case_id}" + (f"/{action}" if action else "")


def post(client: TestClient, path: str, csrf: str, **fields: str) -> httpx.Response:
    return client.post(path, data={"csrf_token": csrf, **fields})


def status(console: ConsoleApp, case_id: int) -> tuple[str, int | None]:
    with console.sessions() as session:
        found = session.get(Escalation, case_id)
        assert found is not None
        return found.status, found.assigned_to


def test_an_anonymous_visitor_is_sent_to_the_login_page(client: TestClient, case_id: int) -> None:
    response = client.get(url(case_id))
    assert response.status_code == 303
    assert (
        response.headers["location"] == f"/console/login?next=%2Fconsole%2Fescalations%2F{case_id}"
    )
    assert client.post(url(case_id, "claim")).status_code == 303


def test_every_form_needs_the_session_s_csrf_token(
    console: ConsoleApp, login_as: LoginAs, case_id: int
) -> None:
    client, csrf = login_as("collector")
    for action, fields in (("claim", {}), ("reply", {"text": "hi"}), ("note", {"body": "n"}),
                           ("resolve", {})):  # fmt: skip
        refused = client.post(url(case_id, action), data=fields)
        assert refused.status_code == 403, action
        wrong = client.post(url(case_id, action), data={**fields, "csrf_token": "x" * 43})
        assert wrong.status_code == 403, action
    assert status(console, case_id) == ("open", None)


def test_claim_reply_and_resolve_send_the_answer_on_the_customer_s_channel(
    console: ConsoleApp, login_as: LoginAs, case_id: int
) -> None:
    client, csrf = login_as("collector", "ana@example.com")
    page = client.get(url(case_id))
    assert page.status_code == 200
    assert "I want to talk to a person" in page.text
    assert f'action="/console/escalations/{case_id}/reply"' not in page.text

    assert post(client, url(case_id, "claim"), csrf).status_code == 303
    page = client.get(url(case_id))
    key = _REPLY_KEY.search(page.text)
    assert key is not None, "the owner sees the reply form"
    reply = {"text": "Hello, this is Ana from billing.", "reply_key": key.group(1)}
    assert post(client, url(case_id, "reply"), csrf, **reply).status_code == 303

    with console.sessions() as session:
        sent = delivery.outbox(session, limit=10, address=PHONE)
    assert [(m.channel, m.author, m.body) for m in sent] == [
        ("web", "collector", "Hello, this is Ana from billing.")
    ]
    assert "Hello, this is Ana from billing." in client.get(url(case_id)).text
    silent = len(console.dialogue.calls)
    chat(console, "ok, thank you Ana")
    assert len(console.dialogue.calls) == silent, "the bot stays silent while Ana holds it"
    assert "ok, thank you Ana" in client.get(url(case_id)).text

    done = post(client, url(case_id, "resolve"), csrf, note="answered")
    assert done.status_code == 303
    assert done.headers["location"] == "/console/queue"
    assert status(console, case_id)[0] == "resolved"
    answered = len(console.dialogue.calls)
    chat(console, "thanks, one more question")
    assert len(console.dialogue.calls) == answered + 1, "the bot answers again"


def test_a_reply_form_sent_twice_reaches_the_customer_once(
    console: ConsoleApp, login_as: LoginAs, case_id: int
) -> None:
    client, csrf = login_as("collector")
    post(client, url(case_id, "claim"), csrf)
    key = _REPLY_KEY.search(client.get(url(case_id)).text)
    assert key is not None
    for _ in range(2):
        post(client, url(case_id, "reply"), csrf, text="On it.", reply_key=key.group(1))
    with console.sessions() as session:
        replies = session.scalars(select(Message.body).where(Message.author == "collector"))
        assert list(replies) == ["On it."]


def test_another_collector_cannot_reply_on_a_case_they_do_not_hold(
    console: ConsoleApp, login_as: LoginAs, case_id: int
) -> None:
    ana, ana_csrf = login_as("collector", "ana@example.com")
    bob, bob_csrf = login_as("collector", "bob@example.com")
    post(ana, url(case_id, "claim"), ana_csrf)

    page = bob.get(url(case_id))
    assert "by ana@example.com" in page.text
    assert "reply_key" not in page.text
    refused = post(bob, url(case_id, "reply"), bob_csrf, text="Hi, Bob here", reply_key="a" * 32)
    assert refused.status_code == 409
    assert f"escalation {case_id}: claim it before replying" in refused.text
    assert post(bob, url(case_id, "claim"), bob_csrf).status_code == 409
    assert post(bob, url(case_id, "resolve"), bob_csrf).status_code == 409
    with console.sessions() as session:
        assert delivery.outbox(session, limit=10, address=PHONE) == []
    assert status(console, case_id)[0] == "claimed"


def test_a_customer_s_markup_is_shown_as_text(
    console: ConsoleApp, login_as: LoginAs, case_id: int
) -> None:
    chat(console, "<script>alert('x')</script> & <b>bold</b>")
    client, _csrf = login_as("collector")
    page = client.get(url(case_id))
    assert (
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page.text
    )
    assert "<script>alert" not in page.text


def test_the_account_panel_shows_the_invoices_and_contact_preferences(
    login_as: LoginAs, case_id: int
) -> None:
    client, _csrf = login_as("collector")
    page = client.get(url(case_id)).text
    assert "A-7 · Customer A-7" in page
    for expected in ("I-1", "I-2", "I-3", "500.00", "SMS consent: yes", "Past due"):
        assert expected in page


def test_a_note_is_kept_with_the_case_and_never_sent(
    console: ConsoleApp, login_as: LoginAs, case_id: int
) -> None:
    client, csrf = login_as("collector", "ana@example.com")
    assert (
        post(client, url(case_id, "note"), csrf, body="Asked for <a call> back").status_code == 303
    )
    blank = post(client, url(case_id, "note"), csrf, body="   ")
    assert blank.status_code == 400
    assert "body: missing or blank" in blank.text

    page = client.get(url(case_id)).text
    assert "Asked for &lt;a call&gt; back" in page
    with console.sessions() as session:
        assert session.scalars(select(EscalationNote.body)).all() == ["Asked for <a call> back"]
    with console.sessions() as session:
        assert delivery.outbox(session, limit=10, address=PHONE) == []


def test_an_unknown_escalation_is_404(login_as: LoginAs) -> None:
    client, csrf = login_as("collector")
    assert client.get(url(999)).status_code == 404
    assert post(client, url(999, "claim"), csrf).status_code == 404
