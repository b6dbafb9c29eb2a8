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

from bot.policy.reminder_text import format_amount, framed

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Addressee:
    """Who is told, and how the message must be framed for them."""

    channel: str
    consumer: bool
    company: str
    currency: str = "USD"


def _day(value: date) -> str:
    return f"{_MONTHS[value.month - 1]} {value.day}"


def frame(body: str, to: Addressee) -> str:
    """``body`` with the opening and the opt-out line ``to``'s channel and kind need."""
    return framed(body, company=to.company, consumer=to.consumer, channel=to.channel)


def _invoice(invoice_number: str, to: Addressee) -> str:
    return f" about invoice {invoice_number}" if not to.consumer else ""


def dispute_upheld(reference: str, invoice_number: str, credit: Decimal, to: Addressee) -> str:
    """The customer's dispute was accepted and the invoice credited."""
    body = f"We reviewed your dispute {reference}{_invoice(invoice_number, to)} and accepted it."
    if credit > 0:
        body += f" We credited {format_amount(credit, to.currency)}, so you no longer owe it."
    return frame(body, to)


def dispute_rejected(reference: str, invoice_number: str, amount: Decimal, to: Addressee) -> str:
    """The customer's dispute was not accepted: the amount is due again."""
    body = (
        f"We reviewed your dispute {reference}{_invoice(invoice_number, to)} and could not "
        f"accept it, so {format_amount(amount, to.currency)} is due again. "
        "Reply here if you have questions or want to set up a payment plan."
    )
    return frame(body, to)


def plan_approved(total: Decimal, first_payment: tuple[Decimal, date] | None, to: Addressee) -> str:
    """The customer's plan was approved; the first payment (amount, due date) is named."""
    body = f"Your payment plan for {format_amount(total, to.currency)} is approved."
    if first_payment is not None:
        amount, due = first_payment
        body += f" Your first payment of {format_amount(amount, to.currency)} is due {_day(due)}."
    return frame(body, to)


def plan_rejected(total: Decimal, to: Addressee) -> str:
    """The customer's plan was declined; they are invited to talk about another."""
    body = (
        f"We could not approve your payment plan for {format_amount(total, to.currency)}. "
        "Reply here and we will work out another arrangement with you."
    )
    return frame(body, to)
