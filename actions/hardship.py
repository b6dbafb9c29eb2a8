"""``action_hardship``: empathy, the plan with the lowest installment, a person if wanted.

If the customer then asks for a person, ``action_request_human`` opens the escalation with
reason ``hardship`` (it looks at the action before that request).
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import replies, runtime
from actions.forms import leave_for_request
from actions.gate import verified_account, verify_first
from actions.slots import Event
from bot.policy.plans import PlanNotAvailable

NO_PLAN_NEEDED = (
    "I'm sorry you're going through this. Your balance is small enough that a plan isn't "
    'needed: tell me a date that works and an amount you can manage, or say "talk to a '
    "person\" if you'd rather speak with someone."
)


class ActionHardship(Action):  # type: ignore[misc]
    def name(self) -> str:
        return "action_hardship"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        account = verified_account(tracker)
        if account is None:
            return verify_first("hardship")
        left = leave_for_request(tracker, dispatcher)
        rt = runtime.current()
        try:
            offer = await runtime.call(
                rt.services.plans.hardship_offer,
                account,
                rt.now(),
                rt.policy,
                default_timezone=rt.settings.default_timezone,
            )
        except PlanNotAvailable:
            dispatcher.utter_message(text=NO_PLAN_NEEDED)
        else:
            dispatcher.utter_message(text=replies.hardship_reply(offer))
        return left
