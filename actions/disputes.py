"""Dispute: ``action_start_dispute`` → ``dispute_form`` → ``action_record_dispute``.

``dispute_invoice`` is an open invoice of the account (as it is numbered there) or ``all``;
``dispute_reason`` one of the six reasons, chosen by button number or in words;
``dispute_description`` the customer's own words. The reply carries the reference (``D-…``).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import replies, runtime
from actions.balance import find_invoice, invoice_in_text
from actions.forms import (
    Choice,
    GuardedFormValidation,
    fixed_choice,
    leave_for_request,
    reset_guard,
    value_choice,
)
from actions.gate import verified_account, verify_first
from actions.language import language_of
from actions.ports import BalanceView
from actions.sender import parse_sender
from actions.slots import (
    Event,
    dialogue_intents,
    entity,
    latest_text,
    requested_slot,
    reset,
    text_slot,
)
from bot.errors import ArbotError
from bot.policy.catalog import say

log = logging.getLogger(__name__)

INVOICE, REASON, DESCRIPTION = "dispute_invoice", "dispute_reason", "dispute_description"
FORM_SLOTS = (INVOICE, REASON, DESCRIPTION)
ALL = "all"
#: the buttons of ``utter_ask_dispute_reason``, in order: "1" is wrong_amount …
REASONS = ("wrong_amount", "not_received", "damaged", "already_paid", "not_my_debt", "other")
_REASON_WORDS = (
    (
        "not_my_debt",
        r"not (?:my|mine)|isn'?t (?:my|mine)|never (?:ordered|bought)|don'?t owe|"
        r"identity|fraud|wrong (?:person|account)|not me",
    ),
    ("already_paid", r"already paid|i paid|paid (?:it|that|this|in full)|was paid|settled"),
    (
        "not_received",
        r"never (?:got|received|arrived|came|delivered)|not (?:received|delivered)|"
        r"(?:don'?t|dont|do not) think (?:we|i) (?:ever )?(?:got|received)|"
        r"didn'?t (?:get|receive|arrive)|missing|no delivery",
    ),
    ("damaged", r"damaged|broken|defective|faulty|doesn'?t work|smashed|cracked|dented|torn|leak"),
    (
        "wrong_amount",
        r"wrong amount|overcharg|too (?:much|high)|amount is wrong|incorrect|"
        r"wrong price|charged (?:twice|double)|billed (?:twice|double|for)|should be|"
        r"only (?:ordered|got|received) \d+|quantity|extra charge",
    ),
    ("other", r"\bother\b|something else"),
)
_ALL_WORDS = re.compile(
    r"\b(all|everything|every invoice|whole (?:account|balance|thing)|both|todas|todos|todo)\b"
)
_MAX_DESCRIPTION = 1000
#: a reply this long to "describe the problem" is a description, whatever its intent
_DESCRIBING_WORDS = 3
#: an answer to "which invoice?" this long also describes the problem
_DESCRIBED_WORDS = 5


def dispute_reason(text: str) -> str | None:
    """A reason from a button number ("1".."6"), a reason name, or the customer's words."""
    t = text.strip().lower()
    if t.isdigit() and 1 <= int(t) <= len(REASONS):
        return REASONS[int(t) - 1]
    if t.replace(" ", "_") in REASONS:
        return t.replace(" ", "_")
    for reason, pattern in _REASON_WORDS:
        if re.search(pattern, t):
            return reason
    return None


#: invoices offered as buttons when the customer is stuck on which one
_MAX_INVOICE_CHOICES = 3


class ActionStartDispute(Action):  # type: ignore[misc]
    """Starts ``dispute_form`` afresh with the invoice and reason the request already gave."""

    def name(self) -> str:
        return "action_start_dispute"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        account = verified_account(tracker)
        if account is None:
            return verify_first("dispute")
        named = entity(tracker, "invoice_number")
        if named is None:  # named in passing, or the only invoice there is to dispute
            view = await _balance(account)
            found = invoice_in_text(view, latest_text(tracker))
            undisputed = [i for i in view.invoices if not i.disputed]
            named = found.invoice_number if found else None
            if named is None and len(undisputed) == 1:
                named = undisputed[0].invoice_number
        return [
            *leave_for_request(tracker, dispatcher, keep="dispute_form"),
            SlotSet(INVOICE, named),
            SlotSet(REASON, dispute_reason(latest_text(tracker))),
            SlotSet(DESCRIPTION, None),
            *reset_guard(),
            FollowupAction("dispute_form"),
        ]


class ValidateDisputeForm(GuardedFormValidation):
    form = "dispute_form"

    def answers_question(self, tracker: Tracker, slot: str | None) -> bool:
        text = latest_text(tracker)
        if slot == INVOICE:
            return entity(tracker, "invoice_number") is not None or bool(
                _ALL_WORDS.search(text.lower())
            )
        if slot == DESCRIPTION:  # "no we never received it" describes, it does not cancel
            return len(text.split()) >= _DESCRIBING_WORDS
        return slot == REASON and dispute_reason(text) is not None

    async def likely_choices(self, tracker: Tracker, slot: str) -> list[Choice]:
        if slot == REASON:
            return [fixed_choice(f"button_reason_{r}", f"{n}") for n, r in enumerate(REASONS, 1)]
        account = verified_account(tracker)
        if slot != INVOICE or account is None:
            return []
        view = await _balance(account)
        open_ones = [i.invoice_number for i in view.invoices if not i.disputed]
        choices = [value_choice(n, "invoice_number", n) for n in open_ones[:_MAX_INVOICE_CHOICES]]
        everything = say("button_all_invoices", language_of(tracker))
        return [*choices, value_choice(everything, "invoice_number", ALL)]

    async def extract_dispute_invoice(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        value = entity(tracker, "invoice_number")
        if value is None and requested_slot(tracker) == INVOICE:
            text = latest_text(tracker)
            if _ALL_WORDS.search(text.lower()):
                value = ALL
            elif any(ch.isdigit() for ch in text):  # an invoice number has digits
                value = text
        return {INVOICE: value} if value else {}

    async def extract_dispute_reason(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        asked = requested_slot(tracker)
        if asked not in (REASON, INVOICE) or (asked == INVOICE and text_slot(tracker, REASON)):
            return {}
        reason = dispute_reason(latest_text(tracker))  # "the one from last month, never got it"
        return {REASON: reason} if reason else {}

    async def extract_dispute_description(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if requested_slot(tracker) != DESCRIPTION:
            return {}
        text = latest_text(tracker)
        return {DESCRIPTION: text} if text else {}

    async def validate_dispute_invoice(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        given = str(value or "").strip()
        if given.lower() == ALL:
            return {INVOICE: ALL}
        account = verified_account(tracker)
        if not given or account is None:
            return {INVOICE: None}
        view = await _balance(account)
        invoice = find_invoice(view, given) or invoice_in_text(view, given)
        if invoice is None:
            said = replies.unknown_invoice(
                given, view, ask_which=True, language=language_of(tracker)
            )
            dispatcher.utter_message(text=said)
            return {INVOICE: None}
        if invoice.disputed:
            said = say("bot_already_disputed", language_of(tracker), invoice=invoice.invoice_number)
            dispatcher.utter_message(text=said)
            return {INVOICE: None, REASON: None, DESCRIPTION: None, "requested_slot": None}
        return {INVOICE: invoice.invoice_number, **_said_with_the_invoice(tracker, given)}

    def validate_dispute_reason(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        reason = dispute_reason(str(value or ""))
        if reason is None and str(value or "").strip():  # an answer, but not a reason
            dispatcher.utter_message(text=say("bot_dispute_reason_number", language_of(tracker)))
        return {REASON: reason}

    def validate_dispute_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()[:_MAX_DESCRIPTION]
        return {DESCRIPTION: text or None}


def _said_with_the_invoice(tracker: Tracker, reply: str) -> dict[str, Any]:
    """The reason and description a reply gives along with the invoice number ("T46-A, half
    the tiles were cracked"), so they are not asked for again."""
    found: dict[str, Any] = {}
    reason = dispute_reason(reply)
    if reason is not None and text_slot(tracker, REASON) is None:
        found[REASON] = reason
    if len(reply.split()) >= _DESCRIBED_WORDS and text_slot(tracker, DESCRIPTION) is None:
        found[DESCRIPTION] = reply.strip()[:_MAX_DESCRIPTION]
    return found


async def _balance(account: str) -> BalanceView:
    rt = runtime.current()
    view: BalanceView = await runtime.call(
        rt.services.balances.balance_view,
        account,
        rt.now(),
        rt.policy,
        default_timezone=rt.settings.default_timezone,
    )
    return view


class ActionRecordDispute(Action):  # type: ignore[misc]
    """Opens the dispute (one per invoice for ``all``) and gives the reference."""

    def name(self) -> str:
        return "action_record_dispute"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        account = verified_account(tracker)
        if account is None:
            return verify_first("dispute")
        invoice = text_slot(tracker, INVOICE)
        reason = text_slot(tracker, REASON)
        description = text_slot(tracker, DESCRIPTION)
        if invoice is None or reason is None or description is None:
            return reset(*FORM_SLOTS) + reset_guard()  # the form ended early and has said why
        rt = runtime.current()
        try:
            records = await runtime.call(
                rt.services.disputes.open_dispute,
                account,
                None if invoice == ALL else invoice,
                reason,
                description,
                channel=parse_sender(tracker.sender_id).channel,
                now=rt.now(),
                dialogue_intents=dialogue_intents(tracker),
            )
        except ArbotError:
            log.warning("opening a dispute for %s failed", account, exc_info=True)
            dispatcher.utter_message(text=say("bot_record_failed", language_of(tracker)))
        else:
            dispatcher.utter_message(text=replies.dispute_opened(records, language_of(tracker)))
        return reset(*FORM_SLOTS) + reset_guard()
