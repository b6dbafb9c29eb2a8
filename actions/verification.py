"""``validate_verification_form``: account number and postal code, checked by the identity service.

The form asks for ``verify_account`` then ``verify_postal_code``; each comes from its entity
(``account_number``, ``postal_code``) or, when the form asked for it, from the bare reply.
A reply that gives both at once, in any order ("12345 02139", "zip is 02139 acct 10042"),
is read by :func:`bot.policy.verification_answers.readings`; when it cannot tell which is
which, both ways are checked against the account data. Once both are there,
:func:`bot.services.identity.verify_sender` decides:

* verified — ``verified`` = true and ``account_number`` set; the form has nothing left to ask
  and ends (Rasa adds ``requested_slot`` = null and ``active_loop`` = null);
* failed — the tries left are said and the form asks again: for the postal code only when
  the account answer named an account the sender may use, else for both;
* locked — both answers are cleared, ``verified`` = false and ``requested_slot`` = null,
  which makes Rasa end the form early (``FormAction.is_done``); the service has opened the
  ``verification_failed`` escalation. From then on the gateway answers every message of the
  sender with the lock answer until the lock ends (:mod:`bot.services.chat`).

Either way the form ends with ``active_loop: null`` and the stories run
``action_resume_request``, which continues the pending request only when verified.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import replies, runtime
from actions.forms import GuardedFormValidation, answering
from actions.language import language_of
from actions.sender import parse_sender
from actions.slots import (
    Event,
    dialogue_intents,
    entity,
    latest_intent,
    latest_text,
    requested_slot,
    text_slot,
)
from bot.policy.catalog import say
from bot.policy.form_turns import Turn
from bot.policy.verification_answers import Reading, can_be_account, readings
from bot.policy.verification_text import lock_answer

ACCOUNT, POSTAL = "verify_account", "verify_postal_code"
_ACCOUNT_WORDS = {"my", "account", "acct", "acc", "number", "num", "no", "is", "it's", "its"}
_POSTAL_WORDS = {"my", "zip", "zipcode", "code", "postal", "postcode", "post", "billing", "is"}
_MAX_POSTAL_CHARS = 10
#: requests whose numbers are amounts and dates, never verification answers
_AMOUNT_INTENTS = frozenset({"promise_to_pay", "request_payment_plan", "claim_paid"})


def account_in_reply(text: str) -> str | None:
    """The account number in a bare reply ("A-1003", "acct # A1003", "1003"), or None.

    Taken only when a word holds at least the last 4 digits (:func:`can_be_account`), so
    "who is this?" or "i paid 300" is never tried as an answer (a wrong try counts towards
    the lock).
    """
    words = [w.strip("#:,.;!?") for w in text.split()]
    words = [w for w in words if w and w.lower() not in _ACCOUNT_WORDS]
    for index, word in enumerate(words):
        if any(ch.isdigit() for ch in word):
            before = words[index - 1] if index else ""
            found = before + word if len(before) == 1 and before.isalpha() else word
            return found if can_be_account(found) else None
    return None


def postal_in_reply(text: str) -> str | None:
    """The postal code in a bare reply ("02110", "zip 60614-1234", "EC1A 1BB"), or None."""
    words = [w.strip("#:,.;!?") for w in text.split()]
    rest = " ".join(w for w in words if w and w.lower() not in _POSTAL_WORDS)
    compact = re.sub(r"[\s-]", "", rest)
    if any(ch.isdigit() for ch in rest) and len(compact) <= _MAX_POSTAL_CHARS:
        return rest
    return None


class ValidateVerificationForm(GuardedFormValidation):
    form = "verification_form"

    def answers_question(self, tracker: Tracker, slot: str | None) -> bool:
        text = latest_text(tracker)
        if account_entity(tracker) or entity(tracker, "postal_code"):
            return True
        return account_in_reply(text) is not None or postal_in_reply(text) is not None

    async def extract_verify_account(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        asked = requested_slot(tracker)
        if asked == POSTAL and text_slot(tracker, ACCOUNT):
            return {}  # a bare ZIP NLU calls an account number must not replace the account
        value = account_entity(tracker)
        if value is None and asked == ACCOUNT:
            value = account_in_reply(latest_text(tracker))
        return {ACCOUNT: value} if value else {}

    async def extract_verify_postal_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        asked = requested_slot(tracker)
        if asked == ACCOUNT:
            return {}  # one number answers the question asked; two are read in run()
        value = entity(tracker, "postal_code")
        if value is None and asked == POSTAL:
            value = postal_in_reply(latest_text(tracker))
        return {POSTAL: value} if value else {}

    def validate_verify_account(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {ACCOUNT: _stripped(value)}

    def validate_verify_postal_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {POSTAL: _stripped(value)}

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        if answering(tracker, self.form) and self.turn(tracker) is not Turn.ANSWER:
            return []  # a question, another request or a no: the rules take it
        both = _both_answers(tracker)
        if both:
            return await _verify(dispatcher, tracker, both)
        events: list[Event] = await super().run(dispatcher, tracker, domain)
        answered = {e["name"] for e in events if e.get("event") == "slot" and e.get("value")}
        account, postal = text_slot(tracker, ACCOUNT), text_slot(tracker, POSTAL)
        if account is None or postal is None or not answered & {ACCOUNT, POSTAL}:
            return events
        return events + await _verify(dispatcher, tracker, [Reading(account, postal)])


def account_entity(tracker: Tracker) -> str | None:
    """The ``account_number`` NLU found in the latest message, when it can be one."""
    value = entity(tracker, "account_number")
    return value if value is not None and can_be_account(value) else None


def _stripped(value: Any) -> str | None:
    return (str(value).strip() or None) if value is not None else None


def _both_answers(tracker: Tracker) -> list[Reading]:
    """The readings of a message that gives both answers at once (empty when it does not).

    Taken from an answer to either question; before the form has asked (the message that
    started it), only when the message says which is which; never from a request whose
    numbers are amounts ("can I pay 1200 now and 1500 later"), so it is not tried as an
    answer and counted as a failure.
    """
    if latest_intent(tracker) in _AMOUNT_INTENTS:
        return []
    found = readings(
        latest_text(tracker),
        account_entity=account_entity(tracker),
        postal_entity=entity(tracker, "postal_code"),
    )
    if requested_slot(tracker) in (ACCOUNT, POSTAL):
        return found
    return found if len(found) == 1 else []


async def _verify(
    dispatcher: CollectingDispatcher, tracker: Tracker, answers: list[Reading]
) -> list[Event]:
    sender = parse_sender(tracker.sender_id)
    rt = runtime.current()
    first, *others = answers
    result = await runtime.call(
        rt.services.identity.verify_sender,
        sender.channel,
        sender.address,
        first.account,
        first.postal_code,
        rt.now(),
        rt.policy,
        [(other.account, other.postal_code) for other in others],
        dialogue_intents(tracker),
    )
    if result.status == "verified":
        account, postal = result.reading or (first.account, first.postal_code)
        dispatcher.utter_message(text=say("bot_verified", language_of(tracker)))
        return [
            SlotSet(ACCOUNT, account),
            SlotSet(POSTAL, postal),
            SlotSet("verified", True),
            SlotSet("account_number", result.account_number or account),
        ]
    if result.status == "locked":
        answer = lock_answer(
            rt.settings.support_contact,
            followed_up=result.escalated,
            language=language_of(tracker),
        )
        dispatcher.utter_message(text=answer)
        return [
            SlotSet(ACCOUNT, None),
            SlotSet(POSTAL, None),
            SlotSet("verified", False),
            SlotSet("requested_slot", None),
        ]
    known = result.known_account
    said = replies.failed_verification(result.failures_left, known, language_of(tracker))
    dispatcher.utter_message(text=said)
    return [SlotSet(ACCOUNT, known), SlotSet(POSTAL, None)]
