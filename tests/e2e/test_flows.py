"""Whole conversations through the gateway against live Rasa and action servers.

Each test is one demo customer (so the tests do not share an account) and asserts what the
conversation left in the AR database, not only what the bot said. NOW is Sunday
2026-11-22 15:00 UTC (tests/cli/runner.py), a Sunday in every US zone.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from bot.db.models import Dispute, Escalation, Installment, Invoice, PaymentPlan, Promise
from bot.policy.plans import offer_plan
from bot.policy.rules import DEFAULT_POLICY
from tests.e2e.chat import customer, say, verify
from tests.e2e.conftest import Stack

SUNDAY = date(2026, 11, 22)


def _promises(stack: Stack, account_id: int) -> list[tuple[Decimal, date, str, str]]:
    with stack.db.connect() as connection:
        rows = connection.execute(
            select(Promise.amount, Promise.due_date, Promise.status, Promise.channel)
            .where(Promise.account_id == account_id)
            .order_by(Promise.id)
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def _escalations(stack: Stack, account_id: int) -> list[tuple[str, str]]:
    with stack.db.connect() as connection:
        rows = connection.execute(
            select(Escalation.reason, Escalation.status)
            .where(Escalation.account_id == account_id)
            .order_by(Escalation.id)
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_a_confirmed_promise_is_recorded_with_its_amount_and_date(stack: Stack) -> None:
    james = customer(stack, "+12135550104")  # 890.40 past due, Los Angeles
    readback = " ".join(verify(stack, james, "i can pay $300 on friday"))
    assert "$300.00" in readback, readback
    assert "Nov 27" in readback, readback
    assert _promises(stack, james.account_id) == []

    done = " ".join(say(stack, james.phone, "yes"))

    assert "recorded" in done
    assert _promises(stack, james.account_id) == [
        (Decimal("300.00"), date(2026, 11, 27), "pending", "web")
    ]


def test_nothing_is_recorded_without_confirmation(stack: Stack) -> None:
    summit = customer(stack, "+13035550105")  # 5,600.00 past due: at least 1,400.00
    verify(stack, summit, "I'll pay 2000 next friday")

    said = " ".join(say(stack, summit.phone, "no"))

    assert "nothing has been recorded" in said.lower()
    assert _promises(stack, summit.account_id) == []


def test_a_question_mid_promise_is_answered_and_the_promise_goes_on(stack: Stack) -> None:
    desert = customer(stack, "+16025550106")  # 3,150.00 past due of 3,790.00
    asked = " ".join(verify(stack, desert, "i'll pay on the 30th"))
    assert "how much" in asked.lower(), asked

    digression = " ".join(say(stack, desert.phone, "wait how much do i owe in total"))
    assert "$3,790.00" in digression, digression
    assert "how much can you pay" in digression.lower(), "the form did not ask again"

    readback = " ".join(say(stack, desert.phone, "$1,000"))
    assert "$1,000.00" in readback, readback
    assert "Nov 30" in readback, readback
    say(stack, desert.phone, "yes")
    assert _promises(stack, desert.account_id) == [
        (Decimal("1000.00"), date(2026, 11, 30), "pending", "web")
    ]


def test_a_promise_over_the_balance_is_refused_and_a_smaller_one_taken(stack: Stack) -> None:
    greenfield = customer(
        stack, "+12125550109"
    )  # 650.00 collectible: 1,100.00 of 1,750.00 disputed
    refused = " ".join(verify(stack, greenfield, "i can pay 5000 tomorrow"))
    assert "more than you owe" in refused, refused
    assert "$650.00" in refused, refused

    readback = " ".join(say(stack, greenfield.phone, "500"))
    assert "$500.00" in readback, readback
    say(stack, greenfield.phone, "yes")

    assert _promises(stack, greenfield.account_id) == [
        (Decimal("500.00"), date(2026, 11, 23), "pending", "web")
    ]


def test_a_promise_too_far_out_is_refused(stack: Stack) -> None:
    phone = "+13055550128"
    who = customer(stack, phone)
    refused = " ".join(verify(stack, who, "i will pay 900 on january 20"))
    assert "Dec 6" in refused, refused  # the latest date allowed: today + 14 days
    say(stack, phone, "no")
    assert _promises(stack, who.account_id) == []


def test_an_accepted_plan_is_recorded_with_the_offered_schedule(stack: Stack) -> None:
    kodiak = customer(stack, "+19075550107")  # 7,420.00, Anchorage
    verify(stack, kodiak, "can i pay in installments")
    readback = " ".join(say(stack, kodiak.phone, "3 months"))
    assert "Reply YES" in readback, readback

    say(stack, kodiak.phone, "yes")

    expected = offer_plan(Decimal("7420.00"), SUNDAY, DEFAULT_POLICY, months=3)
    with stack.db.connect() as connection:
        plan = connection.execute(
            select(PaymentPlan.id, PaymentPlan.status, PaymentPlan.total).where(
                PaymentPlan.account_id == kodiak.account_id
            )
        ).one()
        schedule = connection.execute(
            select(Installment.due_date, Installment.amount)
            .where(Installment.plan_id == plan.id)
            .order_by(Installment.sequence)
        ).all()
    assert (plan.status, plan.total) == ("active", Decimal("7420.00"))
    assert [tuple(row) for row in schedule] == [
        (item.due_date, item.amount) for item in expected.installments
    ]


def test_a_counteroffer_refused_then_a_plan_accepted(stack: Stack) -> None:
    lakeside = customer(stack, "+18085550108")  # 12,800.00: above the approval limit
    verify(stack, lakeside, "i need a payment plan")
    counter = " ".join(say(stack, lakeside.phone, "12 months"))
    assert "at most 6 months" in counter, counter
    again = " ".join(say(stack, lakeside.phone, "no"))
    assert "spread it out" in again, again
    say(stack, lakeside.phone, "5 months")

    said = " ".join(say(stack, lakeside.phone, "yes"))

    assert "collector will review" in said
    with stack.db.connect() as connection:
        plans = connection.execute(
            select(PaymentPlan.status).where(PaymentPlan.account_id == lakeside.account_id)
        ).all()
    assert [row.status for row in plans] == ["pending_approval"]
    assert ("plan_approval", "open") in _escalations(stack, lakeside.account_id)


def test_a_dispute_puts_its_invoice_on_hold(stack: Stack) -> None:
    bayside = customer(stack, "+16175550101")
    asked = " ".join(verify(stack, bayside, "this invoice is wrong"))
    # the only open invoice is taken without asking which
    assert "reason" in asked.lower(), asked
    say(stack, bayside.phone, "1")
    done = " ".join(say(stack, bayside.phone, "you billed us twice for the same delivery"))

    with stack.db.connect() as connection:
        dispute = connection.execute(
            select(Dispute.reference, Dispute.reason, Dispute.status, Invoice.invoice_number)
            .join(Invoice, Invoice.id == Dispute.invoice_id)
            .where(Dispute.account_id == bayside.account_id)
        ).one()
    assert dispute.reference in done
    assert (dispute.reason, dispute.status, dispute.invoice_number) == (
        "wrong_amount",
        "open",
        "INV-1001-01",
    )
    assert ("dispute", "open") in _escalations(stack, bayside.account_id)
    balance = " ".join(say(stack, bayside.phone, "what do i owe"))
    assert "disputed" in balance.lower() or "on hold" in balance.lower(), balance


def test_asking_for_a_person_opens_an_escalation(stack: Stack) -> None:
    maria = customer(stack, "+13125550102")
    verify(stack, maria, "whats my balance")

    said = " ".join(say(stack, maria.phone, "let me talk to a real person"))

    assert "collector" in said.lower()
    assert _escalations(stack, maria.account_id) == [("customer_request", "open")]
    with stack.db.connect() as connection:
        stored = connection.scalar(
            select(Escalation.summary).where(Escalation.account_id == maria.account_id)
        )
    intents = json.loads(stored or "{}")["intents"]  # NLU's: no pattern reads an "inform"
    assert (intents[0], intents[-1]) == ("check_balance", "request_human")
    assert "inform" in intents


def test_three_wrong_verifications_lock_and_escalate(stack: Stack) -> None:
    phone = "+15035550113"
    who = customer(stack, phone)
    say(stack, phone, "how much do i owe")
    for _ in range(3):
        answer = " ".join(say(stack, phone, who.last4, "00000"))  # the wrong postal code
    assert "locked" in answer.lower() or "24 hours" in answer, answer
    assert "$" not in answer
    assert ("verification_failed", "open") in _escalations(stack, who.account_id)

    # the right answers no longer help while the lock lasts
    after = " ".join(say(stack, phone, "how much do i owe", who.last4, who.postal_code))
    assert "$" not in after, after
