"""The words of an automated reminder (SPEC §5 Disclosure, §6).

Each template is a file ``bot/templates/reminders/<name>.txt`` holding the body of one
message as a :class:`string.Template`; :func:`render` fills it and frames it:

* a consumer account's message begins with the debt-collector disclosure (SPEC §5);
  a business account's begins with the company's name, so the sender is never a mystery;
* on SMS it ends with ``Reply STOP to opt out`` (SPEC §5) — in Spanish with "Responda
  PARAR para no recibir más mensajes." (SPEC §14); on Telegram with the ``/stop`` command
  the Telegram channel obeys.

Language (SPEC §14): the English templates are the files at the top of the folder, the
Spanish ones the files of the same names in ``es/``; the frame's words come from
:mod:`bot.policy.catalog`. ``tests/policy/test_catalog.py`` holds both to the same names
and placeholders.

Privacy: an SMS can be read by whoever holds the phone, so a message names the account
only by its last 4 characters, names an invoice only to a business (whose payables clerk
needs the number; a consumer asks in the chat, after verification), and never carries
the full account number — a payment link that contains it (or is still a template with a
``{placeholder}``) is left out and the customer is asked to reply instead. Bodies stay
short, so even a consumer's SMS with the disclosure fits in 320 characters.

Placeholders: ``$company``, ``$amount`` (the step's amount: the invoice, the past-due
total, the promise, the installment or the notice), ``$past_due``, ``$charges_ref``
(" (incl. $12.00 finance charges)" when the past-due amount has some), ``$balance``,
``$due_date``, ``$days_late``, ``$invoice``, ``$invoice_ref``, ``$open_invoices``,
``$account_last4``, ``$payment_link`` and ``$pay`` (a sentence with the link, or how to pay
without one).
"""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal
from pathlib import Path
from string import Template

from bot.policy.catalog import language_of, month, say
from bot.policy.finance_charges import PREFIX as FC
from bot.policy.money import cents
from bot.policy.reminder_cadence import parse_dunning_target
from bot.policy.reminder_state import AccountState, Decision

DISCLOSURE = say("disclosure", "en", company="{company}")
SMS_STOP_LINE = say("sms_stop_line", "en")
TELEGRAM_STOP_LINE = say("telegram_stop_line", "en")
TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "reminders"

NO_LINK = say("no_link", "en")


def disclosure(company: str, language: str | None = "en") -> str:
    """The consumer disclosure of SPEC §5 (§14 in Spanish), naming ``company``."""
    return say("disclosure", language, company=company)


def template_dir(language: str | None = "en") -> Path:
    """Where the reminder templates of ``language`` are (English: the folder itself)."""
    code = language_of(language)
    return TEMPLATE_DIR if code == "en" else TEMPLATE_DIR / code


@functools.cache
def templates(language: str | None = "en") -> dict[str, Template]:
    """Every reminder template of ``language`` by name (file stem), read from disk once."""
    return {
        path.stem: Template(path.read_text(encoding="utf-8").strip())
        for path in sorted(template_dir(language).glob("*.txt"))
    }


def render(
    decision: Decision, state: AccountState, *, company: str, payment_link: str | None
) -> str:
    """The text of ``decision``'s message to the account ``state`` describes.

    ``state`` must be the snapshot ``decision`` was made from (its invoice, promise,
    installment or notice is looked up there).

    Raises:
        KeyError: when the decision's template has no file, or uses an unknown placeholder.
        ValueError: when the decision's target is not in ``state``.
    """
    language = language_of(state.language)
    template = templates(language).get(decision.template)
    if template is None:
        where = template_dir(language)
        raise KeyError(f"template {decision.template!r} has no file in {where}")
    body = template.substitute(_fields(decision, state, company, payment_link))
    return framed(
        body,
        company=company,
        consumer=state.consumer,
        channel=decision.channel,
        language=language,
    )


def framed(
    body: str, *, company: str, consumer: bool, channel: str | None, language: str | None = "en"
) -> str:
    """An automated message: ``body`` after the consumer disclosure (or the company's
    name), then the opt-out line of the channel, in ``language``."""
    if consumer:
        text = f"{disclosure(company, language)}\n{body}"
    else:
        text = say("company_prefix", language, company=company, body=body)
    if channel == "sms":
        return f"{text}\n{say('sms_stop_line', language)}"
    if channel == "telegram":
        return f"{text}\n{say('telegram_stop_line', language)}"
    return text


def format_amount(value: Decimal, currency: str) -> str:
    """Money for people: ``$1,234.50`` in US dollars, ``1,234.50 EUR`` otherwise."""
    text = f"{cents(value):,.2f}"
    return f"${text}" if currency.upper() == "USD" else f"{text} {currency.upper()}"


def format_day(day: date, today: date, language: str | None = "en") -> str:
    """A short date, ``Mar 8`` (``8 mar``); with the year when it is not this year
    (``Jan 5, 2027``, ``5 ene 2027``)."""
    key = "day" if day.year == today.year else "day_year"
    return say(key, language, month=month(day.month, language), day=day.day, year=day.year)


def last4(account_number: str) -> str:
    """The last 4 letters or digits of an account number: all a message may show of it."""
    return "".join(ch for ch in account_number if ch.isalnum())[-4:]


def _fields(
    decision: Decision, state: AccountState, company: str, payment_link: str | None
) -> dict[str, str]:
    today = decision.local_date
    collectible = [i for i in state.invoices if not i.disputed]
    past_due = sum((i.open_amount for i in collectible if i.due_date < today), Decimal(0))
    charges = sum(
        (i.open_amount for i in collectible if i.due_date < today and i.number.startswith(FC)),
        Decimal(0),
    )
    amount, due, invoice = _subject(decision, state, past_due)
    payment_link = _safe_link(payment_link, state.account_number)
    money = functools.partial(format_amount, currency=state.currency)
    lang = language_of(state.language)
    charges_ref = say("charges_ref", lang, amount=money(charges)) if charges > 0 else ""
    show_invoice = invoice and not state.consumer
    return {
        "company": company,
        "amount": money(amount),
        "past_due": money(past_due),
        "charges_ref": charges_ref,
        "balance": money(sum((i.open_amount for i in collectible), Decimal(0))),
        "due_date": format_day(due, today, lang) if due else "",
        "days_late": str(max((today - due).days, 0)) if due else "",
        "invoice": invoice,
        "invoice_ref": say("invoice_ref", lang, invoice=invoice) if show_invoice else "",
        "open_invoices": str(len(collectible)),
        "account_last4": last4(state.account_number),
        "payment_link": payment_link or "",
        "pay": say("pay_at", lang, link=payment_link) if payment_link else say("no_link", lang),
    }


def _safe_link(link: str | None, account_number: str) -> str | None:
    """The link, or None when it would carry the full account number (or a placeholder).

    ``ARBOT_PAYMENT_LINK`` may be a template like ``https://pay.example.com/{account_number}``
    (SPEC §9); filled in, it would put the whole number in the message, so it is left out.
    """
    if not link or account_number in link or "{" in link:
        return None
    return link


def _subject(
    decision: Decision, state: AccountState, past_due: Decimal
) -> tuple[Decimal, date | None, str]:
    """The amount, date and invoice number the message is about.

    A dunning step is about its invoice: its open amount before it is due (courtesy),
    then the account's whole past-due amount, which the one message of the day summarises.
    """
    if decision.kind == "dunning":
        number, offset = parse_dunning_target(decision.target)
        invoice = next((i for i in state.invoices if i.number == number), None)
        if invoice is not None:
            if offset < 0:
                return invoice.open_amount, invoice.due_date, invoice.number
            return past_due, invoice.due_date, number
    elif decision.kind == "ptp_reminder" and state.promise is not None:
        if decision.target.startswith(f"promise:{state.promise.id}:"):
            return state.promise.amount, state.promise.due_date, ""
    elif decision.kind == "installment_reminder":
        for item in state.installments:
            if decision.target.startswith(f"installment:{item.id}:"):
                return item.amount, item.due_date, ""
    else:
        for notice in state.notices:
            if (notice.kind, notice.target) == (decision.kind, decision.target):
                return notice.amount, None, ""
    raise ValueError(f"{decision.kind} target {decision.target!r} is not in the account's state")
