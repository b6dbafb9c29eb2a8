"""The verification gate: nothing about the account before the sender is verified (SPEC §5).

An action that would disclose balances, invoices, amounts or plans asks
:func:`verified_account` first. Without one it returns :func:`verify_first`: remember the
request in ``pending_request`` and run ``verification_form``; ``action_resume_request``
continues with the request once the form has ended.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet

from actions.slots import Event, text_slot

VERIFICATION_FORM = "verification_form"
#: ``pending_request`` value → the action that continues it after verification
RESUME_ACTIONS = {
    "balance": "action_check_balance",
    "promise": "action_start_promise",
    "plan": "action_start_plan",
    "dispute": "action_start_dispute",
    "claim_paid": "action_claim_paid",
    "pay_now": "action_pay_now",
    "hardship": "action_hardship",
}


def verified_account(tracker: Tracker) -> str | None:
    """The verified account number, or None while the sender is not verified."""
    if tracker.get_slot("verified") is not True:
        return None
    return text_slot(tracker, "account_number")


def verify_first(kind: str) -> list[Event]:
    """Remembers the request and starts verification; says nothing about the account."""
    if kind not in RESUME_ACTIONS:
        raise ValueError(f"pending_request: {kind!r} is not one of {', '.join(RESUME_ACTIONS)}")
    return [SlotSet("pending_request", kind), FollowupAction(VERIFICATION_FORM)]
