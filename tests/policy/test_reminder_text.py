"""The words of automated reminders (bot.policy.reminder_text)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from bot.policy.reminder_cadence import DUNNING_OFFSETS, dunning_template
from bot.policy.reminder_text import (
    TEMPLATE_DIR,
    disclosure,
    format_amount,
    format_day,
    last4,
    render,
    templates,
)
from bot.policy.reminders import AccountState, Decision, decide
from bot.policy.rules import DEFAULT_POLICY
from tests.policy.reminder_accounts import (
    DUE,
    account,
    broken,
    defaulted,
    installment,
    invoice,
    on,
    promise,
    sent,
)

COMPANY = "Acme Supply Co."
LINK = "https://pay.example.com/t/8f3k2q"
TEMPLATE_NAMES = {
    *(dunning_template(offset) for offset in DUNNING_OFFSETS),
    "ptp_eve",
    "ptp_day",
    "installment_soon",
    "installment_due",
    "broken_promise",
    "plan_default",
}


def decided(state: AccountState, days: int) -> Decision:
    decision = decide(state, on(days), DEFAULT_POLICY)
    assert decision is not None
    return decision


def every_message(state: AccountState) -> list[tuple[Decision, AccountState]]:
    """One decision per template, for the account ``state`` (its invoices aside)."""
    found = [(decided(state, days), state) for days in DUNNING_OFFSETS]
    reminded = replace(state, invoices=(), promise=promise(DUE))
    found += [(decided(reminded, -1), reminded), (decided(reminded, 0), reminded)]
    planned = replace(state, invoices=(), installments=(installment(DUE),))
    found += [(decided(planned, -3), planned), (decided(planned, 0), planned)]
    for notice in (broken(), defaulted()):
        noticed = replace(state, notices=(notice,))
        found.append((decided(noticed, 0), noticed))
    assert {d.template for d, _ in found} == TEMPLATE_NAMES
    return found


def test_every_template_has_a_file_and_every_file_is_used() -> None:
    assert set(templates()) == TEMPLATE_NAMES
    assert {path.stem for path in TEMPLATE_DIR.glob("*.txt")} == TEMPLATE_NAMES


def test_a_courtesy_reminder_reads_well() -> None:
    decision = replace(decided(account(), -3), channel="sms")
    assert render(decision, account(), company=COMPANY, payment_link=LINK) == (
        "Acme Supply Co.: Friendly reminder: $1,234.50 (invoice INV-1) on your account ending "
        "0123 is due Jun 1. Pay at https://pay.example.com/t/8f3k2q or reply here.\n"
        "Reply STOP to opt out"
    )


def test_a_dunning_reminder_summarises_the_past_due_amount() -> None:
    state = account(
        invoices=(
            invoice(),
            invoice("INV-2", DUE + timedelta(days=3), "100.00"),
            invoice("INV-3", DUE + timedelta(days=20), "50.00"),  # not due yet
            invoice("INV-4", DUE + timedelta(days=2), "999.00", disputed=True),
        )
    )
    text = render(decided(state, 14), state, company=COMPANY, payment_link=None)
    assert text == (
        "Acme Supply Co.: Your account ending 0123 has $1,334.50 past due, 14 days since Jun 1 "
        "(invoice INV-1). Need more time? Ask us about a plan. Reply here to pay or ask a "
        "question.\nSend /stop to opt out"
    )


@pytest.mark.parametrize("consumer", [False, True])
def test_every_sms_ends_with_the_stop_line(consumer: bool) -> None:
    state = account(consumer=consumer)
    for decision, snapshot in every_message(state):
        sms = replace(decision, channel="sms")
        text = render(sms, snapshot, company=COMPANY, payment_link=LINK)
        assert text.endswith("\nReply STOP to opt out")


def test_a_telegram_message_says_how_to_stop_without_the_sms_keyword() -> None:
    decision = decided(account(), 7)
    text = render(decision, account(), company=COMPANY, payment_link=LINK)
    assert decision.channel == "telegram"
    assert text.endswith("\nSend /stop to opt out")
    assert "Reply STOP" not in text


def test_every_message_to_a_consumer_begins_with_the_disclosure() -> None:
    expected = (
        "Acme Supply Co. is a debt collector attempting to collect a debt; any information "
        "obtained will be used for that purpose.\n"
    )
    assert disclosure(COMPANY) + "\n" == expected
    for decision, snapshot in every_message(account(consumer=True)):
        assert render(decision, snapshot, company=COMPANY, payment_link=LINK).startswith(expected)


def test_a_business_message_begins_with_the_company_and_has_no_disclosure() -> None:
    for decision, snapshot in every_message(account()):
        text = render(decision, snapshot, company=COMPANY, payment_link=LINK)
        assert text.startswith("Acme Supply Co.: ")
        assert "debt collector" not in text


@pytest.mark.parametrize("consumer", [False, True])
def test_a_message_shows_only_the_last_4_of_the_account_number(consumer: bool) -> None:
    state = account(consumer=consumer, account_number="ACME-000123")
    for decision, snapshot in every_message(state):
        text = render(decision, snapshot, company=COMPANY, payment_link=LINK)
        assert "ACME-000123" not in text
        assert "000123" not in text
        assert "0123" in text


@pytest.mark.parametrize(
    "link", ["https://pay.example.com/ACME-000123", "https://pay.example.com/{account_number}"]
)
def test_a_payment_link_holding_the_full_account_number_is_left_out(link: str) -> None:
    text = render(decided(account(), 7), account(), company=COMPANY, payment_link=link)
    assert "ACME-000123" not in text
    assert "{" not in text
    assert "Reply here to pay or ask a question." in text


def test_a_consumer_is_not_told_invoice_numbers() -> None:
    for decision, snapshot in every_message(account(consumer=True)):
        assert "INV-1" not in render(decision, snapshot, company=COMPANY, payment_link=LINK)


def test_every_placeholder_is_filled() -> None:
    for decision, snapshot in every_message(account()):
        for link in (LINK, None):
            text = render(decision, snapshot, company=COMPANY, payment_link=link)
            assert not re.search(r"\$[A-Za-z_{]", text), text


def test_even_a_consumer_sms_with_the_disclosure_fits_in_320_characters() -> None:
    state = account(consumer=True, invoices=(invoice(amount="123456.78"),))
    for decision, snapshot in every_message(state):
        sms = replace(decision, channel="sms")
        text = render(sms, snapshot, company=COMPANY, payment_link=LINK)
        assert len(text) <= 320, (decision.template, len(text), text)


@pytest.mark.parametrize(
    ("template", "fragment"),
    [
        ("ptp_eve", "tomorrow, Jun 1, is the day you promised to pay $300.00"),
        ("ptp_day", "Today is the day you promised to pay $300.00"),
        ("installment_soon", "plan payment of $150.00 on your account ending 0123 is due Jun 1"),
        ("installment_due", "plan payment of $150.00 on your account ending 0123 is due today"),
        ("broken_promise", "the $250.00 you promised on your account ending 0123"),
        ("plan_default", "$900.00 is left"),
        ("final_notice", "$1,234.50 on your account ending 0123 is 60 days past due"),
        ("overdue", "has $1,234.50 past due since Jun 1"),
    ],
)
def test_each_message_names_its_amount_and_date(template: str, fragment: str) -> None:
    texts = {
        d.template: render(d, s, company=COMPANY, payment_link=LINK)
        for d, s in every_message(account())
    }
    assert fragment in texts[template]


def test_a_held_decision_without_a_channel_renders_without_a_stop_line() -> None:
    decision = replace(decided(account(), 7), channel=None)
    assert render(decision, account(), company=COMPANY, payment_link=None).endswith(
        "Reply here to pay or ask a question."
    )


def test_a_decision_about_something_not_in_the_account_is_refused() -> None:
    decision = decided(account(invoices=(), promise=promise(DUE)), 0)
    with pytest.raises(ValueError, match="promise:5:day"):
        render(decision, account(), company=COMPANY, payment_link=None)


def test_a_template_without_a_file_is_refused() -> None:
    decision = replace(decided(account(), 7), template="nope")
    with pytest.raises(KeyError, match="nope"):
        render(decision, account(), company=COMPANY, payment_link=None)


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        ("1234.5", "USD", "$1,234.50"),
        ("0", "USD", "$0.00"),
        ("1234567.891", "usd", "$1,234,567.89"),
        ("99.999", "USD", "$100.00"),
        ("1234.5", "EUR", "1,234.50 EUR"),
    ],
)
def test_money_is_written_for_people(amount: str, currency: str, text: str) -> None:
    assert format_amount(Decimal(amount), currency) == text


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 6, 1), "Jun 1"),
        (date(2026, 12, 31), "Dec 31"),
        (date(2027, 1, 5), "Jan 5, 2027"),
    ],
)
def test_dates_are_short_and_carry_the_year_only_when_it_differs(day: date, text: str) -> None:
    assert format_day(day, date(2026, 6, 8)) == text


@pytest.mark.parametrize(
    ("number", "tail"), [("ACME-000123", "0123"), ("12345678", "5678"), ("A-1-2", "A12")]
)
def test_last4_keeps_the_last_four_letters_or_digits(number: str, tail: str) -> None:
    assert last4(number) == tail


def test_templates_are_read_once() -> None:
    assert templates() is templates()


def test_rendering_takes_the_sent_state_as_it_was() -> None:
    state = account(sent_targets=sent("INV-1:-3"))
    decision = decided(state, 1)
    assert "past due" in render(decision, state, company=COMPANY, payment_link=None)


def test_a_dunning_reminder_tells_the_finance_charges_apart() -> None:
    state = account(invoices=(invoice(), invoice("FC-A-0123-202605", DUE, "12.00")))
    text = render(decided(state, 14), state, company=COMPANY, payment_link=None)
    assert "has $1,246.50 (incl. $12.00 finance charges) past due" in text
