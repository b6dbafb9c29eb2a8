"""Forms never trap (actions/forms.py): questions and new requests are let through, unusable
answers are counted and the second offers a way out, refusals offer the nearest valid choice
and a short "yes" picks it, relative amounts resolve against the account."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from actions.balance import ActionCheckBalance
from actions.disputes import ValidateDisputeForm
from actions.fallback import ActionBareAnswer, ActionFallback
from actions.greeting import ActionGoodbye, ActionOutOfScope
from actions.handoff import ActionBotChallenge
from actions.plans import ValidatePlanForm
from actions.preferences import ActionOptIn
from actions.promises import ActionStartPromise, ValidatePromiseForm
from actions.replies import HUMAN_REQUESTED, NOT_CAUGHT, STILL_NOT_CAUGHT, VENTING
from tests.actions.conftest import run, tracker
from tests.actions.fakes import Commitment, FakeServices, PlanView

PROMISE, DISPUTE, PLAN = "promise_form", "dispute_form", "plan_form"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("wait how much do i owe", "check_balance"),
        ("thanks", "thank"),
        ("I get paid on the 15th, can I pay half then", "promise_to_pay"),
        ("can I just talk to a person", "request_human"),
        ("bye", "goodbye"),
        ("no", "deny"),
    ],
)
def test_a_question_a_new_request_or_a_no_is_left_to_the_rules(
    text: str, intent: str, services: FakeServices
) -> None:
    outcome = run(
        ValidateDisputeForm(),
        tracker(text=text, intent=intent, form=DISPUTE, requested="dispute_invoice"),
    )

    assert outcome.events == []  # nothing filled: Rasa rejects the form and the rules act
    assert outcome.messages == []


def test_an_unusable_answer_is_said_and_counted() -> None:
    outcome = run(
        ValidatePromiseForm(),
        tracker(text="dunno", intent="inform", form=PROMISE, requested="ptp_date"),
    )

    assert outcome.messages == [NOT_CAUGHT]
    assert outcome.slots()["form_misses"] == "ptp_date:1"


def test_the_second_unusable_answer_in_a_row_offers_a_way_out() -> None:
    outcome = run(
        ValidatePromiseForm(),
        tracker(
            text="hmm whenever",
            intent="out_of_scope",
            form=PROMISE,
            requested="ptp_date",
            slots={"form_misses": "ptp_date:1", "ptp_amount": "300.00"},
        ),
    )

    assert outcome.messages == [STILL_NOT_CAUGHT]
    assert [b["title"] for b in outcome.buttons] == [
        "Today",
        "Wednesday, Dec 9",
        "Talk to a person",
        "Cancel",
    ]
    assert outcome.buttons[1]["payload"] == '/inform{"date":"2026-12-09"}'
    assert outcome.buttons[2:] == [
        {"title": "Talk to a person", "payload": "/request_human"},
        {"title": "Cancel", "payload": "/deny"},
    ]
    assert outcome.slots()["form_misses"] == "ptp_date:2"


def test_misses_of_another_question_do_not_count() -> None:
    outcome = run(
        ValidatePromiseForm(),
        tracker(
            text="dunno",
            intent="inform",
            form=PROMISE,
            requested="ptp_date",
            slots={"form_misses": "ptp_amount:1"},
        ),
    )

    assert outcome.slots()["form_misses"] == "ptp_date:1"
    assert outcome.buttons == []


def test_venting_inside_a_form_gets_empathy() -> None:
    outcome = run(
        ValidatePromiseForm(),
        tracker(
            text="this is ridiculous you people keep texting me",
            intent="out_of_scope",
            form=PROMISE,
            requested="ptp_amount",
        ),
    )

    assert outcome.messages == [VENTING]


def test_a_usable_answer_clears_the_misses() -> None:
    outcome = run(
        ValidatePromiseForm(),
        tracker(
            text="friday",
            intent="inform",
            entities={"date": "friday"},
            form=PROMISE,
            requested="ptp_date",
            slots={"form_misses": "ptp_date:1"},
        ),
    )

    assert outcome.slots()["ptp_date"] == "2026-11-27"
    assert outcome.slots()["form_misses"] is None


def test_a_date_too_far_offers_the_latest_date() -> None:
    outcome = run(
        ValidatePromiseForm(),
        tracker(
            text="dec 20",
            intent="inform",
            entities={"date": "dec 20"},
            form=PROMISE,
            requested="ptp_date",
            slots={"ptp_amount": "300.00"},
        ),
    )

    assert outcome.buttons == [
        {"title": "Wednesday, Dec 9", "payload": '/inform{"date":"2026-12-09"}'}
    ]
    assert json.loads(outcome.slots()["form_offer"]) == {"ptp_date": "2026-12-09"}
    assert outcome.slots()["ptp_date"] is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("yes", "affirm"),
        ("ok", "inform"),
        ("that one", "out_of_scope"),
        ("ok then", "inform"),
        ("ok whatever, yes", "nlu_fallback"),
    ],
)
def test_a_short_yes_picks_the_offered_date(text: str, intent: str) -> None:
    outcome = run(
        ValidatePromiseForm(),
        tracker(
            text=text,
            intent=intent,
            form=PROMISE,
            requested="ptp_date",
            slots={"ptp_amount": "300.00", "form_offer": '{"ptp_date": "2026-12-09"}'},
        ),
    )

    assert outcome.slots()["ptp_date"] == "2026-12-09"
    assert outcome.messages == []


def test_another_date_said_after_the_offer_is_taken_instead() -> None:
    outcome = run(
        ValidatePromiseForm(),
        tracker(
            text="the 7th then",
            intent="inform",
            entities={"date": "the 7th"},
            form=PROMISE,
            requested="ptp_date",
            slots={"ptp_amount": "300.00", "form_offer": '{"ptp_date": "2026-12-09"}'},
        ),
    )

    assert outcome.slots()["ptp_date"] == "2026-12-07"


def test_an_amount_below_the_minimum_offers_the_minimum_and_a_plan() -> None:
    outcome = run(
        ValidatePromiseForm(),
        tracker(
            text="100",
            intent="inform",
            entities={"amount": "100"},
            form=PROMISE,
            requested="ptp_amount",
            slots={"ptp_date": "2026-11-27"},
        ),
    )

    assert outcome.buttons == [
        {"title": "$237.50 (the minimum)", "payload": '/inform{"amount":"237.50"}'},
        {"title": "Set up a payment plan", "payload": "/request_payment_plan"},
    ]
    assert json.loads(outcome.slots()["form_offer"]) == {"ptp_amount": "237.50"}


def test_an_amount_over_the_balance_offers_the_balance() -> None:
    outcome = run(
        ValidatePromiseForm(),
        tracker(
            text="5000",
            intent="inform",
            entities={"amount": "5000"},
            form=PROMISE,
            requested="ptp_amount",
            slots={"ptp_date": "2026-11-27"},
        ),
    )

    assert outcome.buttons == [{"title": "$1,250.00", "payload": '/inform{"amount":"1250.00"}'}]


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("half", "625.00"),
        ("all of it", "1250.00"),
        ("the full amount", "1250.00"),
        ("the rest", "1250.00"),
        ("the past due amount", "950.00"),
        ("the minimum", "237.50"),
    ],
)
def test_a_relative_amount_resolves_against_the_account(text: str, amount: str) -> None:
    outcome = run(
        ValidatePromiseForm(),
        tracker(
            text=text,
            intent="inform",
            entities={"amount": text},
            form=PROMISE,
            requested="ptp_amount",
        ),
    )

    assert outcome.slots()["ptp_amount"] == amount


def test_a_promise_asked_in_the_middle_of_a_dispute_leaves_it_and_says_so() -> None:
    outcome = run(
        ActionStartPromise(),
        tracker(
            text="I get paid on the 15th, can I pay half then",
            intent="promise_to_pay",
            entities={"date": "the 15th"},
            form=DISPUTE,
            requested="dispute_invoice",
        ),
    )

    assert outcome.messages == ["OK, let's leave the dispute for now."]
    slots = outcome.slots()
    assert {"event": "active_loop", "name": None, "timestamp": None} in outcome.events
    assert (slots["dispute_invoice"], slots["ptp_amount"], slots["ptp_date"]) == (
        None,
        "share:half_balance",
        "the 15th",
    )


def test_a_plan_proposal_with_a_promise_intent_is_still_a_proposal(
    services: FakeServices,
) -> None:
    outcome = run(
        ValidatePlanForm(),
        tracker(
            text="i can pay 200 a month",
            intent="promise_to_pay",
            entities={"amount": "200"},
            form=PLAN,
            requested="plan_request",
        ),
    )

    assert outcome.slots()["plan_request"] == "amount:200.00"


def test_the_balance_answer_tells_the_promise_and_the_plan(services: FakeServices) -> None:
    services.balance = replace(
        services.balance,
        promise=Commitment(date(2026, 11, 27), Decimal("300.00")),
        plan=PlanView(
            "active",
            (
                Commitment(date(2026, 12, 1), Decimal("200.00")),
                Commitment(date(2027, 1, 1), Decimal("200.00")),
            ),
        ),
    )

    outcome = run(ActionCheckBalance(), tracker(text="when is the first payment?"))

    assert "You've promised to pay $300.00 on Friday, Nov 27." in outcome.text
    assert (
        "Your payment plan's next payment is $200.00 on Tuesday, Dec 1, then 1 more monthly "
        "payment of $200.00, the last on Friday, Jan 1." in outcome.text
    )


def test_venting_outside_a_form_gets_empathy_not_the_menu() -> None:
    vent = run(ActionOutOfScope(), tracker(text="this is ridiculous", intent="out_of_scope"))
    other = run(ActionOutOfScope(), tracker(text="what's the weather", intent="out_of_scope"))

    assert vent.messages == [VENTING]
    assert (other.messages, other.responses) == ([], ["utter_default"])


def test_goodbye_leaves_the_form() -> None:
    outcome = run(
        ActionGoodbye(),
        tracker(text="bye", intent="goodbye", form=DISPUTE, requested="dispute_reason"),
    )

    assert outcome.responses == ["utter_goodbye"]
    assert {"event": "active_loop", "name": None, "timestamp": None} in outcome.events


def test_venting_read_as_opt_in_does_not_subscribe(services: FakeServices) -> None:
    outcome = run(
        ActionOptIn(),
        tracker(
            "unverified", text="this is ridiculous you people keep texting me", intent="opt_in"
        ),
    )

    assert outcome.messages == [VENTING]
    assert services.calls.of("opt_in") == []


def test_a_no_to_the_offer_does_not_pick_it() -> None:
    outcome = run(
        ValidatePromiseForm(),
        tracker(
            text="no not that day",
            intent="inform",
            form=PROMISE,
            requested="ptp_date",
            slots={"ptp_amount": "300.00", "form_offer": '{"ptp_date": "2026-12-09"}'},
        ),
    )

    assert "ptp_date" not in outcome.slots()


def test_a_no_that_answers_the_reason_is_the_reason() -> None:
    outcome = run(
        ValidateDisputeForm(),
        tracker(
            text="no we never received it",
            intent="deny",
            form=DISPUTE,
            requested="dispute_reason",
            slots={"dispute_invoice": "INV-1003-01"},
        ),
    )

    assert outcome.slots()["dispute_reason"] == "not_received"


@pytest.mark.parametrize(
    ("text", "entities", "prefilled"),
    [
        ("ok um 4114", {}, "4114"),
        ("A-1003", {"account_number": "A-1003"}, "A-1003"),
        ("balance. acct 72004162 zip 63101", {}, None),  # both, read by the form itself
        ("19103", {}, None),  # a 5-digit number may be a ZIP: the form asks
    ],
)
def test_a_bare_answer_from_a_stranger_starts_verification(
    text: str, entities: dict[str, str], prefilled: str | None, services: FakeServices
) -> None:
    outcome = run(ActionBareAnswer(), tracker("unverified", text=text, entities=entities))

    assert outcome.slots().get("verify_account") == prefilled
    assert outcome.slots()["pending_request"] == "balance"
    assert {"event": "followup", "name": "verification_form", "timestamp": None} in (outcome.events)


@pytest.mark.parametrize(
    ("text", "entities", "base"),
    [
        ("$300", {"amount": "$300"}, "unverified"),
        ("lol", {}, "unverified"),
        ("4114", {}, "verified"),
    ],
)
def test_other_bare_answers_are_not_understood(
    text: str, entities: dict[str, str], base: str, services: FakeServices
) -> None:
    outcome = run(ActionBareAnswer(), tracker(base, text=text, entities=entities))

    assert "pending_request" not in outcome.slots()
    assert outcome.messages  # the rephrase prompt


def test_a_demand_for_a_person_read_as_are_you_a_bot_gets_one(services: FakeServices) -> None:
    outcome = run(
        ActionBotChallenge(),
        tracker(text="im not talking to a robot. get me a real person NOW", intent="bot_challenge"),
    )

    assert [c[0][0] for c in services.calls.of("escalate")] == ["customer_request"]
    assert outcome.messages == [HUMAN_REQUESTED]


def test_are_you_a_bot_is_answered(services: FakeServices) -> None:
    outcome = run(
        ActionBotChallenge(), tracker(text="are you a real person?", intent="bot_challenge")
    )

    assert outcome.responses == ["utter_bot_challenge"]
    assert services.calls.of("escalate") == []


def test_an_amount_per_month_said_as_a_promise_is_a_plan() -> None:
    outcome = run(
        ActionStartPromise(),
        tracker(text="i'll pay 50 a month, take it or leave it", intent="promise_to_pay"),
    )

    assert outcome.events == [{"event": "followup", "name": "action_start_plan", "timestamp": None}]


def test_a_reason_given_instead_of_the_invoice_is_kept() -> None:
    outcome = run(
        ValidateDisputeForm(),
        tracker(
            text="the one from last month, i dont think we ever got that delivery",
            intent="dispute",
            form=DISPUTE,
            requested="dispute_invoice",
        ),
    )

    assert outcome.slots()["dispute_reason"] == "not_received"


def test_back_after_a_question_the_question_is_not_the_answer() -> None:
    back = tracker(
        text="ok so what do i owe now then",
        intent="check_balance",
        form=DISPUTE,
        requested="dispute_description",
        events=[],
    )
    # the form runs again after action_check_balance answered: nothing is taken from it
    back.events.insert(-2, {"event": "action", "name": "action_check_balance"})

    assert run(ValidateDisputeForm(), back).events == []


def test_a_promise_request_with_a_bare_number_keeps_the_amount() -> None:
    outcome = run(
        ActionStartPromise(),
        tracker(
            text="can i pay 500 on the 15th?",
            intent="promise_to_pay",
            entities={"date": "the 15th"},
        ),
    )

    assert outcome.slots()["ptp_amount"] == "500.00"


def test_a_number_not_understood_from_a_stranger_starts_verification(
    services: FakeServices,
) -> None:
    outcome = run(ActionFallback(), tracker("unverified", text="ok um 4114", intent="nlu_fallback"))

    assert outcome.slots()["verify_account"] == "4114"
    assert services.calls.of("escalate") == []


def test_a_described_no_is_the_description() -> None:
    outcome = run(
        ValidateDisputeForm(),
        tracker(
            text="no we never received it",
            intent="deny",
            form=DISPUTE,
            requested="dispute_description",
            slots={"dispute_invoice": "INV-1003-01", "dispute_reason": "not_received"},
        ),
    )

    assert outcome.slots()["dispute_description"] == "no we never received it"
