"""The one-step flows: balance, claim paid, hardship, pay now, greeting."""

from __future__ import annotations

from decimal import Decimal

import pytest

from actions import runtime
from actions.balance import ActionCheckBalance
from actions.claims import ActionClaimPaid
from actions.greeting import ActionGreet
from actions.hardship import ActionHardship
from actions.payment_link import CALL_US, ActionPayNow, payment_link
from bot.settings import Settings
from tests.actions.conftest import run, tracker
from tests.actions.fakes import Balance, Claim, FakeServices


def test_balance_summary(services: FakeServices) -> None:
    outcome = run(ActionCheckBalance(), tracker(text="how much do i owe", intent="check_balance"))

    assert services.calls.of("balance_view")[0][0] == ("A-1003",)
    assert outcome.messages == [
        "Your balance is $1,450.00 on 4 open invoices. $950.00 is past due. The oldest, "
        "INV-1003-01, is 56 days late. $200.00 is on hold while a dispute is reviewed."
    ]
    assert outcome.events == []


def test_invoices_on_request_are_listed_up_to_five_with_disputes_marked() -> None:
    outcome = run(
        ActionCheckBalance(), tracker(text="which invoices are open", intent="check_balance")
    )

    assert outcome.text.endswith(
        "Your open invoices:\n"
        "INV-1003-01, due Sep 30: $500.00\n"
        "INV-1003-04, due Oct 15: $200.00 (disputed, on hold)\n"
        "INV-1003-02, due Oct 31: $450.00\n"
        "INV-1003-03, due Nov 30: $300.00"
    )


def test_named_invoice_alone(services: FakeServices) -> None:
    outcome = run(
        ActionCheckBalance(),
        tracker(text="how much is inv 1003-03", entities={"invoice_number": "inv 1003-03"}),
    )

    assert outcome.messages == ["INV-1003-03, due Nov 30: $300.00"]


def test_nothing_owed(services: FakeServices) -> None:
    services.balance = Balance(
        total=Decimal(0),
        collectible=Decimal(0),
        past_due=Decimal(0),
        disputed=Decimal(0),
        open_count=0,
        oldest_past_due_invoice=None,
        oldest_days_late=None,
        invoices=(),
    )

    outcome = run(ActionCheckBalance(), tracker(text="which invoices are open"))

    assert outcome.messages == ["You have no open balance with us. Thank you!"]


def test_claim_with_matching_payment(services: FakeServices) -> None:
    services.claim = Claim(matched_payment_id=5, dispute=None)

    outcome = run(
        ActionClaimPaid(),
        tracker(
            text="i paid INV-1003-01",
            intent="claim_paid",
            entities={"invoice_number": "INV-1003-01"},
        ),
    )

    assert services.calls.of("claim_paid") == [(("A-1003", "INV-1003-01"), {"channel": "sms"})]
    assert outcome.messages == ["Thanks, we found your payment and it's applied to your account."]


def test_claim_without_payment_becomes_a_dispute_with_reference() -> None:
    outcome = run(ActionClaimPaid(), tracker(text="i already paid that", intent="claim_paid"))

    assert outcome.messages == [
        "I couldn't find that payment yet, so I've opened a dispute, reference D-13. "
        "INV-1003-01 is on hold while a collector checks it."
    ]


def test_hardship_offers_the_lowest_installment(services: FakeServices) -> None:
    outcome = run(ActionHardship(), tracker(text="i lost my job", intent="hardship"))

    assert services.calls.names == ["hardship_offer"]
    assert outcome.text.startswith("I'm sorry you're going through this.")
    assert "The lowest monthly payment I can offer is $187.50" in outcome.text
    assert "talk to a person" in outcome.text


def test_hardship_without_a_plan_still_answers(services: FakeServices) -> None:
    services.plan_available = False

    outcome = run(ActionHardship(), tracker(text="i'm in hospital", intent="hardship"))

    assert outcome.text.startswith("I'm sorry you're going through this.")


def test_pay_now_sends_the_account_link() -> None:
    outcome = run(ActionPayNow(), tracker(text="send me a link", intent="pay_now"))

    assert outcome.messages == ["You can pay securely here: https://pay.example.com/A-1003"]


def test_payment_link_template() -> None:
    assert payment_link("https://pay.example.com/{account_number}", "A-1") == (
        "https://pay.example.com/A-1"
    )
    assert payment_link("  ", "A-1") is None
    assert payment_link("https://pay.example.com/{acct}", "A-1") is None


def test_pay_now_without_a_link_says_call_us(monkeypatch: pytest.MonkeyPatch) -> None:
    wired = runtime.current()
    monkeypatch.setattr(
        runtime,
        "current",
        lambda: runtime.Runtime(
            Settings(payment_link=""), wired.clock, wired.sessions, wired.services
        ),
    )

    outcome = run(ActionPayNow(), tracker(text="how can i pay", intent="pay_now"))

    assert outcome.messages == [CALL_US]


def test_greeting_names_the_company() -> None:
    outcome = run(ActionGreet(), tracker("unverified", text="hi", intent="greet"))

    assert outcome.messages[0].startswith(
        "Hi, this is the virtual assistant of Acme Supply Co. I can"
    )
    assert ".." not in outcome.messages[0]
    assert outcome.events == []
