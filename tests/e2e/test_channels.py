"""Whole conversations over SMS and Telegram, through the real Twilio and PTB adapters.

The customer's messages arrive as the providers deliver them (a signed Twilio webhook, a
Telegram update with the secret token); the bot's answers are what reached the providers'
fakes. Each test is one demo customer, and asserts what the conversation left in the AR
database. NOW is Sunday 2026-11-22 15:00 UTC: "friday" is 2026-11-27.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import httpx
from sqlalchemy import select

from bot.db.models import Account, Escalation, Message, Promise
from tests.cli.runner import NOW, arbot
from tests.e2e.channels import sms, telegram
from tests.e2e.conftest import Stack

FRIDAY = date(2026, 11, 27)


def _promises(stack: Stack, account_number: str) -> list[tuple[Decimal, date, str, str]]:
    with stack.db.connect() as connection:
        rows = connection.execute(
            select(Promise.amount, Promise.due_date, Promise.status, Promise.channel)
            .join(Account, Account.id == Promise.account_id)
            .where(Account.account_number == account_number)
            .order_by(Promise.id)
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_an_sms_conversation_records_a_promise(stack: Stack) -> None:
    phone = "+12065550103"  # Northwind Traders, 1003: 2,000.00 past due
    asked = " ".join(sms(stack, phone, "i can pay $600 on friday")).lower()
    assert "account number" in asked, asked

    readback = " ".join(sms(stack, phone, "1003", "98101"))
    assert "$600.00" in readback, readback
    assert "Nov 27" in readback, readback
    done = " ".join(sms(stack, phone, "yes"))

    assert "recorded" in done, done
    assert _promises(stack, "A-1003") == [(Decimal("600.00"), FRIDAY, "pending", "sms")]
    with stack.db.connect() as connection:
        sent = connection.execute(
            select(Message.provider, Message.provider_id, Message.delivery_status).where(
                Message.address == phone,
                Message.direction == "out",
                Message.created_at >= datetime.fromisoformat(NOW),  # not the demo's history
            )
        ).all()
    assert sent, "no outbound SMS in the transcript"
    assert {row.provider for row in sent} == {"twilio"}
    assert all(row.provider_id.startswith("SM") for row in sent)


def test_a_telegram_conversation_records_a_promise(stack: Stack) -> None:
    chat = 550118  # Priya Shah, 1018, a consumer: 760.00 past due
    first = telegram(stack, chat, "hi, i'll pay 200 on friday")
    assert "debt collector" in first[0], first
    assert "account number" in " ".join(first).lower(), first

    readback = " ".join(telegram(stack, chat, "1018", "94103"))
    assert "$200.00" in readback, readback
    done = " ".join(telegram(stack, chat, "yes"))

    assert "recorded" in done, done
    assert _promises(stack, "A-1018") == [(Decimal("200.00"), FRIDAY, "pending", "telegram")]


def _collector_token(stack: Stack, email: str) -> str:
    added = arbot("user", "add", email, "--role", "collector", database=stack.database_url)
    assert added.code == 0, added.err
    issued = arbot("user", "token", email, database=stack.database_url)
    assert issued.code == 0, issued.err
    return issued.out.split()[1]


def _api(stack: Stack, token: str, method: str, path: str, body: object = None) -> httpx.Response:
    return httpx.request(
        method,
        f"{stack.web_url}/api/escalations{path}",
        json=body,
        headers={"authorization": f"Bearer {token}"},
        timeout=30,
    )


def _open_request(stack: Stack, channel: str, address: str) -> int:
    with stack.db.connect() as connection:
        found = connection.scalar(
            select(Escalation.id).where(
                Escalation.channel == channel,
                Escalation.address == address,
                Escalation.reason == "customer_request",
                Escalation.status == "open",
            )
        )
    assert found is not None, f"no customer_request escalation for {channel}:{address}"
    return found


def test_an_sms_handoff_goes_to_the_collector_and_back_to_the_bot(stack: Stack) -> None:
    phone = "+442075550124"  # Thames Imports, 1024
    token = _collector_token(stack, "sms.collector@example.com")
    asked = " ".join(sms(stack, phone, "let me talk to a real person"))
    assert "collector" in asked, asked
    escalation = _open_request(stack, "sms", phone)
    assert _api(stack, token, "POST", f"/{escalation}/claim").status_code == 200

    assert sms(stack, phone, "hello? is someone there") == []  # the bot is silent
    shown = _api(stack, token, "GET", f"/{escalation}").json()
    assert shown["messages"][-1]["body"] == "hello? is someone there"
    replied = _api(stack, token, "POST", f"/{escalation}/reply", {"text": "Hi, Sam here."})
    assert replied.json()["status"] == "queued", replied.text
    assert stack.twilio.accepted[-1]["Body"] == "Hi, Sam here."
    assert stack.twilio.accepted[-1]["To"] == phone

    assert _api(stack, token, "POST", f"/{escalation}/resolve").status_code == 200
    assert sms(stack, phone, "how much do i owe") != []  # the bot answers again


def test_a_telegram_handoff_goes_to_the_collector_and_back_to_the_bot(stack: Stack) -> None:
    chat = 550115  # Blue Ridge Outfitters, 1015
    token = _collector_token(stack, "tg.collector@example.com")
    asked = " ".join(telegram(stack, chat, "i want to speak to a human"))
    assert "collector" in asked, asked
    escalation = _open_request(stack, "telegram", str(chat))
    assert _api(stack, token, "POST", f"/{escalation}/claim").status_code == 200

    assert telegram(stack, chat, "anyone?") == []
    replied = _api(stack, token, "POST", f"/{escalation}/reply", {"text": "Hi, Sam here."})
    assert replied.json()["status"] == "sent", replied.text
    assert stack.telegram.sent[-1] == {
        "chat_id": str(chat),
        "text": "Hi, Sam here.",
        "reply_markup": None,
    }

    assert _api(stack, token, "POST", f"/{escalation}/resolve").status_code == 200
    assert telegram(stack, chat, "how much do i owe") != []
