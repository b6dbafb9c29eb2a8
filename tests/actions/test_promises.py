"""Promise to pay: start, validation against the rules, read-back, record only after yes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet

from actions.promises import (
    ActionAskPtpConfirmed,
    ActionRecordPromise,
    ActionStartPromise,
    ValidatePromiseForm,
)
from tests.actions.conftest import run, tracker
from tests.actions.fakes import FakeServices

FORM = "promise_form"
RESET = [SlotSet("ptp_amount", None), SlotSet("ptp_date", None), SlotSet("ptp_confirmed", None)]


def _answer(text: str, requested: str | None, **kwargs: Any) -> Tracker:
    return tracker(text=text, intent="promise_to_pay", form=FORM, requested=requested, **kwargs)


def test_start_keeps_amount_and_date_of_the_request() -> None:
    outcome = run(
        ActionStartPromise(),
        tracker(
            text="i'll pay 300 bucks friday", entities={"amount": "300 bucks", "date": "friday"}
        ),
    )

    assert outcome.flow_events == [
        SlotSet("ptp_amount", "300 bucks"),
        SlotSet("ptp_date", "friday"),
        SlotSet("ptp_confirmed", None),
        FollowupAction("promise_form"),
    ]


def test_prefilled_amount_and_date_are_normalised_and_checked(services: FakeServices) -> None:
    outcome = run(
        ValidatePromiseForm(),
        _answer(
            "i'll pay 300 bucks friday",
            None,
            candidates={"ptp_amount": "300 bucks", "ptp_date": "friday"},
        ),
    )

    assert outcome.flow_slots() == {"ptp_amount": "300.00", "ptp_date": "2026-11-27"}
    assert outcome.messages == []
    assert services.calls.of("check_promise") == [
        (("A-1003", Decimal("300.00"), date(2026, 11, 27)), {})
    ]


def test_date_is_read_in_the_customers_time_zone(services: FakeServices) -> None:
    run(ValidatePromiseForm(), _answer("tomorrow", "ptp_date", entities={"date": "tomorrow"}))

    assert services.calls.of("balance_view")[0][1]["default_timezone"].key == "America/New_York"


def test_bare_amount_reply_is_taken_when_asked_for() -> None:
    outcome = run(ValidatePromiseForm(), _answer("twelve fifty", "ptp_amount"))

    assert outcome.flow_slots() == {"ptp_amount": "1250.00"}


def test_unreadable_date_is_asked_again() -> None:
    outcome = run(ValidatePromiseForm(), _answer("payday", "ptp_date", entities={"date": "payday"}))

    assert outcome.flow_slots() == {"ptp_date": None}
    assert outcome.messages == ["Sorry, I didn't catch a date."]


def test_amount_below_minimum_offers_a_plan_and_keeps_the_date(services: FakeServices) -> None:
    outcome = run(
        ValidatePromiseForm(),
        _answer(
            "$100", "ptp_amount", entities={"amount": "$100"}, slots={"ptp_date": "2026-11-27"}
        ),
    )

    assert outcome.messages == [
        "The smallest promise I can take is $237.50. If that's too much right now, say "
        '"payment plan" and I\'ll offer you monthly payments instead.'
    ]
    assert outcome.slots()["ptp_amount"] is None
    assert "ptp_date" not in outcome.slots()


def test_amount_over_balance_quotes_the_most_allowed() -> None:
    outcome = run(
        ValidatePromiseForm(),
        _answer(
            "$2,000", "ptp_amount", entities={"amount": "$2,000"}, slots={"ptp_date": "2026-11-27"}
        ),
    )

    assert outcome.messages == [
        "That's more than you owe: the most I can take is $1,250.00. Shall I use that?"
    ]
    assert outcome.slots()["ptp_amount"] is None


def test_date_too_far_quotes_the_latest_date_and_keeps_the_amount() -> None:
    outcome = run(
        ValidatePromiseForm(),
        _answer("dec 20", "ptp_date", entities={"date": "dec 20"}, slots={"ptp_amount": "300.00"}),
    )

    assert outcome.messages == [
        "The latest date I can take is Wednesday, Dec 9. Shall I put it down for that day?"
    ]
    assert outcome.flow_slots() == {"ptp_date": None}


def test_past_date_is_refused() -> None:
    outcome = run(
        ValidatePromiseForm(),
        _answer("nov 20", "ptp_date", entities={"date": "nov 20"}, slots={"ptp_amount": "300.00"}),
    )

    assert outcome.messages == [
        "That date has already passed. Pick a date up to Wednesday, Dec 9, or today."
    ]
    assert outcome.flow_slots() == {"ptp_date": None}


def test_confirmation_answer_is_not_checked_again(services: FakeServices) -> None:
    outcome = run(
        ValidatePromiseForm(),
        _answer(
            "yes",
            "ptp_confirmed",
            slots={"ptp_amount": "300.00", "ptp_date": "2026-11-27"},
            candidates={"ptp_confirmed": True},
        ),
    )

    assert outcome.flow_slots() == {"ptp_confirmed": True}
    assert services.calls.made == []


def test_read_back_names_amount_weekday_and_date() -> None:
    outcome = run(
        ActionAskPtpConfirmed(), tracker(slots={"ptp_amount": "300.00", "ptp_date": "2026-12-04"})
    )

    assert outcome.messages == [
        "You'll pay $300.00 on Friday, Dec 4. Reply YES to confirm or NO to change it."
    ]
    assert outcome.flow_events == []


def test_confirmed_promise_is_recorded_and_the_form_reset(services: FakeServices) -> None:
    outcome = run(
        ActionRecordPromise(),
        tracker(
            text="yes",
            intent="affirm",
            slots={"ptp_amount": "1250.00", "ptp_date": "2026-12-04", "ptp_confirmed": True},
        ),
    )

    assert services.calls.of("record_promise") == [
        (("A-1003", Decimal("1250.00"), date(2026, 12, 4)), {"channel": "sms"})
    ]
    assert outcome.messages == [
        "Thank you. Your promise to pay $1,250.00 on Friday, Dec 4 is recorded."
    ]
    assert outcome.flow_events == RESET


def test_replacing_promise_says_so(services: FakeServices) -> None:
    services.promise_replaced = 40

    outcome = run(
        ActionRecordPromise(),
        tracker(slots={"ptp_amount": "300.00", "ptp_date": "2026-12-04", "ptp_confirmed": True}),
    )

    assert outcome.text.endswith("It replaces your earlier promise.")


def test_denied_promise_is_not_recorded(services: FakeServices) -> None:
    outcome = run(
        ActionRecordPromise(),
        tracker(
            text="no",
            intent="deny",
            slots={"ptp_amount": "300.00", "ptp_date": "2026-12-04", "ptp_confirmed": False},
        ),
    )

    assert services.calls.of("record_promise") == []
    assert outcome.messages[0].startswith("OK, I haven't recorded anything.")
    assert outcome.flow_events == RESET


def test_unanswered_confirmation_records_nothing(services: FakeServices) -> None:
    outcome = run(
        ActionRecordPromise(), tracker(slots={"ptp_amount": "300.00", "ptp_date": "2026-12-04"})
    )

    assert services.calls.of("record_promise") == []
    assert "haven't recorded" in outcome.text
