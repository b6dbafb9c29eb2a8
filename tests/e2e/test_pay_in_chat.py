"""Paying in the chat, end to end (SPEC §11): a promise, "pay now", the link, the fake
Stripe Checkout, a signed webhook — and the account shows the payment and the promise kept.

The stack runs with ``ARBOT_PAYMENT_PROVIDER=stripe`` against a fake Stripe API
(tests/fakes/stripe_api.py); the customer is demo account A-1029 (275.00 owed), which no
other e2e test uses.
"""

from __future__ import annotations

import json
import re

import httpx
from sqlalchemy import select

from bot.db.models import Message
from tests.cli.runner import arbot
from tests.e2e.chat import customer, say, verify
from tests.e2e.conftest import Stack

PHONE = "+16175550129"


def _link(texts: list[str], web_url: str) -> str:
    found = re.findall(rf"{re.escape(web_url)}/pay/[A-Za-z0-9_-]+", " ".join(texts))
    assert found, texts
    return str(found[0])


def test_a_customer_promises_pays_from_the_chat_and_the_promise_is_kept(stack: Stack) -> None:
    kevin = customer(stack, PHONE)
    verify(stack, kevin, "i can pay 275 on friday")
    recorded = say(stack, PHONE, "yes")
    assert "recorded" in " ".join(recorded), recorded
    _link(recorded, stack.web_url)  # a recorded promise is followed by its link

    link = _link(say(stack, PHONE, "send me a payment link"), stack.web_url)
    opened = httpx.get(link, follow_redirects=False, timeout=30)
    assert opened.status_code == 303, opened.text
    checkout = opened.headers["location"]
    assert checkout.startswith(stack.stripe.base_url)
    assert httpx.get(checkout, timeout=10).status_code == 200  # the fake Checkout page

    session_id = checkout.rsplit("/", 1)[-1]
    for event in stack.stripe.pay(session_id):
        body, headers = stack.stripe.signed(event)
        delivered = httpx.post(
            f"{stack.web_url}/webhooks/stripe", content=body, headers=headers, timeout=30
        )
        assert delivered.status_code == 200, delivered.text
        assert delivered.json()["outcome"] == "recorded"

    shown = arbot("show", "A-1029", "--json", database=stack.database_url)
    assert shown.code == 0, shown.err
    doc = json.loads(shown.out)
    (payment,) = [p for p in doc["payments"] if p["method"] == "stripe"]
    assert payment["amount"] == "275.00"
    assert doc["balance"] == "0.00"
    assert [p["status"] for p in doc["promises"] if p["amount"] == "275.00"] == ["kept"]
    with stack.db.connect() as connection:
        receipts = connection.scalars(
            select(Message.body).where(Message.address == PHONE, Message.author == "system")
        ).all()
    assert any("we received your payment of $275.00" in r for r in receipts), receipts
    again = httpx.get(link, follow_redirects=False, timeout=30)
    assert again.status_code == 200
    assert "Already paid" in again.text
