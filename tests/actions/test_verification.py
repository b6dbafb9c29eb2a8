"""validate_verification_form: answers from entities or bare replies, checked by the service."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.verification import ValidateVerificationForm, account_in_reply, postal_in_reply
from tests.actions.conftest import run, tracker
from tests.actions.fakes import FakeServices, Verification

FORM = "verification_form"


def _answer(text: str, requested: str | None, **kwargs: Any) -> Tracker:
    return tracker("unverified", text=text, form=FORM, requested=requested, **kwargs)


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("A-1003", "A-1003"),
        ("a1003", "a1003"),
        ("1003", "1003"),
        ("my account number is A-7780", "A-7780"),
        ("acct # A5508", "A5508"),
        ("A 1003", "A1003"),
        ("who is this?", None),
        ("i don't know", None),
        ("i paid 300 on the 10th", None),
        ("", None),
    ],
)
def test_account_in_reply(reply: str, expected: str | None) -> None:
    assert account_in_reply(reply) == expected


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("02110", "02110"),
        ("zip 60614-1234", "60614-1234"),
        ("my zip is 33139", "33139"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("billing postal code: SW1A 1AA", "SW1A 1AA"),
        ("why do you need that", None),
        ("I think it's 02110 but i moved in 2019 to a new place", None),
    ],
)
def test_postal_in_reply(reply: str, expected: str | None) -> None:
    assert postal_in_reply(reply) == expected


def test_account_from_bare_reply_then_postal_code_is_asked(services: FakeServices) -> None:
    outcome = run(ValidateVerificationForm(), _answer("A-1003", "verify_account"))

    assert outcome.slots() == {"verify_account": "A-1003"}
    assert outcome.messages == []
    assert services.calls.made == []


def test_non_answer_is_not_taken_as_account(services: FakeServices) -> None:
    outcome = run(ValidateVerificationForm(), _answer("who is this?", "verify_account"))

    assert "verify_account" not in outcome.slots()
    assert outcome.slots()["form_misses"] == "verify_account:1"  # the second offers a way out
    assert services.calls.made == []


def test_an_amount_the_model_tags_as_an_account_number_is_not_taken(
    services: FakeServices,
) -> None:
    """ "i paid 300 on the 10th": the model may tag 300 as an account number; fewer than
    the last 4 digits is none, so the form still asks for the account number."""
    said = _answer(
        "i paid 300 on the 10th, why am i still getting these messages",
        "verify_account",
        intent="claim_paid",
        entities={"account_number": "300", "date": "the 10th"},
    )
    outcome = run(ValidateVerificationForm(), said)

    assert "verify_account" not in outcome.slots()
    assert services.calls.made == []


def test_a_question_is_left_to_the_rules(services: FakeServices) -> None:
    asked = tracker(
        "unverified", text="who is this?", intent="ask_who", form=FORM, requested="verify_account"
    )

    assert run(ValidateVerificationForm(), asked).events == []
    assert services.calls.made == []


def test_the_second_unusable_answer_offers_a_person_and_cancel(services: FakeServices) -> None:
    stuck = tracker(
        "unverified",
        text="huh",
        intent="nlu_fallback",
        form=FORM,
        requested="verify_account",
        slots={"form_misses": "verify_account:1"},
    )

    outcome = run(ValidateVerificationForm(), stuck)

    assert [b["title"] for b in outcome.buttons] == ["Talk to a person", "Cancel"]
    assert services.calls.made == []


def test_both_answers_verify_the_sender(services: FakeServices) -> None:
    outcome = run(
        ValidateVerificationForm(),
        _answer(
            "A-1003 02110",
            "verify_account",
            entities={"account_number": "A-1003", "postal_code": "02110"},
        ),
    )

    assert services.calls.of("verify_sender") == [
        (("sms", "+16175550101", "A-1003", "02110"), {"alternatives": [("02110", "A-1003")]})
    ]
    assert outcome.messages == ["Thanks, you're verified."]
    assert outcome.slots() == {
        "verify_account": "A-1003",
        "verify_postal_code": "02110",
        "verified": True,
        "account_number": "A-1003",
    }


def test_postal_code_reply_completes_an_earlier_account_answer(services: FakeServices) -> None:
    outcome = run(
        ValidateVerificationForm(),
        _answer("02110", "verify_postal_code", slots={"verify_account": "1003"}),
    )

    assert services.calls.of("verify_sender")[0][0][2:] == ("1003", "02110")
    assert outcome.slots()["verified"] is True
    assert outcome.slots()["account_number"] == "A-1003"


def test_failed_verification_clears_both_answers_and_says_tries_left(
    services: FakeServices,
) -> None:
    services.verification = Verification("failed", failures_left=2)

    outcome = run(
        ValidateVerificationForm(),
        _answer("99999", "verify_postal_code", slots={"verify_account": "A-1003"}),
    )

    assert outcome.messages == ["That doesn't match our records. 2 tries left."]
    assert outcome.slots() == {"verify_account": None, "verify_postal_code": None}
    assert outcome.events[-2:] == [
        SlotSet("verify_account", None),
        SlotSet("verify_postal_code", None),
    ]


def test_a_wrong_postal_code_for_a_known_account_asks_for_the_postal_code_only(
    services: FakeServices,
) -> None:
    services.verification = Verification("failed", failures_left=2, known_account="A-1003")

    outcome = run(
        ValidateVerificationForm(),
        _answer("99999", "verify_postal_code", slots={"verify_account": "A-1003"}),
    )

    assert outcome.messages == ["That postal code doesn't match our records. 2 tries left."]
    assert outcome.slots() == {"verify_account": "A-1003", "verify_postal_code": None}


@pytest.mark.parametrize(
    ("reply", "requested", "first", "alternatives"),
    [
        ("12345 02139", "verify_account", ("12345", "02139"), [("02139", "12345")]),
        ("zip is 02139 acct 10042", "verify_account", ("10042", "02139"), []),
        ("02139, account 10042", "verify_account", ("10042", "02139"), []),
        ("account 10042 zip 02139", "verify_postal_code", ("10042", "02139"), []),
    ],
    ids=["bare-both-ways", "zip-first", "account-last", "while-asking-the-postal-code"],
)
def test_both_answers_in_one_message_are_checked_at_once(
    services: FakeServices,
    reply: str,
    requested: str,
    first: tuple[str, str],
    alternatives: list[tuple[str, str]],
) -> None:
    services.verification = Verification("verified", "A-10042", reading=first)

    outcome = run(ValidateVerificationForm(), _answer(reply, requested))

    [(args, kwargs)] = services.calls.of("verify_sender")
    assert args[2:] == first
    assert kwargs.get("alternatives", []) == alternatives
    assert outcome.slots() == {
        "verify_account": first[0],
        "verify_postal_code": first[1],
        "verified": True,
        "account_number": "A-10042",
    }


def test_the_swapped_reading_that_verified_fills_the_slots(services: FakeServices) -> None:
    services.verification = Verification("verified", "A-10042", reading=("02139", "12345"))

    outcome = run(ValidateVerificationForm(), _answer("12345 02139", "verify_account"))

    assert outcome.slots()["verify_account"] == "02139"
    assert outcome.slots()["verify_postal_code"] == "12345"


def test_an_unlabelled_pair_in_the_request_itself_is_not_tried(services: FakeServices) -> None:
    run(ValidateVerificationForm(), _answer("can i pay 1200 on 12/15 or 1500 later", None))
    run(ValidateVerificationForm(), _answer("whats owed on 10042 02139", None))

    assert services.calls.of("verify_sender") == []


def test_a_refusal_because_others_locked_the_account_says_how_to_reach_a_person(
    services: FakeServices,
) -> None:
    services.verification = Verification("locked", failures_left=0, escalated=False)

    outcome = run(ValidateVerificationForm(), _answer("A-1003 02110", "verify_account"))

    assert "locked" in outcome.text
    assert "reply AGENT" in outcome.text
    assert outcome.slots()["verified"] is False


def test_last_try_is_singular(services: FakeServices) -> None:
    services.verification = Verification("failed", failures_left=1)

    outcome = run(
        ValidateVerificationForm(),
        _answer("99999", "verify_postal_code", slots={"verify_account": "A-1003"}),
    )

    assert outcome.messages == ["That doesn't match our records. 1 try left."]


def test_lock_ends_the_form_early_without_verifying(services: FakeServices) -> None:
    services.verification = Verification("locked", failures_left=0)

    outcome = run(
        ValidateVerificationForm(),
        _answer("99999", "verify_postal_code", slots={"verify_account": "A-1003"}),
    )

    assert "locked" in outcome.text
    assert "follow up" in outcome.text
    assert outcome.events[-4:] == [
        SlotSet("verify_account", None),
        SlotSet("verify_postal_code", None),
        SlotSet("verified", False),
        SlotSet("requested_slot", None),
    ]


def test_nothing_is_checked_until_both_answers_are_in(services: FakeServices) -> None:
    run(ValidateVerificationForm(), _answer("", "verify_postal_code"))
    run(ValidateVerificationForm(), _answer("A-1003", "verify_account"))

    assert services.calls.of("verify_sender") == []


def test_telegram_sender_is_verified_on_its_channel(services: FakeServices) -> None:
    run(
        ValidateVerificationForm(),
        _answer(
            "02110",
            "verify_postal_code",
            slots={"verify_account": "A-1003"},
            sender="telegram:550118",
        ),
    )

    assert services.calls.of("verify_sender")[0][0][:2] == ("telegram", "550118")


def test_a_zip_tagged_as_an_account_number_does_not_replace_the_known_account(
    services: FakeServices,
) -> None:
    run(
        ValidateVerificationForm(),
        _answer(
            "02139",
            "verify_postal_code",
            slots={"verify_account": "A-1003"},
            entities={"account_number": "02139"},
        ),
    )

    assert services.calls.of("verify_sender")[0][0][2:] == ("A-1003", "02139")


def test_an_account_number_tagged_as_a_postal_code_answers_only_the_account_question(
    services: FakeServices,
) -> None:
    outcome = run(
        ValidateVerificationForm(),
        _answer("10042", "verify_account", entities={"postal_code": "10042"}),
    )

    assert outcome.slots() == {"verify_account": "10042"}
    assert services.calls.of("verify_sender") == []
