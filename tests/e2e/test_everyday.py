"""Conversations in everyday words through the gateway against live Rasa and action servers
(issue 13): forms that never trap, refusals that offer the nearest choice, relative amounts,
requests without their details, venting, and follow-up questions.

Each test is one demo customer nobody else's test uses. NOW is Sunday 2026-11-22 15:00 UTC,
so the latest promise date is Sunday Dec 6.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from bot.db.models import Dispute, Installment, PaymentPlan, Promise
from tests.e2e.chat import customer, say, verify
from tests.e2e.conftest import Stack


def _promises(stack: Stack, account_id: int) -> list[tuple[Decimal, date, str]]:
    with stack.db.connect() as connection:
        rows = connection.execute(
            select(Promise.amount, Promise.due_date, Promise.status)
            .where(Promise.account_id == account_id)
            .order_by(Promise.id)
        ).all()
    return [(row.amount, row.due_date, row.status) for row in rows]


def test_a_promise_in_the_middle_of_a_dispute_leaves_it_and_yes_takes_the_offered_date(
    stack: Stack,
) -> None:
    priya = customer(stack, "+14155550118")  # 760.00 past due, Los Angeles
    # the Telegram test (test_channels) promises for the same account: only this test's
    before = len(_promises(stack, priya.account_id))
    asked = " ".join(verify(stack, priya, "i want to dispute an invoice")).lower()
    assert "reason" in asked, asked  # her only invoice is taken without asking which

    switched = " ".join(say(stack, priya.phone, "I get paid on the 15th, can I pay half then"))
    assert "leave the dispute" in switched, switched
    assert "Sunday, Dec 6" in switched, switched  # the 15th is too far: the latest date offered

    readback = " ".join(say(stack, priya.phone, "ok"))
    assert "$380.00" in readback, readback  # half of 760.00
    assert "Dec 6" in readback, readback

    done = " ".join(say(stack, priya.phone, "yes"))
    assert "recorded" in done, done
    thanked = " ".join(say(stack, priya.phone, "thanks"))
    assert "invoice" not in thanked.lower(), thanked

    made = _promises(stack, priya.account_id)[before:]
    assert made == [(Decimal("380.00"), date(2026, 12, 6), "pending")]
    with stack.db.connect() as connection:
        disputes = connection.execute(
            select(Dispute.id).where(Dispute.account_id == priya.account_id)
        ).all()
    assert disputes == []


def test_venting_is_not_an_opt_in_and_a_promise_without_details_is_taken(stack: Stack) -> None:
    luis = customer(stack, "+15125550120")  # 310.00 past due
    vented = " ".join(say(stack, luis.phone, "this is ridiculous you people keep texting me"))
    assert "frustrating" in vented, vented
    assert "subscribed" not in vented, vented  # not read as "text me again"

    amount_asked = " ".join(verify(stack, luis, "can I make a promise to pay?")).lower()
    assert "how much" in amount_asked, amount_asked
    date_asked = " ".join(say(stack, luis.phone, "all of it")).lower()
    assert "what date" in date_asked or "on what date" in date_asked, date_asked
    readback = " ".join(say(stack, luis.phone, "friday"))
    assert "$310.00" in readback, readback
    say(stack, luis.phone, "yes")

    assert _promises(stack, luis.account_id) == [(Decimal("310.00"), date(2026, 11, 27), "pending")]


def test_a_question_right_after_a_plan_is_answered_with_its_dates(stack: Stack) -> None:
    granite = customer(stack, "+16035550123")
    asked = " ".join(verify(stack, granite, "can I set up a payment arrangement")).lower()
    assert "months" in asked, asked
    say(stack, granite.phone, "3 months")
    say(stack, granite.phone, "yes")
    with stack.db.connect() as connection:
        first = connection.execute(
            select(Installment.due_date, Installment.amount)
            .join(PaymentPlan, PaymentPlan.id == Installment.plan_id)
            .where(PaymentPlan.account_id == granite.account_id)
            .order_by(Installment.sequence)
            .limit(1)
        ).one()

    answer = " ".join(say(stack, granite.phone, "when is the first payment?"))

    assert f"{first.due_date:%b} {first.due_date.day}" in answer, answer
    assert f"${first.amount:,.2f}" in answer, answer
