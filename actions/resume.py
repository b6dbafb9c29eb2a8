"""``action_resume_request``: after ``verification_form`` ends, continue what was asked.

Verified: the action named by ``pending_request`` runs next (``FollowupAction``). Not
verified (verification locked): nothing more is said — the lock was already explained.
``pending_request`` is cleared either way.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.gate import RESUME_ACTIONS, verified_account
from actions.slots import Event, text_slot


class ActionResumeRequest(Action):  # type: ignore[misc]
    def name(self) -> str:
        return "action_resume_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        events: list[Event] = [SlotSet("pending_request", None)]
        pending = text_slot(tracker, "pending_request")
        follow = RESUME_ACTIONS.get(pending or "")
        if follow is not None and verified_account(tracker) is not None:
            events.append(FollowupAction(follow))
        return events
