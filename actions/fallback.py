"""``action_fallback``: ask to rephrase; the second ``nlu_fallback`` in a row gets a person.

Consecutive fallbacks are counted from the tracker's user messages, latest first: the
second in a row opens one ``fallback`` escalation, later ones in the same run do not open
another.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import replies, runtime
from actions.sender import parse_sender
from actions.slots import Event, latest_text, text_slot

FALLBACK_INTENT = "nlu_fallback"
ESCALATE_AT = 2


def fallbacks_in_a_row(tracker: Tracker) -> int:
    """How many of the latest user messages in a row were not understood."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = (event.get("parse_data") or {}).get("intent") or {}
        if intent.get("name") != FALLBACK_INTENT:
            break
        count += 1
    return count


class ActionFallback(Action):  # type: ignore[misc]
    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        count = fallbacks_in_a_row(tracker)
        if count < ESCALATE_AT:
            dispatcher.utter_message(text=replies.REPHRASE)
        elif count > ESCALATE_AT:
            dispatcher.utter_message(text=replies.FALLBACK_PENDING)
        else:
            sender = parse_sender(tracker.sender_id)
            rt = runtime.current()
            await runtime.call(
                rt.services.escalations.escalate,
                "fallback",
                channel=sender.channel,
                address=sender.address,
                account_number=text_slot(tracker, "account_number"),
                now=rt.now(),
                note=latest_text(tracker),
            )
            dispatcher.utter_message(text=replies.FALLBACK_ESCALATED)
        return []
