"""``action_greet``: hello, with the company's name, and what the bot can do."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.slots import Event


def greeting(company_name: str) -> str:
    """Hello from the company, and what the bot can help with."""
    sentence_end = "" if company_name.endswith(".") else "."
    return (
        f"Hi, this is the virtual assistant of {company_name}{sentence_end} "
        "I can tell you your balance, "
        "take a payment promise, set up a payment plan or record a dispute. How can I help?"
    )


class ActionGreet(Action):  # type: ignore[misc]
    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        dispatcher.utter_message(text=greeting(runtime.current().settings.company_name))
        return []
