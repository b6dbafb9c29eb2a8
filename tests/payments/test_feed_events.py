"""The change feed (SPEC §15) carries what the chat did: a promise taken in a conversation
and a payment made through Stripe, each with its account, in commit order."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bot.repositories import events
from bot.services.integration import feed
from bot.services.promises import record_promise
from tests.payments.conftest import NOW, PayDesk
from tests.payments.test_webhooks import CENTS


def feed_after(desk: PayDesk, after: int) -> list[dict[str, Any]]:
    page: list[dict[str, Any]] = feed.page(desk.sessions, after, 1000)["events"]
    return page


def mark(desk: PayDesk) -> int:
    with desk.sessions() as session:
        return events.last_id(session)


def test_a_promise_taken_in_the_chat_and_paid_through_stripe_appear_in_the_feed(
    desk: PayDesk,
) -> None:
    start = mark(desk)
    with desk.sessions() as session:
        promise = record_promise(session, "A-7", Decimal("400.00"), date(2026, 11, 27),
                                 channel="sms", now=NOW, policy=desk.settings.policy)  # fmt: skip
    desk.pay(desk.link("promise"))

    page = feed_after(desk, start)

    assert [e["type"] for e in page][:2] == ["promise.created", "payment.received"]
    created, received = page[0], page[1]
    assert created["account_number"] == received["account_number"] == "A-7"
    assert created["data"]["id"] == promise.id
    assert created["data"]["channel"] == "sms"
    assert created["data"]["amount"] == "400.00"
    assert received["data"]["method"] == "stripe"
    assert received["data"]["payment_id"].startswith("pi_")
    assert received["data"]["amount"] == "400.00"
    assert received["data"]["applied"] == {"I-1": "400.00"}
    kept = [e for e in page if e["type"] == "promise.kept"]
    assert [e["data"]["id"] for e in kept] == [promise.id]
    ids = [e["id"] for e in page]
    assert ids == sorted(ids)


def test_a_stripe_refund_is_a_payment_reversed_event_with_its_escalation(desk: PayDesk) -> None:
    session_id = desk.pay(desk.link())
    start = mark(desk)

    desk.deliver_all([desk.stripe.refund(session_id, 500 * CENTS)])

    types = [(e["type"], e["account_number"]) for e in feed_after(desk, start)]
    assert ("payment.reversed", "A-7") in types
    assert ("escalation.opened", "A-7") in types
    reversed_ = next(e for e in feed_after(desk, start) if e["type"] == "payment.reversed")
    assert reversed_["data"]["amount"] == "500.00"


def test_a_refused_stripe_event_writes_no_feed_event(desk: PayDesk) -> None:
    link = desk.link()
    session_id = desk.checkout(link)
    start = mark(desk)

    [event] = [e for e in desk.stripe.pay(session_id, "card") if "completed" in e["type"]]
    response = desk.deliver(event, secret="whsec_forged")

    assert response.status_code == 400
    assert feed_after(desk, start) == []
