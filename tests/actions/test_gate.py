"""The verification gate: no account data before the sender is verified (SPEC §5)."""

from __future__ import annotations

import re

import pytest
from rasa_sdk import Action
from rasa_sdk.events import FollowupAction, SlotSet

from actions.balance import ActionCheckBalance
from actions.claims import ActionClaimPaid
from actions.disputes import ActionRecordDispute, ActionStartDispute
from actions.gate import verify_first
from actions.hardship import ActionHardship
from actions.payment_link import ActionPayNow
from actions.plans import ActionRecordPlan, ActionStartPlan
from actions.promises import ActionRecordPromise, ActionStartPromise
from tests.actions.conftest import run, tracker
from tests.actions.fakes import FakeServices

GATED = [
    (
        ActionCheckBalance(),
        "balance",
        "how much do i owe on INV-1003-01",
        {"invoice_number": "INV-1003-01"},
    ),
    (
        ActionStartPromise(),
        "promise",
        "i'll pay $300 on friday",
        {"amount": "$300", "date": "friday"},
    ),
    (ActionRecordPromise(), "promise", "yes", {}),
    (ActionStartPlan(), "plan", "can i pay over 6 months", {"installments": "6"}),
    (ActionRecordPlan(), "plan", "yes", {}),
    (ActionStartDispute(), "dispute", "INV-1003-02 is wrong", {"invoice_number": "INV-1003-02"}),
    (ActionRecordDispute(), "dispute", "it was damaged", {}),
    (ActionClaimPaid(), "claim_paid", "i paid INV-1003-01", {"invoice_number": "INV-1003-01"}),
    (ActionPayNow(), "pay_now", "send me a payment link", {}),
    (ActionHardship(), "hardship", "i lost my job", {}),
]
_ACCOUNT_DATA = re.compile(r"\$|\d|INV-|A-1003", re.IGNORECASE)


@pytest.mark.parametrize(("action", "kind", "text", "entities"), GATED)
def test_unverified_request_is_remembered_and_starts_verification(
    action: Action, kind: str, text: str, entities: dict[str, str], services: FakeServices
) -> None:
    outcome = run(
        action,
        tracker(
            "unverified",
            text=text,
            entities=entities,
            slots={"account_number": "A-1003", "ptp_confirmed": True, "plan_confirmed": True},
        ),
    )

    assert outcome.events == [SlotSet("pending_request", kind), FollowupAction("verification_form")]
    assert services.calls.made == []


@pytest.mark.parametrize(("action", "kind", "text", "entities"), GATED)
def test_unverified_request_says_nothing_about_the_account(
    action: Action, kind: str, text: str, entities: dict[str, str]
) -> None:
    outcome = run(action, tracker("unverified", text=text, entities=entities))

    assert not any(_ACCOUNT_DATA.search(message) for message in outcome.messages)


def test_verified_false_is_not_verified(services: FakeServices) -> None:
    outcome = run(ActionCheckBalance(), tracker(slots={"verified": False}))

    assert outcome.events == verify_first("balance")
    assert outcome.messages == []


def test_unknown_pending_request_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="'refund' is not one of"):
        verify_first("refund")
