"""Promise to pay: ``action_start_promise`` → ``promise_form`` → ``action_record_promise``.

``validate_promise_form`` turns what was said into ``ptp_amount`` (a decimal string such as
``"300.00"``) and ``ptp_date`` (ISO) and checks the pair with the promise rules; a rule broken
clears the slot at fault and says why. ``action_ask_ptp_confirmed`` reads the promise back;
``action_record_promise`` records it only after a yes, and clears the form's slots either way.
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import replies, runtime
from actions.gate import verified_account, verify_first
from actions.sender import parse_sender
from actions.slots import Event, entity, latest_text, requested_slot, reset, text_slot
from bot.errors import ArbotError
from bot.policy.money import format_money
from bot.policy.promises import PromiseProblem
from bot.policy.spoken import parse_amount, parse_date

log = logging.getLogger(__name__)

AMOUNT, DUE, CONFIRMED = "ptp_amount", "ptp_date", "ptp_confirmed"
FORM_SLOTS = (AMOUNT, DUE, CONFIRMED)
_AMOUNT_PROBLEMS = {
    PromiseProblem.AMOUNT_NOT_POSITIVE,
    PromiseProblem.AMOUNT_OVER_BALANCE,
    PromiseProblem.AMOUNT_BELOW_MINIMUM,
}
_DATE_PROBLEMS = {PromiseProblem.DATE_IN_PAST, PromiseProblem.DATE_TOO_FAR}


def slot_amount(tracker: Tracker) -> Decimal | None:
    """``ptp_amount`` once validated (a decimal string)."""
    try:
        return Decimal(text_slot(tracker, AMOUNT) or "")
    except InvalidOperation:
        return None


def slot_date(tracker: Tracker) -> date | None:
    """``ptp_date`` once validated (an ISO date)."""
    try:
        return date.fromisoformat(text_slot(tracker, DUE) or "")
    except ValueError:
        return None


class ActionStartPromise(Action):  # type: ignore[misc]
    """Starts ``promise_form`` afresh, keeping an amount or date said with the request."""

    def name(self) -> str:
        return "action_start_promise"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        if verified_account(tracker) is None:
            return verify_first("promise")
        return [
            SlotSet(AMOUNT, entity(tracker, "amount")),
            SlotSet(DUE, entity(tracker, "date")),
            SlotSet(CONFIRMED, None),
            FollowupAction("promise_form"),
        ]


class ValidatePromiseForm(FormValidationAction):  # type: ignore[misc]
    def name(self) -> str:
        return "validate_promise_form"

    async def extract_ptp_amount(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        value = entity(tracker, "amount")
        if value is None and requested_slot(tracker) == AMOUNT:
            text = latest_text(tracker)
            value = text if parse_amount(text) is not None else None
        return {AMOUNT: value} if value else {}

    async def extract_ptp_date(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        value = entity(tracker, "date")
        if value is None and requested_slot(tracker) == DUE:
            text = latest_text(tracker)
            value = text if parse_date(text, runtime.current().now().date()) else None
        return {DUE: value} if value else {}

    def validate_ptp_amount(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        amount = parse_amount(str(value)) if value is not None else None
        if amount is None:
            dispatcher.utter_message(text="Sorry, I didn't catch an amount.")
            return {AMOUNT: None}
        return {AMOUNT: format_money(amount)}

    async def validate_ptp_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value) if value is not None else ""
        try:
            return {DUE: date.fromisoformat(text).isoformat()}
        except ValueError:
            pass
        due = parse_date(text, await _customer_today(tracker))
        if due is None:
            dispatcher.utter_message(text="Sorry, I didn't catch a date.")
            return {DUE: None}
        return {DUE: due.isoformat()}

    def validate_ptp_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if isinstance(value, str):
            value = {"true": True, "false": False}.get(value.strip().lower())
        return {CONFIRMED: value if isinstance(value, bool) else None}

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        events: list[Event] = await super().run(dispatcher, tracker, domain)
        answered = {e["name"] for e in events if e.get("event") == "slot" and e.get("value")}
        account, amount, due = verified_account(tracker), slot_amount(tracker), slot_date(tracker)
        if account is None or amount is None or due is None or not answered & {AMOUNT, DUE}:
            return events
        rt = runtime.current()
        check = await runtime.call(
            rt.services.promises.check_promise,
            account,
            amount,
            due,
            rt.now(),
            rt.policy,
            default_timezone=rt.settings.default_timezone,
        )
        if check.ok:
            return events
        dispatcher.utter_message(text=replies.promise_problem(check))
        problems = set(check.problems)
        clear = [AMOUNT] if problems & _AMOUNT_PROBLEMS else []
        clear += [DUE] if problems & _DATE_PROBLEMS else []
        return events + reset(*clear)


async def _customer_today(tracker: Tracker) -> date:
    """Today in the customer's time zone (from their account), else on the server's clock."""
    rt = runtime.current()
    account = verified_account(tracker)
    if account is None:
        return rt.now().date()
    view = await runtime.call(
        rt.services.balances.balance_view,
        account,
        rt.now(),
        rt.policy,
        default_timezone=rt.settings.default_timezone,
    )
    return view.today


class ActionAskPtpConfirmed(Action):  # type: ignore[misc]
    """Reads the promise back before anything is recorded."""

    def name(self) -> str:
        return "action_ask_ptp_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        amount, due = slot_amount(tracker), slot_date(tracker)
        if amount is None or due is None:
            dispatcher.utter_message(text="Shall I record this promise? Reply YES or NO.")
        else:
            dispatcher.utter_message(text=replies.promise_readback(amount, due))
        return []


class ActionRecordPromise(Action):  # type: ignore[misc]
    """Records the promise after a yes; otherwise says nothing was recorded."""

    def name(self) -> str:
        return "action_record_promise"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        account = verified_account(tracker)
        if account is None:
            return verify_first("promise")
        amount, due = slot_amount(tracker), slot_date(tracker)
        if tracker.get_slot(CONFIRMED) is not True or amount is None or due is None:
            dispatcher.utter_message(text=replies.NOTHING_RECORDED)
            return reset(*FORM_SLOTS)
        rt = runtime.current()
        try:
            record = await runtime.call(
                rt.services.promises.record_promise,
                account,
                amount,
                due,
                channel=parse_sender(tracker.sender_id).channel,
                now=rt.now(),
                policy=rt.policy,
                default_timezone=rt.settings.default_timezone,
            )
        except ArbotError:
            log.warning("recording a promise for %s failed", account, exc_info=True)
            dispatcher.utter_message(text=replies.RECORD_FAILED)
        else:
            dispatcher.utter_message(text=replies.promise_recorded(record))
        return reset(*FORM_SLOTS)
