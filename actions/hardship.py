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
from actions.language import language_of
from actions.slots import Event
from bot.policy.catalog import say
from bot.policy.plans import PlanNotAvailable

NO_PLAN_NEEDED = say("bot_hardship_no_plan", "en")


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
            dispatcher.utter_message(text=say("bot_hardship_no_plan", language_of(tracker)))
        else:
            dispatcher.utter_message(text=replies.hardship_reply(offer, language_of(tracker)))
        return left
