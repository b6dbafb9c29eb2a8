"""Promise to pay: ``action_start_promise`` → ``promise_form`` → ``action_record_promise``.

``validate_promise_form`` turns what was said into ``ptp_amount`` (a decimal string such as
``"300.00"``) and ``ptp_date`` (ISO) and checks the pair with the promise rules; a rule broken
clears the slot at fault and says why. ``action_ask_ptp_confirmed`` reads the promise back;
``action_record_promise`` records it only after a yes, and clears the form's slots either way.
"""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import replies, runtime, spoken
from actions.forms import (
    YES_NO,
    Choice,
    GuardedFormValidation,
    buttons,
    fixed_choice,
    leave_for_request,
    offer,
    reset_guard,
    value_choice,
)
from actions.gate import verified_account, verify_first
from actions.language import language_of
from actions.payment_link import link_after_promise
from actions.ports import BalanceView
from actions.sender import parse_sender
from actions.slots import Event, entity, latest_text, requested_slot, reset, text_slot
from bot.errors import ArbotError
from bot.policy.catalog import say
from bot.policy.money import format_money
from bot.policy.promises import PromiseCheck, PromiseProblem, minimum_promise
from bot.policy.relative_amounts import Owed, Share, resolve

log = logging.getLogger(__name__)

AMOUNT, DUE, CONFIRMED = "ptp_amount", "ptp_date", "ptp_confirmed"
FORM_SLOTS = (AMOUNT, DUE, CONFIRMED)
_AMOUNT_PROBLEMS = {
    PromiseProblem.AMOUNT_NOT_POSITIVE,
    PromiseProblem.AMOUNT_OVER_BALANCE,
    PromiseProblem.AMOUNT_BELOW_MINIMUM,
}
_DATE_PROBLEMS = {PromiseProblem.DATE_IN_PAST, PromiseProblem.DATE_TOO_FAR}
#: ``ptp_amount`` said relative to the account ("half", "all of it"): ``share:<Share>``
_SHARE = "share:"
#: an amount per month makes a "promise" a plan proposal ("i'll pay 50 a month")
_MONTHLY = re.compile(
    r"\b(?:a|per|each|every) month\b|\bmonthly\b|/\s?mo(?:nth)?\b|"
    r"\b(?:al|por|cada) mes\b|\bmensual(?:es|mente)?\b"
)
PLAN_INSTEAD = fixed_choice("button_plan_instead", "/request_payment_plan")


def spoken_amount(tracker: Tracker) -> str | None:
    """The amount the latest message gives: an entity, or a share of what is owed."""
    value = entity(tracker, "amount")
    lang = spoken.language(tracker)
    if value is not None and spoken.amount(value, lang) is not None:
        return value
    share = spoken.share(value or "", lang) or spoken.share(latest_text(tracker), lang)
    return _SHARE + share.value if share is not None else value


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
        if _MONTHLY.search(latest_text(tracker).lower()):
            return [FollowupAction("action_start_plan")]  # "50 a month" is a plan proposal
        return [
            *leave_for_request(tracker, dispatcher, keep="promise_form"),
            SlotSet(AMOUNT, spoken_amount(tracker) or _amount_in(tracker)),
            SlotSet(DUE, entity(tracker, "date")),
            SlotSet(CONFIRMED, None),
            *reset_guard(),
            FollowupAction("promise_form"),
        ]


class ValidatePromiseForm(GuardedFormValidation):
    form = "promise_form"

    def answers_question(self, tracker: Tracker, slot: str | None) -> bool:
        text, lang = latest_text(tracker), spoken.language(tracker)
        if slot == AMOUNT:
            return spoken_amount(tracker) is not None or spoken.amount(text, lang) is not None
        if slot == DUE:
            today = runtime.current().now().date()
            return entity(tracker, "date") is not None or spoken.day(text, today, lang) is not None
        return False

    async def likely_choices(self, tracker: Tracker, slot: str) -> list[Choice]:
        if slot == CONFIRMED:
            return list(YES_NO)
        account = verified_account(tracker)
        if account is None:
            return []
        view = await _balance(account)
        lang = language_of(tracker)
        if slot == AMOUNT:
            owed = _owed(view)
            past_due = resolve(Share.PAST_DUE, owed)
            everything = say("button_all_amount", lang, amount=replies.money(owed.collectible))
            choices = [value_choice(everything, "amount", format_money(owed.collectible))]
            if past_due < owed.collectible:
                label = say("button_past_due", lang, amount=replies.money(past_due))
                choices.insert(0, value_choice(label, "amount", format_money(past_due)))
            return choices
        if slot == DUE:
            latest = view.today + timedelta(days=runtime.current().policy.promise_max_days)
            return [
                value_choice(say("button_today", lang), "date", view.today.isoformat()),
                value_choice(replies.day(latest, lang), "date", latest.isoformat()),
            ]
        return []

    async def extract_ptp_amount(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        value = spoken_amount(tracker)
        if value is None and requested_slot(tracker) == AMOUNT:
            text = latest_text(tracker)
            value = text if spoken.amount(text, spoken.language(tracker)) is not None else None
        return {AMOUNT: value} if value else {}

    async def extract_ptp_date(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        value = entity(tracker, "date")
        if value is None and requested_slot(tracker) == DUE:
            text = latest_text(tracker)
            today = runtime.current().now().date()
            value = text if spoken.day(text, today, spoken.language(tracker)) else None
        return {DUE: value} if value else {}

    async def validate_ptp_amount(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value) if value is not None else ""
        account = verified_account(tracker)
        if text.startswith(_SHARE) and account is not None:
            share = Share(text.removeprefix(_SHARE))
            return {AMOUNT: format_money(resolve(share, _owed(await _balance(account))))}
        amount = spoken.amount(text, spoken.language(tracker)) if value is not None else None
        if amount is None:
            if text.strip():  # an answer, but not an amount (nothing said: just ask)
                dispatcher.utter_message(text=say("bot_no_amount", language_of(tracker)))
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
        due = spoken.day(text, await _customer_today(tracker), spoken.language(tracker))
        if due is None:
            if text.strip():
                dispatcher.utter_message(text=say("bot_no_date", language_of(tracker)))
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
        problems = set(check.problems)
        clear = [AMOUNT] if problems & _AMOUNT_PROBLEMS else []
        clear += [DUE] if problems & _DATE_PROBLEMS else []
        lang = language_of(tracker)
        nearest = _nearest_choices(check, await _customer_today(tracker), lang)
        dispatcher.utter_message(
            text=replies.promise_problem(check, language_of(tracker)),
            buttons=buttons([choice for _, _, choice in nearest], lang),
        )
        values = {slot: value for slot, value, _ in nearest if slot in clear}
        return events + reset(*clear) + ([offer(tracker, **values)] if values else [])


def _amount_in(tracker: Tracker) -> str | None:
    """The one amount a request gives in digits when NLU tagged none ("can i pay 500 on
    the 15th?", "puedo pagar 500 el 15")."""
    amount = spoken.amount(latest_text(tracker), spoken.language(tracker))
    return format_money(amount) if amount is not None else None


def _nearest_choices(
    check: PromiseCheck, today: date, lang: str = "en"
) -> list[tuple[str, str, Choice]]:
    """The nearest promise the rules allow, as (slot, value, button) for each broken rule."""
    problems = set(check.problems)
    found: list[tuple[str, str, Choice]] = []
    if PromiseProblem.AMOUNT_OVER_BALANCE in problems:
        most = format_money(check.max_amount)
        found.append((AMOUNT, most, value_choice(replies.money(check.max_amount), "amount", most)))
    if PromiseProblem.AMOUNT_BELOW_MINIMUM in problems:
        least = format_money(check.min_amount)
        label = say("button_minimum", lang, amount=replies.money(check.min_amount))
        found.append((AMOUNT, least, value_choice(label, "amount", least)))
        found.append(("", "", PLAN_INSTEAD))
    if PromiseProblem.DATE_TOO_FAR in problems:
        latest = check.latest_date.isoformat()
        latest_day = replies.day(check.latest_date, lang)
        found.append((DUE, latest, value_choice(latest_day, "date", latest)))
    if PromiseProblem.DATE_IN_PAST in problems:
        today_choice = value_choice(say("button_today", lang), "date", today.isoformat())
        found.append((DUE, today.isoformat(), today_choice))
    return found


def _owed(view: BalanceView) -> Owed:
    """What relative amounts are taken of, on the verified account."""
    minimum = minimum_promise(view.past_due, runtime.current().policy)
    return Owed(collectible=view.collectible, past_due=view.past_due, minimum=minimum)


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


async def _customer_today(tracker: Tracker) -> date:
    """Today in the customer's time zone (from their account), else on the server's clock."""
    account = verified_account(tracker)
    if account is None:
        return runtime.current().now().date()
    return (await _balance(account)).today


class ActionAskPtpConfirmed(Action):  # type: ignore[misc]
    """Reads the promise back before anything is recorded."""

    def name(self) -> str:
        return "action_ask_ptp_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        amount, due = slot_amount(tracker), slot_date(tracker)
        if amount is None or due is None:
            dispatcher.utter_message(text=say("bot_promise_confirm", language_of(tracker)))
        else:
            dispatcher.utter_message(
                text=replies.promise_readback(amount, due, language_of(tracker))
            )
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
            dispatcher.utter_message(text=say("bot_nothing_recorded", language_of(tracker)))
            return reset(*FORM_SLOTS) + reset_guard()
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
            dispatcher.utter_message(text=say("bot_record_failed", language_of(tracker)))
        else:
            dispatcher.utter_message(text=replies.promise_recorded(record, language_of(tracker)))
            link = await link_after_promise(account)
            if link is not None:
                dispatcher.utter_message(text=replies.promise_pay_link(link, language_of(tracker)))
        return reset(*FORM_SLOTS) + reset_guard()
