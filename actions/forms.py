"""What every form does with a message that is not a plain answer (docs/conversations.md).

A form never traps the customer. Each message it receives is classified by
:func:`bot.policy.form_turns.classify_turn`:

- a question or courtesy ("wait, how much do I owe?", "thanks") is left to the rules, which
  answer it; the form then asks its question again;
- another request ("can I pay half on the 15th", "let me talk to someone", "bye") is left
  to the rules too; the action that starts it leaves the form (:func:`leave_for_request`)
  and says so in one line;
- a "no" that answers nothing cancels;
- anything else is tried as the answer. A "yes", "ok" or "that one" picks the choice the bot
  offered for the question (the latest date allowed, the minimum amount …), kept in
  ``form_offer``. An unusable answer is counted in ``form_misses``; the second in a row to
  the same question offers a way out: buttons with the likely answers, a person, cancel.

Forms subclass :class:`GuardedFormValidation` and say what counts as an answer and which
choices are likely.
"""

from __future__ import annotations

import json
import re
from abc import abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import replies
from actions.language import language_of
from actions.slots import Event, latest_text, requested_slot, text_slot
from bot.policy.catalog import say
from bot.policy.complaints import is_complaint
from bot.policy.form_turns import Turn, classify_turn

MISSES = "form_misses"  # "<slot>:<unusable answers in a row>"
OFFER = "form_offer"  # JSON: {slot: the value offered for it}
#: the slots each form fills (cleared when a new request leaves it)
FORM_SLOTS = {
    "verification_form": ("verify_account", "verify_postal_code"),
    "promise_form": ("ptp_amount", "ptp_date", "ptp_confirmed"),
    "plan_form": ("plan_request", "plan_offer", "plan_confirmed"),
    "dispute_form": ("dispute_invoice", "dispute_reason", "dispute_description"),
}
_PICK = re.compile(
    r"\b(?:ok(?:ay)?|k|yes|yeah|yep|yup|ya|sure|fine|alright|all right|that one|that works|"
    r"that'?s fine|do that|use that|go ahead|sounds good|perfect|that day|that date|"
    r"that amount|first one|1st one|whatever)\b"
)
_REFUSAL = re.compile(r"\b(?:no|nope|nah|not|don'?t|dont|never|can'?t|cannot|won'?t)\b")
_OTHER_CHOICE = re.compile(r"\b(?:plan|installments?|person|human|agent|cancel)\b")
_NOT_STEPS = {"action_extract_slots", "action_session_start"}


@dataclass(frozen=True)
class Choice:
    """A button: what it says and what it sends (a Rasa intent payload).

    A fixed title is a catalog key (``key``, :mod:`bot.policy.catalog`), worded in the
    conversation's language when the buttons are made; ``title`` is its English wording.
    """

    title: str
    payload: str
    key: str | None = None


def fixed_choice(key: str, payload: str) -> Choice:
    """A button whose title is the catalog text ``key``."""
    return Choice(say(key, "en"), payload, key)


def value_choice(title: str, entity: str, value: str) -> Choice:
    """A button that answers with ``value`` as entity ``entity`` (``/inform{...}``)."""
    return Choice(title, "/inform" + json.dumps({entity: value}, separators=(",", ":")))


PERSON = fixed_choice("button_person", "/request_human")
CANCEL = fixed_choice("button_cancel", "/deny")
YES_NO = (fixed_choice("button_yes", "/affirm"), fixed_choice("button_no", "/deny"))


def buttons(choices: list[Choice], language: str = "en") -> list[dict[str, str]]:
    """Choices as Rasa buttons, fixed titles in ``language``."""
    return [
        {"title": say(c.key, language) if c.key else c.title, "payload": c.payload} for c in choices
    ]


def answering(tracker: Tracker, form: str) -> bool:
    """Whether the form is validating the customer's reply (not its activation, nor its
    return after a question the rules answered)."""
    skipped_form = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            return True
        if kind != "action" or event.get("name") in _NOT_STEPS:
            continue
        if event.get("name") == form and not skipped_form:
            skipped_form = True
            continue
        return bool(event.get("name") == "action_listen")
    return False


def offered(tracker: Tracker) -> dict[str, str]:
    """The values the bot offered, by slot."""
    try:
        data = json.loads(text_slot(tracker, OFFER) or "{}")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items()}


def offer(tracker: Tracker, **values: str) -> Event:
    """Remembers a value offered for a slot, so "yes" or "that one" can pick it."""
    event: Event = SlotSet(OFFER, json.dumps({**offered(tracker), **values}, sort_keys=True))
    return event


def picks_offer(tracker: Tracker) -> bool:
    """Whether the latest message accepts what was offered ("yes", "ok", "that one")."""
    intent = (tracker.latest_message or {}).get("intent") or {}
    text = " ".join(latest_text(tracker).lower().replace("’", "'").split())
    if _OTHER_CHOICE.search(text):  # "ok a plan then" picks the plan, not the amount
        return False
    if intent.get("name") == "affirm":
        return True
    return bool(_PICK.search(text)) and not _REFUSAL.search(text)


def leave_for_request(
    tracker: Tracker, dispatcher: CollectingDispatcher, keep: str | None = None
) -> list[Event]:
    """Leaves the active form for a new request (not ``keep``, not verification, which the
    new request needs as well) and says so in one line."""
    active = (tracker.active_loop or {}).get("name")
    if not active or active in (keep, "verification_form"):
        return []
    dispatcher.utter_message(text=replies.left_form(active, language_of(tracker)))
    cleared = [SlotSet(name, None) for name in FORM_SLOTS.get(active, ())]
    return [ActiveLoop(None), SlotSet("requested_slot", None), *cleared, *reset_guard()]


def reset_guard() -> list[Event]:
    """Forgets the offers and misses of a form that starts or ends."""
    return [SlotSet(OFFER, None), SlotSet(MISSES, None)]


class GuardedFormValidation(FormValidationAction):  # type: ignore[misc]
    """A form's validation that answers first, lets new requests through and offers a way
    out after two unusable answers."""

    form: ClassVar[str]

    def name(self) -> str:
        return f"validate_{self.form}"

    @abstractmethod
    def answers_question(self, tracker: Tracker, slot: str | None) -> bool:
        """Whether the latest message holds a usable value for ``slot`` (for the form's
        own judgement between an answer and a new request)."""

    async def likely_choices(self, tracker: Tracker, slot: str) -> list[Choice]:
        """The answers worth a button when the customer is stuck on ``slot``."""
        return []

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        events: list[Event] = await super().get_extraction_events(dispatcher, tracker, domain)
        slot = requested_slot(tracker)
        got = {e["name"] for e in events if e.get("event") == "slot" and e.get("value")}
        pick = offered(tracker).get(slot or "")
        if slot and slot not in got and pick is not None and picks_offer(tracker):
            events.append(SlotSet(slot, pick))
        return events

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        if not answering(tracker, self.form):
            if (tracker.active_loop or {}).get("name") == self.form:
                return []  # back after a question the rules answered: it is no answer
            events: list[Event] = await super().run(dispatcher, tracker, domain)
            return events
        slot = requested_slot(tracker)
        if self.turn(tracker) is not Turn.ANSWER:
            return []  # nothing filled: the form steps aside for the rules
        said = len(dispatcher.messages)
        events = await super().run(dispatcher, tracker, domain)
        return events + await self._count_miss(dispatcher, tracker, slot, events, said)

    def turn(self, tracker: Tracker) -> Turn:
        """How the form takes the customer's latest message (bot/policy/form_turns.py)."""
        slot = requested_slot(tracker)
        intent = (tracker.latest_message or {}).get("intent") or {}
        answer = self.answers_question(tracker, slot) or (
            slot in offered(tracker) and picks_offer(tracker)
        )
        return classify_turn(
            self.form,
            slot,
            intent.get("name"),
            float(intent.get("confidence") or 0.0),
            answers_question=answer,
        )

    async def _count_miss(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slot: str | None,
        events: list[Event],
        said: int,
    ) -> list[Event]:
        """Counts an unusable answer to ``slot``; the second in a row offers a way out."""
        if slot is None or not latest_text(tracker):
            return []
        filled = self.answer_value(events, slot) is not None
        explained = any(e.get("event") == "slot" and e.get("name") == OFFER for e in events)
        ended = any(e.get("name") == "requested_slot" and e.get("value") is None for e in events)
        if filled or explained or ended:
            return [SlotSet(MISSES, None)] if text_slot(tracker, MISSES) else []
        asked, _, count = (text_slot(tracker, MISSES) or "").partition(":")
        misses = (int(count) if asked == slot and count.isdigit() else 0) + 1
        if misses >= 2:
            choices = [*await self.likely_choices(tracker, slot), PERSON, CANCEL]
            again = say("bot_still_not_caught", language_of(tracker))
            dispatcher.utter_message(text=again, buttons=buttons(choices, language_of(tracker)))
        elif len(dispatcher.messages) == said:  # the form's validators said nothing
            key = "bot_venting" if is_complaint(latest_text(tracker)) else "bot_not_caught"
            dispatcher.utter_message(text=say(key, language_of(tracker)))
        return [SlotSet(MISSES, f"{slot}:{misses}")]

    @staticmethod
    def answer_value(events: list[Event], slot: str) -> Any:
        """The value the events give ``slot`` last (None when they do not set it)."""
        values = [e.get("value") for e in events if e.get("event") == "slot" and e["name"] == slot]
        return values[-1] if values else None
