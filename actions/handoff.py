"""``action_request_human``: a collector takes over (escalation ``customer_request``).

Asked right after ``action_hardship`` the escalation's reason is ``hardship`` (SPEC §5
Hardship). An active form is left.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.language import language_of
from actions.sender import parse_sender
from actions.slots import (
    Event,
    dialogue_intents,
    latest_text,
    leave_form,
    previous_action,
    text_slot,
)
from bot.policy.catalog import say
from bot.policy.complaints import wants_a_person


class ActionRequestHuman(Action):  # type: ignore[misc]
    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        reason = "hardship" if previous_action(tracker) == "action_hardship" else "customer_request"
        sender = parse_sender(tracker.sender_id)
        rt = runtime.current()
        await runtime.call(
            rt.services.escalations.escalate,
            reason,
            channel=sender.channel,
            address=sender.address,
            account_number=text_slot(tracker, "account_number"),
            now=rt.now(),
            note=latest_text(tracker),
            dialogue_intents=dialogue_intents(tracker),
        )
        dispatcher.utter_message(text=say("bot_human_requested", language_of(tracker)))
        return leave_form(tracker)


class ActionBotChallenge(ActionRequestHuman):
    """ "Are you a bot?" is answered; "I'm not talking to a robot, get me a person" is a
    request for a person, whichever of the two NLU read it as."""

    def name(self) -> str:
        return "action_bot_challenge"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        if wants_a_person(latest_text(tracker)):
            return await super().run(dispatcher, tracker, domain)
        dispatcher.utter_message(response="utter_bot_challenge")
        return []
