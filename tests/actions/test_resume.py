"""action_resume_request: continue the pending request once verified, then forget it."""

from __future__ import annotations

import pytest
from rasa_sdk.events import FollowupAction, SlotSet

from actions.resume import ActionResumeRequest
from tests.actions.conftest import run, tracker


@pytest.mark.parametrize(
    ("pending", "follow"),
    [
        ("balance", "action_check_balance"),
        ("promise", "action_start_promise"),
        ("plan", "action_start_plan"),
        ("dispute", "action_start_dispute"),
        ("claim_paid", "action_claim_paid"),
        ("pay_now", "action_pay_now"),
        ("hardship", "action_hardship"),
    ],
)
def test_verified_sender_continues_with_the_pending_request(pending: str, follow: str) -> None:
    outcome = run(ActionResumeRequest(), tracker(slots={"pending_request": pending}))

    assert outcome.events == [SlotSet("pending_request", None), FollowupAction(follow)]
    assert outcome.messages == []


def test_locked_sender_only_forgets_the_request() -> None:
    outcome = run(
        ActionResumeRequest(),
        tracker("unverified", slots={"pending_request": "balance", "verified": False}),
    )

    assert outcome.events == [SlotSet("pending_request", None)]
    assert outcome.messages == []


def test_nothing_pending_continues_nowhere() -> None:
    outcome = run(ActionResumeRequest(), tracker())

    assert outcome.events == [SlotSet("pending_request", None)]
