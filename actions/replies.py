"""The bot's dynamic texts: what it says with numbers, dates and references in it.

Fixed texts without data live in ``domain.yml`` responses; these are built from service
results. Money reads ``$1,250.00``; dates read ``Friday, Dec 4``. Messages are short enough
for SMS and never rely on formatting a channel may not show.
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
from bot.policy.credit import HOLD_DAYS_PAST_DUE
from bot.policy.money import cents
from bot.policy.plans import PlanOffer, ScheduledPayment, minimum_down_payment
from bot.policy.promises import PromiseCheck, PromiseProblem
from bot.policy.rules import Policy

MAX_INVOICES = 5
ONE_BUSINESS_DAY = "A collector will reply within one business day."

VERIFIED = "Thanks, you're verified."
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
HUMAN_REQUESTED = "I've asked a collector to take over this conversation. " + ONE_BUSINESS_DAY
REPHRASE = (
    "Sorry, I didn't get that. You can ask about your balance, promise a payment, set up a "
    "payment plan or dispute an invoice. Reply HELP for more."
)
FALLBACK_ESCALATED = (
    "Sorry, I'm still not getting it. I've asked a person to help you. " + ONE_BUSINESS_DAY
)
FALLBACK_PENDING = "A person from our team will follow up with you soon. " + ONE_BUSINESS_DAY
NOT_CAUGHT = "Sorry, I didn't catch that."
NOT_RESUBSCRIBED = (
    "I haven't changed anything. To get our messages again, reply START; to stop them, reply STOP."
)
STILL_NOT_CAUGHT = (
    "Sorry, I still didn't catch that. Pick one of these, or answer in your own words:"
)
VENTING = (
    "I'm sorry this has been frustrating, and thank you for telling me. I'm here to help "
    "sort it out: I can tell you what's owed, take a promise to pay or set up a payment "
    "plan. Reply AGENT to talk to a person, or STOP if you don't want these texts."
)
#: what the customer hears when a new request leaves a form, by form
_FORM_TOPICS = {
    "promise_form": "the promise to pay",
    "plan_form": "the payment plan",
    "dispute_form": "the dispute",
}


def who_we_are(company_name: str) -> str:
    """Who is writing and why, naming the company (the answer to "who is this?")."""
    company = company_name.rstrip(".")
    return (
        f"This is the automated assistant of {company}'s accounts team, writing about your "
        f"account with {company}. To protect your privacy I only share details after you "
        "verify the account. If you're unsure, call the number printed on your invoice, or "
        "reply AGENT for a person."
    )


def money(amount: Decimal, currency: str = "USD") -> str:
    """``$1,250.00`` (other currencies: ``1,250.00 EUR``)."""
    value = cents(amount)
    sign = "-" if value < 0 else ""
    digits = f"{abs(value):,.2f}"
    return f"{sign}${digits}" if currency == "USD" else f"{sign}{digits} {currency}"


def day(when: date) -> str:
    """``Friday, Dec 4``."""
    return f"{when:%A}, {when:%b} {when.day}"


def short_day(when: date) -> str:
    """``Dec 4``."""
    return f"{when:%b} {when.day}"


def failed_verification(failures_left: int, known_account: str | None = None) -> str:
    """A wrong answer, with the tries left before verification locks.

    With ``known_account`` only the postal code is asked again, and the answer says so.
    """
    tries = "try" if failures_left == 1 else "tries"
    wrong = "That postal code doesn't" if known_account else "That doesn't"
    return f"{wrong} match our records. {failures_left} {tries} left."


# --- balance -----------------------------------------------------------------------------


def balance_summary(view: BalanceView) -> str:
    """Total, past due, open invoices, the oldest past-due one and how late it is."""
    if view.open_count == 0 or view.total <= 0:
        return "You have no open balance with us. Thank you!"
    cur = view.currency
    invoices = "invoice" if view.open_count == 1 else "invoices"
    parts = [f"Your balance is {money(view.total, cur)} on {view.open_count} open {invoices}."]
    if view.finance_charges > 0:
        parts.append(f"That includes {money(view.finance_charges, cur)} of finance charges.")
    if view.past_due > 0:
        parts.append(f"{money(view.past_due, cur)} is past due.")
        if view.oldest_past_due_invoice and view.oldest_days_late is not None:
            days = view.oldest_days_late
            late = f"{days} day" if days == 1 else f"{days} days"
            parts.append(f"The oldest, {view.oldest_past_due_invoice}, is {late} late.")
    else:
        parts.append("Nothing is past due.")
    if view.disputed > 0:
        parts.append(f"{money(view.disputed, cur)} is on hold while a dispute is reviewed.")
    return " ".join([*parts, *commitments(view), *credit_hold(view)])


def credit_hold(view: BalanceView) -> list[str]:
    """Why the account is on credit hold and what releases it (SPEC §12)."""
    if not view.hold_reasons:
        return []
    lines = ["Your account is on credit hold."]
    if "over_limit" in view.hold_reasons and view.to_limit > 0:
        amount = money(view.to_limit, view.currency)
        lines.append(f"A payment of {amount} brings the account back under its limit.")
    if "past_due" in view.hold_reasons:
        lines.append(
            f"Paying the invoices more than {HOLD_DAYS_PAST_DUE} days past due releases it."
        )
    if "plan_default" in view.hold_reasons:
        lines.append("Your payment plan defaulted: please talk to a person to release it.")
    return lines


def commitments(view: BalanceView) -> list[str]:
    """The pending promise and the plan's next payments: what the customer agreed to."""
    lines: list[str] = []
    if view.promise is not None:
        promised = f"{money(view.promise.amount, view.currency)} on {day(view.promise.due_date)}"
        lines.append(f"You've promised to pay {promised}.")
    if view.plan is not None and view.plan.remaining:
        first, *rest = view.plan.remaining
        when = f"{money(first.amount, view.currency)} on {day(first.due_date)}"
        plan = (
            "Your payment plan is waiting for a collector's approval; its"
            if (view.plan.status == "pending_approval")
            else "Your payment plan's"
        )
        text = f"{plan} next payment is {when}"
        if rest:
            count = "payment" if len(rest) == 1 else "payments"
            amounts = {item.amount for item in rest}
            each = f" of {money(rest[0].amount, view.currency)}" if len(amounts) == 1 else ""
            text += f", then {len(rest)} more monthly {count}{each}"
            text += f", the last on {day(rest[-1].due_date)}"
        lines.append(text + ".")
    return lines


def invoice_line(invoice: InvoiceView, currency: str) -> str:
    """``INV-1003-01, due Nov 3: $250.00`` (``(disputed, on hold)`` when it is)."""
    line = f"{invoice.invoice_number}, due {short_day(invoice.due_date)}: "
    line += money(invoice.open_amount, currency)
    return line + (" (disputed, on hold)" if invoice.disputed else "")


def invoice_list(view: BalanceView, limit: int = MAX_INVOICES) -> str:
    """Up to ``limit`` open invoices, oldest due first, and how many more there are."""
    invoices = sorted(view.invoices, key=lambda item: (item.due_date, item.invoice_number))
    if not invoices:
        return "You have no open invoices."
    lines = [invoice_line(item, view.currency) for item in invoices[:limit]]
    if len(invoices) > limit:
        lines.append(f"…and {len(invoices) - limit} more.")
    return "Your open invoices:\n" + "\n".join(lines)


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


def unknown_invoice(given: str, view: BalanceView, *, ask_which: bool = False) -> str:
    """The invoice named is not open on the account; lists the ones that are."""
    numbers = [item.invoice_number for item in view.invoices if not item.disputed]
    listed = f" Your open invoices are {_join(numbers[:MAX_INVOICES])}." if numbers else ""
    question = " Which one is it? Or reply ALL." if ask_which else ""
    return f"I can't find invoice {given} on your account.{listed}{question}"


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


def _join(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


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
