"""Talking to a person, fallbacks and contact preferences."""

from __future__ import annotations

from rasa_sdk.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    FollowupAction,
    SlotSet,
    UserUttered,
)

from actions.fallback import ActionFallback, fallbacks_in_a_row
from actions.handoff import ActionRequestHuman
from actions.preferences import (
    ALREADY_OUT,
    CEASED,
    OPTED_IN,
    OPTED_OUT,
    ActionCease,
    ActionOptIn,
    ActionOptOut,
)
from tests.actions.conftest import run, tracker
from tests.actions.fakes import FakeServices


def _not_understood(text: str) -> list[dict[str, object]]:
    return [
        UserUttered(text, {"text": text, "intent": {"name": "nlu_fallback"}, "entities": []}),
        ActionExecuted("action_fallback"),
        BotUttered("Sorry, I didn't get that."),
        ActionExecuted("action_listen"),
    ]


def test_request_human_escalates_and_says_when(services: FakeServices) -> None:
    outcome = run(
        ActionRequestHuman(),
        tracker("unverified", text="let me talk to a person", intent="request_human"),
    )

    assert services.calls.of("escalate") == [
        (
            ("customer_request",),
            {"channel": "sms", "address": "+16175550101", "account_number": None},
        )
    ]
    assert outcome.messages == [
        "I've asked a collector to take over this conversation. A collector will reply within "
        "one business day."
    ]
    assert outcome.events == []


def test_request_human_after_hardship_is_a_hardship_escalation(services: FakeServices) -> None:
    run(
        ActionRequestHuman(),
        tracker(
            text="yes a person please",
            intent="request_human",
            events=[
                UserUttered("i lost my job", {"intent": {"name": "hardship"}}),
                ActionExecuted("action_hardship"),
                BotUttered("I'm sorry you're going through this."),
                ActionExecuted("action_listen"),
            ],
        ),
    )

    ((args, kwargs),) = services.calls.of("escalate")
    assert args == ("hardship",)
    assert kwargs["account_number"] == "A-1003"


def test_request_human_leaves_an_active_form() -> None:
    outcome = run(
        ActionRequestHuman(),
        tracker(text="agent", intent="request_human", form="promise_form", requested="ptp_date"),
    )

    assert outcome.events == [ActiveLoop(None), SlotSet("requested_slot", None)]


def test_first_fallback_asks_to_rephrase(services: FakeServices) -> None:
    outcome = run(ActionFallback(), tracker(text="blorp", intent="nlu_fallback"))

    assert outcome.messages[0].startswith("Sorry, I didn't get that.")
    assert services.calls.made == []


def test_second_fallback_in_a_row_escalates_once(services: FakeServices) -> None:
    second = tracker(text="zzz", intent="nlu_fallback", events=_not_understood("blorp"))
    third = tracker(
        text="qqq", intent="nlu_fallback", events=_not_understood("blorp") + _not_understood("zzz")
    )

    outcome = run(ActionFallback(), second)
    again = run(ActionFallback(), third)

    assert fallbacks_in_a_row(second) == 2
    assert [args for args, _ in services.calls.of("escalate")] == [("fallback",)]
    assert "I've asked a person to help you" in outcome.text
    assert "will follow up" in again.text


def test_fallbacks_apart_do_not_escalate(services: FakeServices) -> None:
    understood = [UserUttered("hi", {"intent": {"name": "greet"}}), ActionExecuted("action_greet")]

    run(
        ActionFallback(),
        tracker(text="zzz", intent="nlu_fallback", events=_not_understood("blorp") + understood),
    )

    assert services.calls.made == []


def test_affirm_outside_a_form_is_a_plain_fallback(services: FakeServices) -> None:
    outcome = run(
        ActionFallback(), tracker(text="yes", intent="affirm", events=_not_understood("blorp"))
    )

    assert outcome.messages[0].startswith("Sorry, I didn't get that.")
    assert services.calls.made == []


def test_opt_out_of_this_channel(services: FakeServices) -> None:
    outcome = run(
        ActionOptOut(),
        tracker("unverified", text="stop texting me", intent="opt_out", sender="sms:+15550001"),
    )

    assert services.calls.of("opt_out") == [(("sms", "+15550001"), {})]
    assert outcome.messages == [OPTED_OUT]


def test_opt_out_twice_confirms_once_more_without_change(services: FakeServices) -> None:
    services.opt_changed = False

    outcome = run(ActionOptOut(), tracker(text="stop", intent="opt_out"))

    assert outcome.messages == [ALREADY_OUT]


def test_opt_in(services: FakeServices) -> None:
    outcome = run(
        ActionOptIn(), tracker(text="text me again", intent="opt_in", sender="telegram:550118")
    )

    assert services.calls.of("opt_in") == [(("telegram", "550118"), {})]
    assert outcome.messages == [OPTED_IN]


def test_cease_stops_every_channel(services: FakeServices) -> None:
    outcome = run(ActionCease(), tracker(text="talk to my lawyer", intent="cease_contact"))

    assert services.calls.of("cease") == [(("sms", "+16175550101"), {"account_number": "A-1003"})]
    assert outcome.messages == [CEASED]


def _after_the_hardship_offer() -> list[dict[str, object]]:
    said = "thats all i have"
    return [
        UserUttered(said, {"text": said, "intent": {"name": "hardship"}, "entities": []}),
        ActionExecuted("action_hardship"),
        BotUttered("I'm sorry you're going through this. ... Say \"payment plan\" to set it up"),
        ActionExecuted("action_listen"),
    ]


def test_an_unsure_yes_to_the_hardship_offer_starts_the_plan(services: FakeServices) -> None:
    """'ok a plan then' after the hardship offer: NLU is unsure (nlu_fallback), but a yes or a
    plan request is among its likeliest intents, so the plan starts rather than a rephrase."""
    said = tracker(
        "verified",
        text="ok a plan then",
        intent="nlu_fallback",
        events=_after_the_hardship_offer(),
    )
    said.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.4},
        {"name": "affirm", "confidence": 0.48},
        {"name": "request_payment_plan", "confidence": 0.41},
    ]

    outcome = run(ActionFallback(), said)

    assert outcome.events == [FollowupAction("action_start_plan")]
    assert outcome.messages == []


def test_something_else_after_the_hardship_offer_is_not_taken_as_a_yes(
    services: FakeServices,
) -> None:
    said = tracker(
        "verified", text="blorp", intent="nlu_fallback", events=_after_the_hardship_offer()
    )
    said.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.4},
        {"name": "out_of_scope", "confidence": 0.3},
        {"name": "greet", "confidence": 0.25},
    ]

    outcome = run(ActionFallback(), said)

    assert outcome.events == []
    assert outcome.messages[0].startswith("Sorry, I didn't get that.")


def test_a_case_opened_in_the_chat_carries_the_intents_nlu_read_in_order(
    services: FakeServices,
) -> None:
    run(
        ActionRequestHuman(),
        tracker(
            text="a person please",
            intent="request_human",
            events=[
                UserUttered("how much do i owe", {"intent": {"name": "check_balance"}}),
                ActionExecuted("action_check_balance"),
                ActionExecuted("action_listen"),
                UserUttered("i lost my job", {"intent": {"name": "hardship"}}),
                ActionExecuted("action_hardship"),
                ActionExecuted("action_listen"),
            ],
        ),
    )

    read = services.dialogue_intents
    assert read is not None
    assert read[-3:] == ["check_balance", "hardship", "request_human"]  # after the base's
