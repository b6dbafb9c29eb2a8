"""What a message inside a form is: an answer, a question, a new request or a cancel."""

from __future__ import annotations

import pytest

from bot.policy.form_turns import CONFIDENT, Turn, classify_turn


@pytest.mark.parametrize(
    ("form", "slot", "intent", "answers", "turn"),
    [
        # the form's own intents are answers ("i'll pay 300" while asked for the amount)
        ("promise_form", "ptp_amount", "promise_to_pay", False, Turn.ANSWER),
        ("dispute_form", "dispute_description", "claim_paid", False, Turn.ANSWER),
        ("plan_form", "plan_request", "request_payment_plan", False, Turn.ANSWER),
        # bare answers, usable or not, are tried as answers
        ("promise_form", "ptp_date", "inform", False, Turn.ANSWER),
        ("promise_form", "ptp_date", "affirm", False, Turn.ANSWER),
        ("dispute_form", "dispute_invoice", "out_of_scope", False, Turn.ANSWER),
        ("dispute_form", "dispute_invoice", "nlu_fallback", False, Turn.ANSWER),
        # questions and courtesies are answered first
        ("dispute_form", "dispute_invoice", "check_balance", False, Turn.DIGRESSION),
        ("promise_form", "ptp_amount", "thank", False, Turn.DIGRESSION),
        ("plan_form", "plan_confirmed", "help", False, Turn.DIGRESSION),
        ("verification_form", "verify_account", "ask_who", False, Turn.DIGRESSION),
        # another request leaves the form ("I get paid on the 15th, can I pay half then")
        ("dispute_form", "dispute_invoice", "promise_to_pay", False, Turn.SWITCH),
        ("plan_form", "plan_request", "promise_to_pay", False, Turn.SWITCH),
        ("promise_form", "ptp_amount", "request_payment_plan", False, Turn.SWITCH),
        ("promise_form", "ptp_date", "pay_now", False, Turn.SWITCH),
        ("dispute_form", "dispute_reason", "hardship", False, Turn.SWITCH),
        # a confident request that also carries a usable answer is an answer ...
        ("plan_form", "plan_request", "promise_to_pay", True, Turn.ANSWER),
        # ... unless it must always be honoured
        ("promise_form", "ptp_amount", "request_human", True, Turn.SWITCH),
        ("promise_form", "ptp_amount", "opt_out", True, Turn.SWITCH),
        ("dispute_form", "dispute_description", "cease_contact", True, Turn.SWITCH),
        ("dispute_form", "dispute_invoice", "goodbye", False, Turn.SWITCH),
        # a no cancels, except where no answers the question
        ("promise_form", "ptp_amount", "deny", False, Turn.CANCEL),
        ("dispute_form", "dispute_invoice", "deny", False, Turn.CANCEL),
        ("promise_form", "ptp_confirmed", "deny", False, Turn.ANSWER),
        ("plan_form", "plan_confirmed", "deny", False, Turn.ANSWER),
        ("plan_form", "plan_request", "deny", False, Turn.ANSWER),
    ],
)
def test_a_confident_message_is_classified(
    form: str, slot: str, intent: str, answers: bool, turn: Turn
) -> None:
    assert classify_turn(form, slot, intent, 0.95, answers_question=answers) is turn


@pytest.mark.parametrize("intent", ["promise_to_pay", "check_balance", "request_human", "deny"])
def test_an_unsure_message_is_tried_as_the_answer(intent: str) -> None:
    unsure = CONFIDENT - 0.01
    turn = classify_turn("dispute_form", "dispute_invoice", intent, unsure, answers_question=False)
    assert turn is Turn.ANSWER


def test_no_intent_is_an_answer() -> None:
    turn = classify_turn("promise_form", "ptp_amount", None, 0.0, answers_question=False)
    assert turn is Turn.ANSWER


def test_a_question_is_answered_first_even_when_it_could_be_the_answer() -> None:
    turn = classify_turn(
        "dispute_form", "dispute_description", "check_balance", 0.9, answers_question=True
    )
    assert turn is Turn.DIGRESSION


def test_a_no_that_also_answers_is_an_answer() -> None:
    turn = classify_turn("dispute_form", "dispute_reason", "deny", 0.9, answers_question=True)
    assert turn is Turn.ANSWER
