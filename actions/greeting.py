"""``action_greet``: hello, with the company's name, and what the bot can do."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import replies, runtime
from actions.forms import reset_guard
from actions.language import language_of
from actions.slots import Event, latest_text, leave_form
from bot.policy.catalog import say
from bot.policy.complaints import is_complaint


class ActionGreet(Action):  # type: ignore[misc]
    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        company = runtime.current().settings.company_name
        dispatcher.utter_message(text=replies.greeting(company, language_of(tracker)))
        return []


class ActionGoodbye(Action):  # type: ignore[misc]
    """Goodbye; a form the customer was in is left, so the next message starts afresh."""

    def name(self) -> str:
        return "action_goodbye"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        dispatcher.utter_message(response="utter_goodbye")
        return leave_form(tracker) + reset_guard() if leave_form(tracker) else []


class ActionOutOfScope(Action):  # type: ignore[misc]
    """Venting gets empathy and the ways out; anything else, what the bot can do."""

    def name(self) -> str:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        if is_complaint(latest_text(tracker)):
            dispatcher.utter_message(text=say("bot_venting", language_of(tracker)))
        else:
            dispatcher.utter_message(response="utter_default")
        return []


class ActionAskWho(Action):  # type: ignore[misc]
    """Who is writing and why, with the company's name ("who is this?", "is this a scam?")."""

    def name(self) -> str:
        return "action_ask_who"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        company = runtime.current().settings.company_name
        dispatcher.utter_message(text=replies.who_we_are(company, language_of(tracker)))
        return []
