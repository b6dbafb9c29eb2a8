"""``action_opt_out``, ``action_opt_in``, ``action_cease``: what the customer wants to receive.

Opt-out and opt-in concern the channel the customer writes on, with one confirmation;
cease stops every channel and opens the ``cease`` escalation (the service does both).
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import replies, runtime
from actions.sender import parse_sender
from actions.slots import Event, latest_text, leave_form, text_slot
from bot.policy.complaints import is_complaint, refuses_contact

OPTED_OUT = (
    "You won't get automated messages from us here anymore. Reply START to turn them back on."
)
ALREADY_OUT = (
    "You're already unsubscribed from automated messages here. Reply START to turn them back on."
)
OPTED_IN = "You're subscribed again. Reply STOP at any time to opt out."
ALREADY_IN = "You're already subscribed. Reply STOP at any time to opt out."
CEASED = (
    "Understood. We'll stop contacting you about this account on every channel, except for "
    "any written notice the law requires. A member of our team will review your request."
)


class ActionOptOut(Action):  # type: ignore[misc]
    def name(self) -> str:
        return "action_opt_out"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        sender = parse_sender(tracker.sender_id)
        rt = runtime.current()
        changed = await runtime.call(
            rt.services.preferences.opt_out, sender.channel, sender.address, rt.now()
        )
        dispatcher.utter_message(text=OPTED_OUT if changed else ALREADY_OUT)
        return leave_form(tracker)


class ActionOptIn(Action):  # type: ignore[misc]
    def name(self) -> str:
        return "action_opt_in"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        text = latest_text(tracker)
        if is_complaint(text) or refuses_contact(text):
            # "you people keep texting me", "don't you dare start texting me again": never
            # consent to be texted again
            said = replies.VENTING if is_complaint(text) else replies.NOT_RESUBSCRIBED
            dispatcher.utter_message(text=said)
            return []
        sender = parse_sender(tracker.sender_id)
        rt = runtime.current()
        changed = await runtime.call(
            rt.services.preferences.opt_in, sender.channel, sender.address, rt.now()
        )
        dispatcher.utter_message(text=OPTED_IN if changed else ALREADY_IN)
        return []


class ActionCease(Action):  # type: ignore[misc]
    def name(self) -> str:
        return "action_cease"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        sender = parse_sender(tracker.sender_id)
        rt = runtime.current()
        await runtime.call(
            rt.services.preferences.cease,
            sender.channel,
            sender.address,
            rt.now(),
            account_number=text_slot(tracker, "account_number"),
        )
        dispatcher.utter_message(text=CEASED)
        return leave_form(tracker)
