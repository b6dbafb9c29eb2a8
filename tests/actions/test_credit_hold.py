"""A verified customer on credit hold hears what releases it (SPEC §12)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from actions.balance import ActionCheckBalance
from tests.actions.conftest import run, tracker
from tests.actions.fakes import FakeServices


def test_a_customer_over_the_limit_hears_the_payment_that_releases_the_hold(
    services: FakeServices,
) -> None:
    services.balance = replace(
        services.balance, hold_reasons=("over_limit",), to_limit=Decimal("1240.00")
    )

    outcome = run(ActionCheckBalance(), tracker(text="what do i owe"))

    assert "Your account is on credit hold." in outcome.text
    assert "A payment of $1,240.00 brings the account back under its limit." in outcome.text


def test_past_due_and_plan_default_holds_say_what_releases_them(services: FakeServices) -> None:
    services.balance = replace(services.balance, hold_reasons=("past_due", "plan_default"))

    outcome = run(ActionCheckBalance(), tracker(text="what do i owe"))

    assert "Paying the invoices more than 60 days past due releases it." in outcome.text
    assert "talk to a person" in outcome.text


def test_an_unverified_customer_hears_nothing_about_a_hold(services: FakeServices) -> None:
    services.balance = replace(services.balance, hold_reasons=("over_limit",))

    outcome = run(ActionCheckBalance(), tracker("unverified", text="what do i owe"))

    assert "credit hold" not in outcome.text


def test_finance_charges_are_told_apart_in_the_balance(services: FakeServices) -> None:
    services.balance = replace(services.balance, finance_charges=Decimal("15.00"))

    outcome = run(ActionCheckBalance(), tracker(text="what do i owe"))

    assert "That includes $15.00 of finance charges." in outcome.text


@pytest.mark.parametrize("settings", [30], indirect=True)
def test_the_past_due_hold_names_the_days_the_deployment_set(services: FakeServices) -> None:
    services.balance = replace(services.balance, hold_reasons=("past_due",))

    outcome = run(ActionCheckBalance(), tracker(text="what do i owe"))

    assert "Paying the invoices more than 30 days past due releases it." in outcome.text
