"""Dispute: invoice (or all), reason by button or words, description; reference in the reply."""

from __future__ import annotations

import pytest
from rasa_sdk.events import FollowupAction, SlotSet

from actions.disputes import (
    ActionRecordDispute,
    ActionStartDispute,
    ValidateDisputeForm,
    dispute_reason,
)
from tests.actions.conftest import run, tracker
from tests.actions.fakes import Dispute, FakeServices

FORM = "dispute_form"
FULL = {
    "dispute_invoice": "INV-1003-02",
    "dispute_reason": "damaged",
    "dispute_description": "the pallets arrived crushed",
}
RESET = [
    SlotSet("dispute_invoice", None),
    SlotSet("dispute_reason", None),
    SlotSet("dispute_description", None),
]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1", "wrong_amount"),
        ("2", "not_received"),
        ("3", "damaged"),
        ("4", "already_paid"),
        ("5", "not_my_debt"),
        ("6", "other"),
        ("not_my_debt", "not_my_debt"),
        ("wrong amount", "wrong_amount"),
        ("i got overcharged", "wrong_amount"),
        ("I never got the goods", "not_received"),
        ("the box came broken", "damaged"),
        ("this isn't my debt", "not_my_debt"),
        ("i already paid it", "already_paid"),
        ("something else", "other"),
        ("7", None),
        ("hmm", None),
    ],
)
def test_dispute_reason(text: str, reason: str | None) -> None:
    assert dispute_reason(text) == reason


def test_start_keeps_the_invoice_and_a_clear_reason() -> None:
    outcome = run(
        ActionStartDispute(),
        tracker(
            text="i never got the goods on INV-1003-02",
            intent="dispute",
            entities={"invoice_number": "INV-1003-02"},
        ),
    )

    assert outcome.flow_events == [
        SlotSet("dispute_invoice", "INV-1003-02"),
        SlotSet("dispute_reason", "not_received"),
        SlotSet("dispute_description", None),
        FollowupAction("dispute_form"),
    ]


@pytest.mark.parametrize("typed", ["inv 1003-02", "#INV-1003-02", "INV100302"])
def test_invoice_is_matched_to_its_number_on_the_account(typed: str) -> None:
    outcome = run(
        ValidateDisputeForm(), tracker(text=typed, form=FORM, requested="dispute_invoice")
    )

    assert outcome.flow_slots() == {"dispute_invoice": "INV-1003-02"}


def test_all_invoices() -> None:
    outcome = run(
        ValidateDisputeForm(), tracker(text="all of them", form=FORM, requested="dispute_invoice")
    )

    assert outcome.flow_slots() == {"dispute_invoice": "all"}


def test_unknown_invoice_lists_the_open_ones() -> None:
    outcome = run(
        ValidateDisputeForm(),
        tracker(
            text="INV-9999",
            form=FORM,
            requested="dispute_invoice",
            entities={"invoice_number": "INV-9999"},
        ),
    )

    assert outcome.flow_slots() == {"dispute_invoice": None}
    assert outcome.messages == [
        "I can't find invoice INV-9999 on your account. Your open invoices are INV-1003-01, "
        "INV-1003-02 and INV-1003-03. Which one is it? Or reply ALL."
    ]


def test_already_disputed_invoice_ends_the_form() -> None:
    outcome = run(
        ValidateDisputeForm(),
        tracker(
            text="INV-1003-04",
            form=FORM,
            requested="dispute_invoice",
            entities={"invoice_number": "INV-1003-04"},
        ),
    )

    assert outcome.messages == [
        "INV-1003-04 is already disputed and on hold while a collector reviews it."
    ]
    assert outcome.slots()["requested_slot"] is None


def test_reason_button() -> None:
    outcome = run(ValidateDisputeForm(), tracker(text="3", form=FORM, requested="dispute_reason"))

    assert outcome.flow_slots() == {"dispute_reason": "damaged"}


def test_reason_not_understood_asks_for_a_number() -> None:
    outcome = run(
        ValidateDisputeForm(),
        tracker(
            text="meh", form=FORM, requested="dispute_reason", candidates={"dispute_reason": "meh"}
        ),
    )

    assert outcome.flow_slots() == {"dispute_reason": None}
    assert outcome.messages == ["Please reply with a number from 1 to 6."]


def test_description_is_the_reply() -> None:
    outcome = run(
        ValidateDisputeForm(),
        tracker(text="  the pallets arrived crushed ", form=FORM, requested="dispute_description"),
    )

    assert outcome.flow_slots() == {"dispute_description": "the pallets arrived crushed"}


def test_a_question_at_the_description_step_is_not_taken_as_the_description() -> None:
    outcome = run(
        ValidateDisputeForm(),
        tracker(
            text="wait how much do i owe",
            intent="check_balance",
            form=FORM,
            requested="dispute_description",
        ),
    )

    assert "dispute_description" not in outcome.slots()


def test_dispute_is_opened_and_the_reference_given(services: FakeServices) -> None:
    outcome = run(ActionRecordDispute(), tracker(slots=FULL))

    assert services.calls.of("open_dispute") == [
        (
            ("A-1003", "INV-1003-02", "damaged", "the pallets arrived crushed"),
            {"channel": "sms"},
        )
    ]
    assert outcome.messages == [
        "Thanks. I've opened dispute D-12 (INV-1003-02). We've put that invoice on hold, so "
        "you won't get reminders about it while a collector reviews your dispute."
    ]
    assert outcome.flow_events == RESET


def test_dispute_of_all_invoices_opens_one_per_invoice(services: FakeServices) -> None:
    services.disputes = (Dispute("D-12", "INV-1003-01"), Dispute("D-13", "INV-1003-02"))

    outcome = run(ActionRecordDispute(), tracker(slots={**FULL, "dispute_invoice": "all"}))

    assert services.calls.of("open_dispute")[0][0][1] is None
    assert "disputes D-12 (INV-1003-01) and D-13 (INV-1003-02)" in outcome.text


def test_form_ended_early_records_nothing(services: FakeServices) -> None:
    outcome = run(ActionRecordDispute(), tracker(slots={"dispute_reason": "damaged"}))

    assert services.calls.made == []
    assert outcome.messages == []
    assert outcome.flow_events == RESET
