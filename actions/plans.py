"""Payment plan: ``action_start_plan`` → ``plan_form`` → ``action_record_plan``.

The customer proposes months ("6 months") or an amount per month ("$200 a month");
``validate_plan_form`` stores that in ``plan_request`` (``months:6`` / ``amount:200.00``),
asks the plan service for the plan — or the nearest one the policy allows — and keeps it in
``plan_offer`` (JSON) for ``action_ask_plan_confirmed`` to read back and
``action_record_plan`` to record after a yes.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date
from decimal import Decimal
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import replies, runtime, spoken
from actions.forms import OFFER as FORM_OFFER
from actions.forms import (
    YES_NO,
    Choice,
    GuardedFormValidation,
    leave_for_request,
    offered,
    reset_guard,
    value_choice,
)
from actions.gate import verified_account, verify_first
from actions.language import language_of
from actions.sender import parse_sender
from actions.slots import (
    Event,
    dialogue_intents,
    entity,
    latest_intent,
    latest_text,
    previous_action,
    requested_slot,
    reset,
    text_slot,
)
from bot.errors import ArbotError
from bot.policy.catalog import say
from bot.policy.money import format_money
from bot.policy.plans import PlanNotAvailable, PlanOffer, ScheduledPayment

log = logging.getLogger(__name__)

REQUEST, OFFER, CONFIRMED = "plan_request", "plan_offer", "plan_confirmed"
FORM_SLOTS = (REQUEST, OFFER, CONFIRMED)
#: ``plan_request`` when the customer said no instead of proposing a plan
DECLINED = "declined"
#: ``plan_request`` for the plan with the lowest installment (the hardship offer)
LOWEST = "lowest"
#: a bare number up to this is a number of months; above it, an amount per month
_MAX_MONTHS_SAID = 24
_PER_MONTH = re.compile(
    r"\$|\b(a|per|each|every) month\b|\bmonthly\b|\bdollars?\b|\bbucks?\b|"
    r"\b(?:al|por|cada) mes\b|\bmensual(?:es|mente)?\b|\bd[oó]lar(?:es)?\b"
)


def plan_request(
    installments: str | None, amount: str | None, text: str = "", lang: str = "en"
) -> str | None:
    """``months:N`` or ``amount:X`` from the installments/amount entities or a bare reply.

    Months win when both are given ("$100 a month for 6 months"), as the plan rules do.
    ``lang`` is the conversation's language (:func:`actions.spoken.language`).
    """
    if installments and (months := spoken.count(installments, lang)) is not None:
        return f"months:{months}"
    if amount and (money := spoken.amount(amount, lang)) is not None:
        return f"amount:{format_money(money)}"
    if not text:
        return None
    if not _PER_MONTH.search(text.lower()):
        count = spoken.count(text, lang)
        if count is not None and count <= _MAX_MONTHS_SAID:
            return f"months:{count}"
    money = spoken.amount(text, lang)
    return f"amount:{format_money(money)}" if money is not None else None


def offer_to_json(offer: PlanOffer) -> str:
    """The offer as kept in the ``plan_offer`` slot (money as two-place strings)."""
    return json.dumps(
        {
            "total": format_money(offer.total),
            "down_payment": format_money(offer.down_payment),
            "installments": [
                {"due_date": item.due_date.isoformat(), "amount": format_money(item.amount)}
                for item in offer.installments
            ],
            "months": offer.months,
            "monthly_amount": format_money(offer.monthly_amount),
            "needs_approval": offer.needs_approval,
            "counteroffer": offer.counteroffer,
            "adjustments": list(offer.adjustments),
        }
    )


def offer_from_json(text: str | None) -> PlanOffer | None:
    """The offer kept in ``plan_offer``; None when unset or unreadable."""
    if not text:
        return None
    try:
        data = json.loads(text)
        return PlanOffer(
            total=Decimal(data["total"]),
            down_payment=Decimal(data["down_payment"]),
            installments=tuple(
                ScheduledPayment(date.fromisoformat(item["due_date"]), Decimal(item["amount"]))
                for item in data["installments"]
            ),
            months=int(data["months"]),
            monthly_amount=Decimal(data["monthly_amount"]),
            needs_approval=bool(data["needs_approval"]),
            counteroffer=bool(data["counteroffer"]),
            adjustments=tuple(data["adjustments"]),
        )
    except (ValueError, KeyError, TypeError, ArithmeticError):
        log.warning("plan_offer slot is not an offer: %r", text)
        return None


def _normalized_request(text: str, lang: str) -> str | None:
    """``text`` when it already is a request (``months:N``, ``amount:X``, ``lowest``), else
    the request read from it as a reply."""
    if text == LOWEST or re.fullmatch(r"(months|amount):\S+", text):
        return text
    return plan_request(None, None, text, lang)


class ActionStartPlan(Action):  # type: ignore[misc]
    """Starts ``plan_form`` afresh when the account can have a plan at all."""

    def name(self) -> str:
        return "action_start_plan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        account = verified_account(tracker)
        if account is None:
            return verify_first("plan")
        rt = runtime.current()
        try:
            await runtime.call(
                rt.services.plans.plan_offer,
                account,
                rt.now(),
                rt.policy,
                default_timezone=rt.settings.default_timezone,
            )
        except PlanNotAvailable:
            dispatcher.utter_message(
                text=replies.plan_not_available(rt.policy, language_of(tracker))
            )
            return reset(*FORM_SLOTS)
        request = plan_request(
            entity(tracker, "installments"), entity(tracker, "amount"), "", spoken.language(tracker)
        )
        if request is None and previous_action(tracker) == "action_hardship":
            request = LOWEST  # "yes" to the hardship offer: that plan, read back to confirm
        return [
            *leave_for_request(tracker, dispatcher, keep="plan_form"),
            SlotSet(REQUEST, request),
            SlotSet(OFFER, None),
            SlotSet(CONFIRMED, None),
            *reset_guard(),
            FollowupAction("plan_form"),
        ]


class ValidatePlanForm(GuardedFormValidation):
    form = "plan_form"

    def answers_question(self, tracker: Tracker, slot: str | None) -> bool:
        if slot != REQUEST:
            return False
        said = plan_request(
            entity(tracker, "installments"),
            entity(tracker, "amount"),
            latest_text(tracker),
            spoken.language(tracker),
        )
        return said is not None

    async def likely_choices(self, tracker: Tracker, slot: str) -> list[Choice]:
        if slot == CONFIRMED:
            return list(YES_NO)
        if slot != REQUEST:
            return []
        longest = runtime.current().policy.plan_max_installments
        months = sorted({min(3, longest), longest})
        lang = language_of(tracker)
        return [
            value_choice(say("button_months", lang, count=n), "installments", str(n))
            for n in months
        ]

    async def extract_plan_request(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        asked = requested_slot(tracker) == REQUEST
        if asked and latest_intent(tracker) == "deny":  # "no" instead of a proposal: cancel
            return {REQUEST: DECLINED, CONFIRMED: False}
        text = latest_text(tracker) if asked else ""
        request = plan_request(
            entity(tracker, "installments"),
            entity(tracker, "amount"),
            text,
            spoken.language(tracker),
        )
        return {REQUEST: request} if request else {}

    async def validate_plan_request(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "")
        if text == DECLINED:
            return {REQUEST: DECLINED, OFFER: None}
        request = _normalized_request(text, spoken.language(tracker))
        account = verified_account(tracker)
        if request is None or account is None:
            if text.strip():  # said something that is not a plan; a blank start just asks
                dispatcher.utter_message(text=say("bot_ask_plan", language_of(tracker)))
            return {REQUEST: None, OFFER: None}
        kind, _, number = request.partition(":")
        rt = runtime.current()
        try:
            offer = await runtime.call(
                rt.services.plans.plan_offer,
                account,
                rt.now(),
                rt.policy,
                months=int(number) if kind == "months" else None,
                monthly_amount=Decimal(number) if kind == "amount" else None,
                default_timezone=rt.settings.default_timezone,
            )
        except PlanNotAvailable:
            dispatcher.utter_message(
                text=replies.plan_not_available(rt.policy, language_of(tracker))
            )
            return {REQUEST: None, OFFER: None, "requested_slot": None}
        return {REQUEST: request, OFFER: offer_to_json(offer), CONFIRMED: None}

    def validate_plan_offer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {OFFER: value if offer_from_json(value) is not None else None}

    def validate_plan_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if isinstance(value, str):
            value = {"true": True, "false": False}.get(value.strip().lower())
        offer = offer_from_json(text_slot(tracker, OFFER))
        if value is False and offer is not None and offer.counteroffer:
            # a refused counteroffer: ask for another proposal rather than give up; it stays
            # on offer, so a "fine" or "yes" after all takes it
            dispatcher.utter_message(text=say("bot_counteroffer_refused", language_of(tracker)))
            kept = offered(tracker) | {REQUEST: f"months:{offer.months}"}
            return {REQUEST: None, OFFER: None, CONFIRMED: None, FORM_OFFER: json.dumps(kept)}
        return {CONFIRMED: value if isinstance(value, bool) else None}


class ActionAskPlanConfirmed(Action):  # type: ignore[misc]
    """Reads the plan (or the counteroffer) back before anything is recorded."""

    def name(self) -> str:
        return "action_ask_plan_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        offer = offer_from_json(text_slot(tracker, OFFER))
        if offer is None:
            dispatcher.utter_message(text=say("bot_plan_confirm", language_of(tracker)))
        else:
            policy = runtime.current().policy
            dispatcher.utter_message(
                text=replies.plan_readback(offer, policy, language_of(tracker))
            )
        return []


class ActionRecordPlan(Action):  # type: ignore[misc]
    """Records the plan after a yes (pending a collector's approval above the limit)."""

    def name(self) -> str:
        return "action_record_plan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        account = verified_account(tracker)
        if account is None:
            return verify_first("plan")
        offer = offer_from_json(text_slot(tracker, OFFER))
        if offer is None:  # no plan was offered (not available, or nothing asked)
            return reset(*FORM_SLOTS) + reset_guard()
        if tracker.get_slot(CONFIRMED) is not True:
            dispatcher.utter_message(text=say("bot_no_plan", language_of(tracker)))
            return reset(*FORM_SLOTS) + reset_guard()
        rt = runtime.current()
        try:
            record = await runtime.call(
                rt.services.plans.record_plan,
                account,
                offer,
                channel=parse_sender(tracker.sender_id).channel,
                now=rt.now(),
                policy=rt.policy,
                default_timezone=rt.settings.default_timezone,
                dialogue_intents=dialogue_intents(tracker),
            )
        except (ArbotError, PlanNotAvailable):
            log.warning("recording a plan for %s failed", account, exc_info=True)
            dispatcher.utter_message(text=say("bot_record_failed", language_of(tracker)))
        else:
            said = replies.plan_recorded(record.needs_approval, offer, language_of(tracker))
            dispatcher.utter_message(text=said)
        return reset(*FORM_SLOTS) + reset_guard()
