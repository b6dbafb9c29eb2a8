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
ASK_AMOUNT = "How much can you pay? For example: $200."
ASK_DATE = "What date can you pay? For example: Friday, or the 15th."
ASK_PLAN = "Sorry, I didn't catch a number of months or an amount per month."
NOTHING_RECORDED = (
    "OK, I haven't recorded anything. If a different amount or date works, just tell me, "
    "for example: $200 on Friday."
)
COUNTEROFFER_REFUSED = "OK, let's find a plan that works for you instead."
NO_PLAN = "OK, no plan was set up. Tell me another number of months or monthly amount any time."
RECORD_FAILED = "Sorry, I couldn't save that just now. Please try again in a few minutes."
HUMAN_REQUESTED = say("bot_human_requested", "en")
REPHRASE = say("bot_rephrase", "en")
FALLBACK_ESCALATED = say("bot_fallback_escalated", "en")
FALLBACK_PENDING = say("bot_fallback_pending", "en")
NOT_CAUGHT = "Sorry, I didn't catch that."
NOT_RESUBSCRIBED = say("bot_not_resubscribed", "en")
STILL_NOT_CAUGHT = (
    "Sorry, I still didn't catch that. Pick one of these, or answer in your own words:"
)
VENTING = say("bot_venting", "en")
#: what the customer hears when a new request leaves a form, by form
_FORM_TOPICS = {
    "promise_form": "the promise to pay",
    "plan_form": "the payment plan",
    "dispute_form": "the dispute",
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


def balance_summary(view: BalanceView, language: str = "en") -> str:
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
    return " ".join([*parts, *commitments(view, lang), *credit_hold(view, lang)])


def credit_hold(view: BalanceView, language: str = "en") -> list[str]:
    """Why the account is on credit hold and what releases it (SPEC §12)."""
    if not view.hold_reasons:
        return []
    lines = [say("bot_credit_hold", language)]
    if "over_limit" in view.hold_reasons and view.to_limit > 0:
        amount = money(view.to_limit, view.currency)
        lines.append(say("bot_hold_over_limit", language, amount=amount))
    if "past_due" in view.hold_reasons:
        lines.append(say("bot_hold_past_due", language, days=HOLD_DAYS_PAST_DUE))
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


def promise_readback(amount: Decimal, due: date) -> str:
    """The promise read back before it is recorded (the question of ``ptp_confirmed``)."""
    return f"You'll pay {money(amount)} on {day(due)}. Reply YES to confirm or NO to change it."


def promise_recorded(record: PromiseRecord) -> str:
    """The promise as recorded; says when it replaced the pending one."""
    promise = f"{money(record.amount)} on {day(record.due_date)}"
    text = f"Thank you. Your promise to pay {promise} is recorded."
    if record.replaced_id is not None:
        text += " It replaces your earlier promise."
    return text


def promise_problem(check: PromiseCheck) -> str:
    """Why a promise cannot be taken as proposed, with the limit to stay within."""
    problems = set(check.problems)
    parts: list[str] = []
    if PromiseProblem.AMOUNT_NOT_POSITIVE in problems:
        parts.append("The amount needs to be more than $0.")
    if PromiseProblem.AMOUNT_OVER_BALANCE in problems:
        parts.append(
            f"That's more than you owe: the most I can take is {money(check.max_amount)}. "
            "Shall I use that?"
        )
    if PromiseProblem.AMOUNT_BELOW_MINIMUM in problems:
        parts.append(
            f"The smallest promise I can take is {money(check.min_amount)}. If that's too much "
            'right now, say "payment plan" and I\'ll offer you monthly payments instead.'
        )
    if PromiseProblem.DATE_IN_PAST in problems:
        parts.append(
            f"That date has already passed. Pick a date up to {day(check.latest_date)}, or today."
        )
    if PromiseProblem.DATE_TOO_FAR in problems:
        parts.append(
            f"The latest date I can take is {day(check.latest_date)}. "
            "Shall I put it down for that day?"
        )
    return " ".join(parts)


def left_form(form: str) -> str:
    """Said when a new request leaves a form: the customer's last request wins."""
    topic = _FORM_TOPICS.get(form, "that")
    return f"OK, let's leave {topic} for now."


# --- plans -------------------------------------------------------------------------------

_ADJUSTMENT_REASONS = {
    "max_installments": "plans run for at most {max_months} months",
    "min_installment": "each monthly payment has to be at least {min_installment}",
    "min_months": "a plan has at least one monthly payment",
    "min_down_payment": "the down payment has to be at least {min_down}",
    "max_down_payment": "the down payment can't leave less than one monthly payment",
    "start_in_past": "the first payment can't be in the past",
    "first_due_too_far": "the first payment has to be within {first_days} days",
}


def plan_schedule(offer: PlanOffer) -> str:
    """``$125.00 down on Sunday, Nov 22, then 6 monthly payments: $187.51 on Dec 22; …``."""
    down, *monthly = offer.installments
    months = "monthly payment" if len(monthly) == 1 else "monthly payments"
    groups = [
        f"{money(amount)} on " + _join([short_day(item.due_date) for item in items])
        for amount, items in _by_amount(monthly)
    ]
    return (
        f"{money(down.amount)} down on {day(down.due_date)}, then {len(monthly)} {months}: "
        + "; ".join(groups)
        + f". Total {money(offer.total)}."
    )


def plan_readback(offer: PlanOffer, policy: Policy) -> str:
    """The offer read back: a counteroffer says why, a large plan says it needs approval."""
    if offer.counteroffer:
        reasons = _join([_reason(code, offer, policy) for code in dict.fromkeys(offer.adjustments)])
        opening = f"I can't do exactly that because {reasons}. The closest plan I can offer: "
    else:
        opening = "Here's your plan: "
    text = opening + plan_schedule(offer)
    if offer.needs_approval:
        text += (
            f" Because the balance is over {money(policy.plan_approval_above)}, a collector "
            "will review the plan before it starts."
        )
    return text + " Reply YES to set it up or NO to change it."


def plan_recorded(needs_approval: bool, offer: PlanOffer) -> str:
    """The plan is set up — or, above the approval limit, waits for a collector."""
    if needs_approval:
        return (
            "Thanks. Your plan request is in: a collector will review it and reply within "
            "one business day."
        )
    down = offer.installments[0]
    return (
        f"Done, your payment plan is set up. The first payment of {money(down.amount)} is "
        f"due {day(down.due_date)}."
    )


def hardship_reply(offer: PlanOffer) -> str:
    """Empathy, the plan with the lowest installment, and the way to a person."""
    return (
        "I'm sorry you're going through this. We can work with you. The lowest monthly "
        f"payment I can offer is {money(offer.monthly_amount)}: "
        + plan_schedule(offer)
        + ' Say "payment plan" to set it up, or "talk to a person" if you\'d rather speak '
        "with someone."
    )


def plan_not_available(policy: Policy) -> str:
    """The balance is too small for a plan; a promise is the way instead."""
    return (
        f"A payment plan needs a balance of at least {money(policy.plan_min_balance)}, so I "
        "can't set one up for this account. You can promise a payment instead, for example: "
        "$50 on Friday."
    )


# --- disputes and claims -----------------------------------------------------------------


def dispute_opened(records: Sequence[DisputeRecord]) -> str:
    """The reference of each dispute opened, and that the invoices are on hold."""
    if not records:
        return "There was nothing open to dispute on your account."
    refs = _join([_reference(record) for record in records])
    noun = "dispute" if len(records) == 1 else "disputes"
    held = "that invoice" if len(records) == 1 else "those invoices"
    return (
        f"Thanks. I've opened {noun} {refs}. We've put {held} on hold, so you won't get "
        "reminders about it while a collector reviews your dispute."
    )


def claim_reply(result: ClaimResult) -> str:
    """A payment was found, or the claim became an ``already_paid`` dispute."""
    if result.matched_payment_id is not None:
        paid, when = result.matched_amount, result.matched_date
        if paid is not None and when is not None:
            return (
                f"Thanks, we found your payment of {money(paid)} received {short_day(when)}; "
                "it's applied to your account."
            )
        return "Thanks, we found your payment and it's applied to your account."
    if result.dispute is not None:
        invoice = result.dispute.invoice_number
        held = f"{invoice} is on hold" if invoice else "It's on hold"
        return (
            "I couldn't find that payment yet, so I've opened a dispute, reference "
            f"{result.dispute.reference}. {held} while a collector checks it."
        )
    return "Thanks, I've noted that you paid. A collector will check it."


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


def _reason(code: str, offer: PlanOffer, policy: Policy) -> str:
    template = _ADJUSTMENT_REASONS.get(code, "of our payment plan rules")
    return template.format(
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


_PAY_PURPOSES = {"promise": "your promise of", "installment": "your installment of"}


def pay_links(links: Sequence[PayLinkView]) -> str:
    """Where to pay: one link, or one line per choice (the promise or installment first)."""
    if len(links) == 1:
        (link,) = links
        return f"You can pay {money(link.amount)} securely here: {link.url}"
    lines = ["You can pay securely here:"]
    for link in links:
        what = _PAY_PURPOSES.get(link.purpose, "the full balance of")
        due = f" due {day(date.fromisoformat(link.due_date))}" if link.due_date else ""
        lines.append(f"- {what} {money(link.amount)}{due}: {link.url}")
    return "\n".join(lines)


def promise_pay_link(link: PayLinkView) -> str:
    """The link that follows a recorded promise."""
    return f"You can pay it now, securely, here: {link.url}"
