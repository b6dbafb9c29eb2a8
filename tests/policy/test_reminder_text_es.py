"""Reminders in Spanish (SPEC §14): the same messages, framed in Spanish, every SMS ending
with "Responda PARAR para no recibir más mensajes."."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from bot.policy.reminder_text import render
from tests.policy.reminder_accounts import account, invoice
from tests.policy.test_reminder_text import COMPANY, LINK, decided, every_message

FOOTER = "Responda PARAR para no recibir más mensajes."
DISCLOSURE = (
    "Acme Supply Co.: Esta comunicación es de un cobrador de deudas. Es un intento de cobrar "
    "una deuda y cualquier información obtenida será utilizada para ese propósito.\n"
)


@pytest.mark.parametrize("consumer", [False, True])
def test_every_spanish_sms_ends_with_the_spanish_stop_sentence(consumer: bool) -> None:
    state = replace(account(consumer=consumer), language="es")
    for decision, snapshot in every_message(state):
        text = render(
            replace(decision, channel="sms"), snapshot, company=COMPANY, payment_link=LINK
        )
        assert text.endswith(f"\n{FOOTER}"), text
        assert "Reply STOP" not in text


def test_every_spanish_message_to_a_consumer_begins_with_the_spanish_disclosure() -> None:
    state = replace(account(consumer=True), language="es")
    for decision, snapshot in every_message(state):
        text = render(decision, snapshot, company=COMPANY, payment_link=LINK)
        assert text.startswith(DISCLOSURE), text
        assert "debt collector" not in text


def test_a_spanish_courtesy_reminder_reads_well() -> None:
    state = replace(account(), language="es")
    decision = replace(decided(state, -3), channel="sms")
    assert render(decision, state, company=COMPANY, payment_link=LINK) == (
        "Acme Supply Co.: Recordatorio amistoso: $1,234.50 (factura INV-1) de su cuenta "
        "terminada en 0123 vence el 1 jun. Pague en https://pay.example.com/t/8f3k2q o "
        f"responda aquí.\n{FOOTER}"
    )


def test_a_spanish_telegram_message_says_how_to_stop_with_the_command() -> None:
    state = replace(account(), language="es")
    decision = decided(state, 7)
    text = render(decision, state, company=COMPANY, payment_link=LINK)
    assert decision.channel == "telegram"
    assert text.endswith("\nEnvíe /stop para no recibir más mensajes.")


def test_every_spanish_placeholder_is_filled_and_nothing_english_is_left() -> None:
    state = replace(account(), language="es")
    for decision, snapshot in every_message(state):
        for link in (LINK, None):
            text = render(decision, snapshot, company=COMPANY, payment_link=link)
            assert not re.search(r"\$[A-Za-z_{]", text), text
            assert not re.search(r"\b(your|account ending|Reply here)\b", text), text


def test_a_spanish_consumer_sms_with_the_disclosure_fits_in_480_characters() -> None:
    # the Spanish disclosure alone is about 170 characters: room for the body and footer
    state = replace(account(consumer=True, invoices=(invoice(amount="123456.78"),)), language="es")
    for decision, snapshot in every_message(state):
        text = render(
            replace(decision, channel="sms"), snapshot, company=COMPANY, payment_link=LINK
        )
        assert len(text) <= 480, (decision.template, len(text), text)
