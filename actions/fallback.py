"""``action_fallback``: ask to rephrase; the second ``nlu_fallback`` in a row gets a person.

Consecutive fallbacks are counted from the tracker's user messages, latest first: the
second in a row opens one ``fallback`` escalation, later ones in the same run do not open
another.
"""

from __future__ import annotations

import re

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.gate import verify_first
from actions.language import language_of
from actions.sender import parse_sender
from actions.slots import (
    Event,
    dialogue_intents,
    entity,
    latest_intent,
    latest_text,
    previous_action,
    text_slot,
)
from actions.verification import account_entity
from bot.policy.catalog import say
from bot.policy.verification_answers import readings

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


#: what a reply to the hardship plan offer means when it takes the offer
_TAKES_THE_PLAN = frozenset({"affirm", "request_payment_plan"})


def accepts_the_plan(tracker: Tracker) -> bool:
    """Whether the latest message, which NLU was unsure of, most likely takes a plan offer:
    a yes or a plan request among its two likeliest intents ("ok a plan then")."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    likeliest = [r.get("name") for r in ranking if r.get("name") != FALLBACK_INTENT][:2]
    return latest_intent(tracker) in _TAKES_THE_PLAN or bool(_TAKES_THE_PLAN & set(likeliest))


class ActionFallback(Action):  # type: ignore[misc]
    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        if tracker.get_slot("verified") is None and volunteers_identity(tracker):
            return await ActionBareAnswer().run(dispatcher, tracker, domain)
        if previous_action(tracker) == "action_hardship" and accepts_the_plan(tracker):
            # a yes to the hardship plan offer the rules did not see ("ok a plan then")
            return [FollowupAction("action_start_plan")]
        count = fallbacks_in_a_row(tracker)
        if count < ESCALATE_AT:
            dispatcher.utter_message(text=say("bot_rephrase", language_of(tracker)))
        elif count > ESCALATE_AT:
            dispatcher.utter_message(text=say("bot_fallback_pending", language_of(tracker)))
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
                dialogue_intents=dialogue_intents(tracker),
            )
            dispatcher.utter_message(text=say("bot_fallback_escalated", language_of(tracker)))
        return []


class ActionBareAnswer(Action):  # type: ignore[misc]
    """A bare answer with no question pending ("4114", "acct 72004162 zip 63101").

    From a sender who is not verified it is almost always the account number or postal code
    someone volunteers to find out what they owe: verification starts with it, and the
    balance follows. Anything else is not understood (:class:`ActionFallback`).
    """

    def name(self) -> str:
        return "action_bare_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        text = latest_text(tracker)
        if tracker.get_slot("verified") is not None or not volunteers_identity(tracker):
            fallback: list[Event] = await ActionFallback().run(dispatcher, tracker, domain)
            return fallback
        both = readings(
            text,
            account_entity=account_entity(tracker),
            postal_entity=entity(tracker, "postal_code"),
        )
        account = account_entity(tracker) or _account_shaped(text)
        prefill = [SlotSet("verify_account", account)] if account and not both else []
        return [*prefill, *verify_first("balance")]


def volunteers_identity(tracker: Tracker) -> bool:
    """Whether the latest message is a number given as who the sender is, not as money or
    a date ("ok um 4114" is; "$300", "300 bucks", "the 15th" are not)."""
    text = latest_text(tracker)
    if not any(ch.isdigit() for ch in text):
        return False
    if account_entity(tracker) or entity(tracker, "postal_code"):
        return True
    return entity(tracker, "date") is None and not _MONEY_WORDS.search(text.lower())


_MONEY_WORDS = re.compile(r"\$|\b(?:dollars?|bucks?|usd|cents?|k)\b")


def _account_shaped(text: str) -> str | None:
    """A lone number that reads as an account answer: its last 4 digits, or letters with
    digits ("A-1003"). A bare 5-digit number may as well be a ZIP, and is not guessed."""
    words = [w.strip("#:,.;!?") for w in text.split()]
    numbers = [w for w in words if any(ch.isdigit() for ch in w)]
    if len(numbers) != 1:
        return None
    word = numbers[0]
    digits = sum(ch.isdigit() for ch in word)
    return word if digits == 4 or (digits and any(ch.isalpha() for ch in word)) else None
