"""The words of a collector's decision as the customer reads them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.policy.decision_notices import (
    Addressee,
    dispute_rejected,
    dispute_upheld,
    plan_approved,
    plan_rejected,
)

BUSINESS_SMS = Addressee("sms", consumer=False, company="Acme")
CONSUMER_TELEGRAM = Addressee("telegram", consumer=True, company="Acme")


def test_a_business_reads_the_company_name_the_invoice_and_the_sms_stop_line() -> None:
    assert dispute_upheld("D-4", "INV-9", Decimal("120.5"), BUSINESS_SMS) == (
        "Acme: We reviewed your dispute D-4 about invoice INV-9 and accepted it. We credited"
        " $120.50, so you no longer owe it.\nReply STOP to opt out"
    )


def test_a_consumer_reads_the_disclosure_first_and_no_invoice_number() -> None:
    text = dispute_rejected("D-4", "INV-9", Decimal("80"), CONSUMER_TELEGRAM)
    first, body, stop = text.split("\n")
    assert first.startswith("Acme is a debt collector attempting to collect a debt")
    assert body.startswith("We reviewed your dispute D-4 and could not accept it, so $80.00")
    assert "INV-9" not in text
    assert stop == "Send /stop to opt out"


def test_an_upheld_dispute_with_nothing_left_to_credit_names_no_amount() -> None:
    text = dispute_upheld("D-4", "INV-9", Decimal("0.00"), BUSINESS_SMS)
    assert "credited" not in text
    assert "accepted it." in text


@pytest.mark.parametrize(
    ("to", "ending"),
    [(Addressee("web", False, "Acme"), "due Mar 5."), (BUSINESS_SMS, "Reply STOP to opt out")],
)
def test_an_approved_plan_names_the_first_payment(to: Addressee, ending: str) -> None:
    text = plan_approved(Decimal("12000"), (Decimal("1200"), date(2027, 3, 5)), to)
    assert "Your payment plan for $12,000.00 is approved" in text
    assert "first payment of $1,200.00 is due Mar 5." in text
    assert text.endswith(ending)


def test_amounts_in_another_currency_carry_its_code() -> None:
    text = plan_rejected(Decimal("15000"), Addressee("sms", False, "Acme", currency="eur"))
    assert "payment plan for 15,000.00 EUR" in text
