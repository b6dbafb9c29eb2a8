"""Texting the live stack over SMS and Telegram, as Twilio and Telegram deliver messages.

A customer's SMS is a form signed with twilio's ``RequestValidator`` and posted to the
gateway's Twilio webhook; a Telegram message is an update posted to the Telegram webhook
with the secret token. What the bot answers is what reached the providers' fakes (the real
Twilio and PTB clients send there), not the webhook's HTTP answer: the webhook answers at
once, and the turn worker and the dispatcher answer behind it, so each message is waited
for until its turn is done and nothing of its conversation is still on its way.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

import httpx
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from bot.db.models import Message
from tests.e2e.conftest import CHAT_TIMEOUT, TELEGRAM_SECRET, Stack
from tests.fakes.telegram_api import text_update
from tests.fakes.twilio_api import FROM as TWILIO_FROM

_ids = itertools.count(1)


def sms(stack: Stack, phone: str, *bodies: str) -> list[str]:
    """Texts each body in turn from ``phone``; returns the SMS the bot sent after the last."""
    answer: list[str] = []
    for body in bodies:
        before = len(stack.twilio.accepted)
        url = f"{stack.web_url}/webhooks/twilio/sms"
        form = {"From": phone, "To": TWILIO_FROM, "Body": body, "MessageSid": f"SMe2e{next(_ids)}"}
        signature = RequestValidator(stack.twilio.auth_token).compute_signature(url, form)
        response = httpx.post(
            url, data=form, headers={"X-Twilio-Signature": signature}, timeout=CHAT_TIMEOUT
        )
        assert response.status_code == 200, response.text
        settled(stack, "sms", form["MessageSid"])
        answer = [m["Body"] for m in stack.twilio.accepted[before:] if m["To"] == phone]
    return answer


def telegram(stack: Stack, chat_id: int, *texts: str) -> list[str]:
    """Sends each text in turn from ``chat_id``; returns what the bot sent after the last."""
    answer: list[str] = []
    for text in texts:
        before = len(stack.telegram.sent)
        update: dict[str, Any] = text_update(next(_ids), chat_id, text)
        response = httpx.post(
            f"{stack.web_url}/webhooks/telegram",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
            timeout=CHAT_TIMEOUT,
        )
        assert response.status_code == 200, response.text
        settled(stack, "telegram", f"u{update['update_id']}")
        answer = [
            str(m["text"])
            for m in stack.telegram.sent[before:]
            if str(m["chat_id"]) == str(chat_id)
        ]
    return answer


def settled(stack: Stack, channel: str, provider_id: str, timeout: float = 120.0) -> None:
    """Waits until the message is answered and its conversation's replies are sent."""
    deadline = time.monotonic() + timeout
    while True:
        with stack.db.connect() as connection:
            found = connection.execute(
                select(Message.conversation_id, Message.turn_state).where(
                    Message.channel == channel, Message.provider_id == provider_id
                )
            ).first()
            if found is not None and found.turn_state in (None, "done"):
                busy = connection.scalar(
                    select(func.count()).where(
                        Message.conversation_id == found.conversation_id,
                        Message.direction == "out",
                        Message.dispatch_state.in_(("pending", "sending")),
                    )
                )
                if not busy:
                    return
        if time.monotonic() > deadline:
            raise AssertionError(f"{channel} message {provider_id} not answered in {timeout} s")
        time.sleep(0.05)
