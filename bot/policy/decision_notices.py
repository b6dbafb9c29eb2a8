"""The words that tell a customer what a collector decided (SPEC §5 Dispute, Payment plan).

A dispute upheld or rejected, a plan approved or declined: the customer hears it on their
channel, framed like every other message the company sends on its own — a consumer's
message begins with the debt-collector disclosure, a business's with the company's name,
and it ends with the channel's opt-out line. Privacy as in reminders: the dispute's
reference is named (the customer was given it), an invoice number only to a business.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.policy.catalog import month, say
from bot.policy.reminder_text import format_amount, framed


@dataclass(frozen=True)
class Addressee:
    """Who is told, and how the message must be framed for them."""

    channel: str
    consumer: bool
    company: str
    currency: str = "USD"
    #: ``en`` or ``es`` (SPEC §14): the account's language
    language: str = "en"


def _day(value: date, to: Addressee) -> str:
    return say("day", to.language, month=month(value.month, to.language), day=value.day)


def frame(body: str, to: Addressee) -> str:
    """``body`` with the opening and the opt-out line ``to``'s channel and kind need."""
    return framed(
        body, company=to.company, consumer=to.consumer, channel=to.channel, language=to.language
    )


def _invoice(invoice_number: str, to: Addressee) -> str:
    return say("about_invoice", to.language, invoice=invoice_number) if not to.consumer else ""


def dispute_upheld(reference: str, invoice_number: str, credit: Decimal, to: Addressee) -> str:
    """The customer's dispute was accepted and the invoice credited."""
    about = _invoice(invoice_number, to)
    body = say("dispute_upheld", to.language, reference=reference, about=about)
    if credit > 0:
        body += say("dispute_credited", to.language, amount=format_amount(credit, to.currency))
    return frame(body, to)


def dispute_rejected(reference: str, invoice_number: str, amount: Decimal, to: Addressee) -> str:
    """The customer's dispute was not accepted: the amount is due again."""
    body = say(
        "dispute_rejected",
        to.language,
        reference=reference,
        about=_invoice(invoice_number, to),
        amount=format_amount(amount, to.currency),
    )
    return frame(body, to)


def plan_approved(total: Decimal, first_payment: tuple[Decimal, date] | None, to: Addressee) -> str:
    """The customer's plan was approved; the first payment (amount, due date) is named."""
    body = say("plan_approved", to.language, total=format_amount(total, to.currency))
    if first_payment is not None:
        amount, due = first_payment
        money = format_amount(amount, to.currency)
        body += say("plan_first_payment", to.language, amount=money, due=_day(due, to))
    return frame(body, to)


def plan_rejected(total: Decimal, to: Addressee) -> str:
    """The customer's plan was declined; they are invited to talk about another."""
    body = say("plan_rejected", to.language, total=format_amount(total, to.currency))
    return frame(body, to)
