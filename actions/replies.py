"""The bot's dynamic texts: what it says with numbers, dates and references in it.

Fixed texts without data live in ``domain.yml`` responses; these are built from service
results. The words of the verification, balance, greeting, hand-off, fallback and
preference texts come from :mod:`bot.policy.catalog` in the conversation's language (the
``language`` slot, :func:`actions.language.language_of`); the functions here take it as
``language`` and default to English. Money reads ``$1,250.00``; dates read ``Friday, Dec 4``
(``viernes 4 de dic``). Messages are short enough for SMS and never rely on formatting a
channel may not show.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from itertools import groupby

from actions.ports import (
    BalanceView,
    ClaimResult,
    DisputeRecord,
    InvoiceView,
    PayLinkView,
    PromiseRecord,
)
from bot.policy.catalog import month, say, weekday
from bot.policy.credit import HOLD_DAYS_PAST_DUE
from bot.policy.money import cents
from bot.policy.plans import PlanOffer, ScheduledPayment, minimum_down_payment
from bot.policy.promises import PromiseCheck, PromiseProblem
from bot.policy.rules import Policy

MAX_INVOICES = 5
ONE_BUSINESS_DAY = "A collector will reply within one business day."

VERIFIED = say("bot_verified", "en")
ASK_AMOUNT = say("bot_ask_amount", "en")
ASK_DATE = say("bot_ask_date", "en")
ASK_PLAN = say("bot_ask_plan", "en")
NOTHING_RECORDED = say("bot_nothing_recorded", "en")
COUNTEROFFER_REFUSED = say("bot_counteroffer_refused", "en")
NO_PLAN = say("bot_no_plan", "en")
RECORD_FAILED = say("bot_record_failed", "en")
HUMAN_REQUESTED = say("bot_human_requested", "en")
REPHRASE = say("bot_rephrase", "en")
FALLBACK_ESCALATED = say("bot_fallback_escalated", "en")
FALLBACK_PENDING = say("bot_fallback_pending", "en")
NOT_CAUGHT = say("bot_not_caught", "en")
NOT_RESUBSCRIBED = say("bot_not_resubscribed", "en")
STILL_NOT_CAUGHT = say("bot_still_not_caught", "en")
VENTING = say("bot_venting", "en")
#: what the customer hears when a new request leaves a form, by form
_FORM_TOPICS = {
    "promise_form": "bot_topic_promise",
    "plan_form": "bot_topic_plan",
    "dispute_form": "bot_topic_dispute",
}


def who_we_are(company_name: str, language: str = "en") -> str:
    """Who is writing and why, naming the company (the answer to "who is this?")."""
    return say("bot_who", language, company=company_name.rstrip("."))


def greeting(company_name: str, language: str = "en") -> str:
    """Hello from the company, and what the bot can help with."""
    return say("bot_greeting", language, company=company_name.rstrip("."))


def money(amount: Decimal, currency: str = "USD") -> str:
    """``$1,250.00`` (other currencies: ``1,250.00 EUR``)."""
    value = cents(amount)
    sign = "-" if value < 0 else ""
    digits = f"{abs(value):,.2f}"
    return f"{sign}${digits}" if currency == "USD" else f"{sign}{digits} {currency}"


def day(when: date, language: str = "en") -> str:
    """``Friday, Dec 4`` (``viernes 4 de dic``)."""
    return say(
        "bot_weekday_day",
        language,
        weekday=weekday(when.weekday(), language),
        month=month(when.month, language),
        day=when.day,
    )


def short_day(when: date, language: str = "en") -> str:
    """``Dec 4`` (``4 dic``)."""
    return say("day", language, month=month(when.month, language), day=when.day)


def failed_verification(
    failures_left: int, known_account: str | None = None, language: str = "en"
) -> str:
    """A wrong answer, with the tries left before verification locks.

    With ``known_account`` only the postal code is asked again, and the answer says so.
    """
    key = "bot_failed_postal" if known_account else "bot_failed"
    key += "_one" if failures_left == 1 else "_many"
    return say(key, language, left=failures_left)


# --- balance -----------------------------------------------------------------------------


def balance_summary(
    view: BalanceView, language: str = "en", hold_days: int = HOLD_DAYS_PAST_DUE
) -> str:
    """Total, past due, open invoices, the oldest past-due one and how late it is."""
    if view.open_count == 0 or view.total <= 0:
        return say("bot_no_balance", language)
    cur, lang = view.currency, language
    total = money(view.total, cur)
    key = "bot_balance_one" if view.open_count == 1 else "bot_balance_many"
    parts = [say(key, lang, total=total, count=view.open_count)]
    if view.finance_charges > 0:
        parts.append(say("bot_finance_charges", lang, amount=money(view.finance_charges, cur)))
    if view.past_due > 0:
        parts.append(say("bot_past_due", lang, amount=money(view.past_due, cur)))
        if view.oldest_past_due_invoice and view.oldest_days_late is not None:
            days = view.oldest_days_late
            oldest = "bot_oldest_one" if days == 1 else "bot_oldest_many"
            parts.append(say(oldest, lang, invoice=view.oldest_past_due_invoice, days=days))
    else:
        parts.append(say("bot_nothing_past_due", lang))
    if view.disputed > 0:
        parts.append(say("bot_disputed_hold", lang, amount=money(view.disputed, cur)))
    return " ".join([*parts, *commitments(view, lang), *credit_hold(view, lang, hold_days)])


def credit_hold(
    view: BalanceView, language: str = "en", hold_days: int = HOLD_DAYS_PAST_DUE
) -> list[str]:
    """Why the account is on credit hold and what releases it (SPEC §12); ``hold_days`` is
    ``ARBOT_HOLD_DAYS_PAST_DUE``, the days past due that hold an account."""
    if not view.hold_reasons:
        return []
    lines = [say("bot_credit_hold", language)]
    if "over_limit" in view.hold_reasons and view.to_limit > 0:
        amount = money(view.to_limit, view.currency)
        lines.append(say("bot_hold_over_limit", language, amount=amount))
    if "past_due" in view.hold_reasons:
        lines.append(say("bot_hold_past_due", language, days=hold_days))
    if "plan_default" in view.hold_reasons:
        lines.append(say("bot_hold_plan_default", language))
    return lines


def commitments(view: BalanceView, language: str = "en") -> list[str]:
    """The pending promise and the plan's next payments: what the customer agreed to."""
    lines: list[str] = []
    lang, cur = language, view.currency

    def on(amount: Decimal, when: date) -> str:
        return say("bot_amount_on", lang, amount=money(amount, cur), day=day(when, lang))

    if view.promise is not None:
        promised = on(view.promise.amount, view.promise.due_date)
        lines.append(say("bot_promised", lang, promised=promised))
    if view.plan is not None and view.plan.remaining:
        first, *rest = view.plan.remaining
        pending = view.plan.status == "pending_approval"
        key = "bot_plan_pending_next" if pending else "bot_plan_next"
        text = say(key, lang, when=on(first.amount, first.due_date))
        if rest:
            amounts = {item.amount for item in rest}
            each = say("bot_plan_each", lang, amount=money(rest[0].amount, cur))
            more = "bot_plan_more_one" if len(rest) == 1 else "bot_plan_more_many"
            text += say(more, lang, count=len(rest), each=each if len(amounts) == 1 else "")
            text += say("bot_plan_last", lang, day=day(rest[-1].due_date, lang))
        lines.append(text + ".")
    return lines


def invoice_line(invoice: InvoiceView, currency: str, language: str = "en") -> str:
    """``INV-1003-01, due Nov 3: $250.00`` (``(disputed, on hold)`` when it is)."""
    line = say(
        "bot_invoice_line",
        language,
        invoice=invoice.invoice_number,
        day=short_day(invoice.due_date, language),
        amount=money(invoice.open_amount, currency),
    )
    return line + (say("bot_invoice_disputed", language) if invoice.disputed else "")


def invoice_list(view: BalanceView, limit: int = MAX_INVOICES, language: str = "en") -> str:
    """Up to ``limit`` open invoices, oldest due first, and how many more there are."""
    invoices = sorted(view.invoices, key=lambda item: (item.due_date, item.invoice_number))
    if not invoices:
        return say("bot_no_invoices", language)
    lines = [invoice_line(item, view.currency, language) for item in invoices[:limit]]
    if len(invoices) > limit:
        lines.append(say("bot_more_invoices", language, count=len(invoices) - limit))
    return say("bot_open_invoices", language) + "\n" + "\n".join(lines)


# --- promises ----------------------------------------------------------------------------


def promise_readback(amount: Decimal, due: date, language: str = "en") -> str:
    """The promise read back before it is recorded (the question of ``ptp_confirmed``)."""
    return say("bot_promise_readback", language, amount=money(amount), day=day(due, language))


def promise_recorded(record: PromiseRecord, language: str = "en") -> str:
    """The promise as recorded; says when it replaced the pending one."""
    due = day(record.due_date, language)
    promise = say("bot_amount_on", language, amount=money(record.amount), day=due)
    text = say("bot_promise_recorded", language, promise=promise)
    if record.replaced_id is not None:
        text += say("bot_promise_replaces", language)
    return text


def promise_problem(check: PromiseCheck, language: str = "en") -> str:
    """Why a promise cannot be taken as proposed, with the limit to stay within."""
    problems, lang = set(check.problems), language
    parts: list[str] = []
    if PromiseProblem.AMOUNT_NOT_POSITIVE in problems:
        parts.append(say("bot_promise_not_positive", lang))
    if PromiseProblem.AMOUNT_OVER_BALANCE in problems:
        parts.append(say("bot_promise_over_balance", lang, amount=money(check.max_amount)))
    if PromiseProblem.AMOUNT_BELOW_MINIMUM in problems:
        parts.append(say("bot_promise_below_minimum", lang, amount=money(check.min_amount)))
    if PromiseProblem.DATE_IN_PAST in problems:
        parts.append(say("bot_promise_date_past", lang, day=day(check.latest_date, lang)))
    if PromiseProblem.DATE_TOO_FAR in problems:
        parts.append(say("bot_promise_date_far", lang, day=day(check.latest_date, lang)))
    return " ".join(parts)


def left_form(form: str, language: str = "en") -> str:
    """Said when a new request leaves a form: the customer's last request wins."""
    topic = say(_FORM_TOPICS.get(form, "bot_topic_other"), language)
    return say("bot_left_form", language, topic=topic)


# --- plans -------------------------------------------------------------------------------

_ADJUSTMENT_REASONS = frozenset(
    {
        "max_installments",
        "min_installment",
        "min_months",
        "min_down_payment",
        "max_down_payment",
        "start_in_past",
        "first_due_too_far",
    }
)


def plan_schedule(offer: PlanOffer, language: str = "en") -> str:
    """``$125.00 down on Sunday, Nov 22, then 6 monthly payments: $187.51 on Dec 22; …``."""
    down, *monthly = offer.installments
    groups = [
        say(
            "bot_amount_on",
            language,
            amount=money(amount),
            day=_join([short_day(item.due_date, language) for item in items], language),
        )
        for amount, items in _by_amount(monthly)
    ]
    return say(
        "bot_schedule_one" if len(monthly) == 1 else "bot_schedule_many",
        language,
        down=money(down.amount),
        day=day(down.due_date, language),
        count=len(monthly),
        groups="; ".join(groups),
        total=money(offer.total),
    )


def plan_readback(offer: PlanOffer, policy: Policy, language: str = "en") -> str:
    """The offer read back: a counteroffer says why, a large plan says it needs approval."""
    if offer.counteroffer:
        codes = dict.fromkeys(offer.adjustments)
        reasons = _join([_reason(code, offer, policy, language) for code in codes], language)
        opening = say("bot_plan_counteroffer", language, reasons=reasons)
    else:
        opening = say("bot_plan_offer", language)
    text = opening + plan_schedule(offer, language)
    if offer.needs_approval:
        limit = money(policy.plan_approval_above)
        text += say("bot_plan_needs_approval", language, amount=limit)
    return text + say("bot_plan_confirm_end", language)


def plan_recorded(needs_approval: bool, offer: PlanOffer, language: str = "en") -> str:
    """The plan is set up — or, above the approval limit, waits for a collector."""
    if needs_approval:
        return say("bot_plan_requested", language)
    down = offer.installments[0]
    first = day(down.due_date, language)
    return say("bot_plan_recorded", language, amount=money(down.amount), day=first)


def hardship_reply(offer: PlanOffer, language: str = "en") -> str:
    """Empathy, the plan with the lowest installment, and the way to a person."""
    return say(
        "bot_hardship",
        language,
        amount=money(offer.monthly_amount),
        schedule=plan_schedule(offer, language),
    )


def plan_not_available(policy: Policy, language: str = "en") -> str:
    """The balance is too small for a plan; a promise is the way instead."""
    return say("bot_plan_not_available", language, amount=money(policy.plan_min_balance))


# --- disputes and claims -----------------------------------------------------------------


def dispute_opened(records: Sequence[DisputeRecord], language: str = "en") -> str:
    """The reference of each dispute opened, and that the invoices are on hold."""
    if not records:
        return say("bot_nothing_to_dispute", language)
    refs = _join([_reference(record) for record in records], language)
    key = "bot_dispute_opened_one" if len(records) == 1 else "bot_dispute_opened_many"
    return say(key, language, refs=refs)


def claim_reply(result: ClaimResult, language: str = "en") -> str:
    """A payment was found, or the claim became an ``already_paid`` dispute."""
    if result.matched_payment_id is not None:
        paid, when = result.matched_amount, result.matched_date
        if paid is not None and when is not None:
            received = short_day(when, language)
            return say("bot_claim_found_details", language, amount=money(paid), day=received)
        return say("bot_claim_found", language)
    if result.dispute is not None:
        invoice = result.dispute.invoice_number
        held = (
            say("bot_claim_invoice_held", language, invoice=invoice)
            if invoice
            else say("bot_claim_held", language)
        )
        reference = result.dispute.reference
        return say("bot_claim_dispute", language, reference=reference, held=held)
    return say("bot_claim_noted", language)


def unknown_invoice(
    given: str, view: BalanceView, *, ask_which: bool = False, language: str = "en"
) -> str:
    """The invoice named is not open on the account; lists the ones that are."""
    numbers = [item.invoice_number for item in view.invoices if not item.disputed]
    joined = _join(numbers[:MAX_INVOICES], language)
    listed = say("bot_open_invoices_are", language, numbers=joined) if numbers else ""
    question = say("bot_which_invoice", language) if ask_which else ""
    return say("bot_unknown_invoice", language, given=given, listed=listed, question=question)


def _reference(record: DisputeRecord) -> str:
    if record.invoice_number:
        return f"{record.reference} ({record.invoice_number})"
    return record.reference


def _reason(code: str, offer: PlanOffer, policy: Policy, language: str = "en") -> str:
    key = f"bot_reason_{code}" if code in _ADJUSTMENT_REASONS else "bot_reason_other"
    return say(
        key,
        language,
        max_months=policy.plan_max_installments,
        min_installment=money(policy.plan_min_installment),
        min_down=money(minimum_down_payment(offer.total, policy)),
        first_days=policy.plan_first_due_max_days,
    )


def _by_amount(
    items: Sequence[ScheduledPayment],
) -> list[tuple[Decimal, list[ScheduledPayment]]]:
    return [(amount, list(group)) for amount, group in groupby(items, key=lambda i: i.amount)]


def _join(words: Sequence[str], language: str = "en") -> str:
    """``a``, ``a and b``, ``a, b and c`` (``a, b y c``)."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + say("bot_and", language) + words[-1]


_PAY_PURPOSES = {"promise": "bot_pay_promise", "installment": "bot_pay_installment"}


def pay_links(links: Sequence[PayLinkView], language: str = "en") -> str:
    """Where to pay: one link, or one line per choice (the promise or installment first)."""
    if len(links) == 1:
        (link,) = links
        return say("bot_pay_one", language, amount=money(link.amount), url=link.url)
    lines = [say("bot_pay_many", language)]
    for link in links:
        what = say(_PAY_PURPOSES.get(link.purpose, "bot_pay_balance"), language)
        due = ""
        if link.due_date:
            due = say("bot_pay_due", language, day=day(date.fromisoformat(link.due_date), language))
        amount = money(link.amount)
        lines.append(say("bot_pay_line", language, what=what, amount=amount, due=due, url=link.url))
    return "\n".join(lines)


def promise_pay_link(link: PayLinkView, language: str = "en") -> str:
    """The link that follows a recorded promise."""
    return say("bot_pay_promise_now", language, url=link.url)
