"""``action_opt_out``, ``action_opt_in``, ``action_cease``: what the customer wants to receive.

Opt-out and opt-in concern the channel the customer writes on, with one confirmation;
cease stops every channel and opens the ``cease`` escalation (the service does both).
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.language import language_of
from actions.sender import parse_sender
from actions.slots import Event, dialogue_intents, latest_text, leave_form, text_slot
from bot.policy.catalog import say
from bot.policy.complaints import is_complaint, refuses_contact

OPTED_OUT = say("bot_opted_out", "en")
ALREADY_OUT = say("bot_already_out", "en")
OPTED_IN = say("bot_opted_in", "en")
ALREADY_IN = say("bot_already_in", "en")
CEASED = say("bot_ceased", "en")


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
        said = "bot_opted_out" if changed else "bot_already_out"
        dispatcher.utter_message(text=say(said, language_of(tracker)))
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
            said = "bot_venting" if is_complaint(text) else "bot_not_resubscribed"
            dispatcher.utter_message(text=say(said, language_of(tracker)))
            return []
        sender = parse_sender(tracker.sender_id)
        rt = runtime.current()
        changed = await runtime.call(
            rt.services.preferences.opt_in, sender.channel, sender.address, rt.now()
        )
        said = "bot_opted_in" if changed else "bot_already_in"
        dispatcher.utter_message(text=say(said, language_of(tracker)))
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
            dialogue_intents=dialogue_intents(tracker),
        )
        dispatcher.utter_message(text=say("bot_ceased", language_of(tracker)))
        return leave_form(tracker)
