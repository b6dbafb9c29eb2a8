"""What an account is sent, or why not (bot.policy.reminders.decide): steps and holds.

Holds are in test_reminder_holds.py, contact windows across DST and frequency caps in
test_reminder_windows.py, the properties every decision has in test_reminder_properties.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from bot.policy.reminders import KINDS, decide
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


def target_on(days: int, **changes: Any) -> str | None:
    decision = decide(account(**changes), on(days), DEFAULT_POLICY)
    return None if decision is None else decision.target


def test_the_kinds_are_those_of_the_spec() -> None:
    assert KINDS == (
        "dunning",
        "ptp_reminder",
        "installment_reminder",
        "broken_promise",
        "plan_default",
    )


@pytest.mark.parametrize(
    ("days", "target", "template"),
    [
        (-3, "INV-1:-3", "courtesy"),
        (1, "INV-1:+1", "overdue"),
        (7, "INV-1:+7", "dunning"),
        (14, "INV-1:+14", "dunning"),
        (30, "INV-1:+30", "dunning"),
        (45, "INV-1:+45", "dunning"),
        (60, "INV-1:+60", "final_notice"),
    ],
)
def test_each_dunning_step_is_sent_on_its_day(days: int, target: str, template: str) -> None:
    decision = decide(account(), on(days), DEFAULT_POLICY)
    assert decision is not None
    assert (decision.kind, decision.target, decision.template) == ("dunning", target, template)
    assert not decision.held
    assert decision.send_at == on(days)
    assert decision.channel == "telegram"


@pytest.mark.parametrize("days", [-30, -4])
def test_nothing_is_due_before_the_courtesy_day(days: int) -> None:
    assert decide(account(), on(days), DEFAULT_POLICY) is None


@pytest.mark.parametrize(
    ("days", "already", "target"),
    [
        (-1, (), "INV-1:-3"),  # the courtesy step missed on its day goes out later
        (0, (), "INV-1:-3"),
        (-1, ("INV-1:-3",), None),  # ... but only once
        (6, ("INV-1:-3",), "INV-1:+1"),
        (6, ("INV-1:-3", "INV-1:+1"), None),
        (20, ("INV-1:-3", "INV-1:+1"), "INV-1:+14"),  # down for days: +7 replaced by +14
        (20, ("INV-1:-3", "INV-1:+1", "INV-1:+14"), None),  # +7 is never sent after +14
        (50, (), "INV-1:+45"),  # nothing ever sent: only the latest step
        (61, ("INV-1:+45",), "INV-1:+60"),  # a final notice missed is still owed once
        (61, ("INV-1:+60",), None),
        (365, ("INV-1:+60",), None),  # nothing after +60
    ],
)
def test_a_missed_step_is_caught_up_unless_a_later_one_replaced_it(
    days: int, already: tuple[str, ...], target: str | None
) -> None:
    assert target_on(days, sent_targets=sent(*already)) == target


def test_a_step_held_on_its_day_is_replaced_by_the_next_step_that_comes_due() -> None:
    escalated = decide(account(open_escalation=True), on(8), DEFAULT_POLICY)
    assert escalated is not None
    assert (escalated.target, escalated.reason) == ("INV-1:+7", "escalated")
    assert target_on(15, sent_targets=sent("INV-1:-3", "INV-1:+1")) == "INV-1:+14"


def test_the_oldest_open_invoice_drives_the_cadence() -> None:
    invoices = (invoice("INV-2", DUE + timedelta(days=20)), invoice("INV-1"))
    assert target_on(21, invoices=invoices) == "INV-1:+14"


def test_an_account_without_open_invoices_gets_no_dunning() -> None:
    assert decide(account(invoices=()), on(7), DEFAULT_POLICY) is None


@pytest.mark.parametrize(
    ("days", "target", "template"),
    [
        (-1, "promise:5:eve", "ptp_eve"),
        (0, "promise:5:day", "ptp_day"),
    ],
)
def test_a_promise_is_reminded_the_day_before_and_on_the_day(
    days: int, target: str, template: str
) -> None:
    decision = decide(account(invoices=(), promise=promise(DUE)), on(days), DEFAULT_POLICY)
    assert decision is not None
    assert (decision.kind, decision.target, decision.template) == ("ptp_reminder", target, template)
    assert not decision.held


@pytest.mark.parametrize(
    ("days", "already", "target"),
    [
        (-2, (), None),
        (0, ("promise:5:eve",), "promise:5:day"),
        (0, (), "promise:5:day"),  # the eve missed: the day replaces it
        (0, ("promise:5:day",), None),
        (1, (), None),
    ],
)
def test_promise_reminders_are_sent_once_each(
    days: int, already: tuple[str, ...], target: str | None
) -> None:
    state = {"invoices": (), "promise": promise(DUE)}
    assert target_on(days, **state, sent_targets=sent(*already, kind="ptp_reminder")) == target


@pytest.mark.parametrize(
    ("days", "already", "target", "template"),
    [
        (-4, (), None, None),
        (-3, (), "installment:9:-3", "installment_soon"),
        (-1, (), "installment:9:-3", "installment_soon"),  # caught up within the three days
        (-2, ("installment:9:-3",), None, None),
        (0, (), "installment:9:0", "installment_due"),  # replaces the -3 one
        (0, ("installment:9:-3",), "installment:9:0", "installment_due"),
        (1, (), None, None),
    ],
)
def test_an_installment_is_reminded_three_days_before_and_on_the_due_date(
    days: int, already: tuple[str, ...], target: str | None, template: str | None
) -> None:
    state = account(
        invoices=(),
        plan_active=True,
        plan_in_good_standing=True,
        installments=(installment(DUE),),
        sent_targets=sent(*already, kind="installment_reminder"),
    )
    decision = decide(state, on(days), DEFAULT_POLICY)
    assert (decision and (decision.target, decision.template)) == (
        (target, template) if target else None
    )


def test_the_earliest_installment_is_reminded_first() -> None:
    items = (installment(DUE + timedelta(days=1), 10), installment(DUE, 9))
    assert target_on(-1, invoices=(), installments=items) == "installment:9:-3"


@pytest.mark.parametrize(
    ("changes", "kind", "target"),
    [
        ({}, "broken_promise", "promise:4"),
        ({"notices": (defaulted(),)}, "plan_default", "plan:3"),
        ({"notices": (defaulted(), broken())}, "broken_promise", "promise:4"),
        (
            {"sent_targets": sent("promise:4", kind="broken_promise")},
            "ptp_reminder",
            "promise:5:eve",
        ),
        ({"notices": (), "promise": None}, "installment_reminder", "installment:9:-3"),
        ({"notices": (), "promise": None, "installments": ()}, "dunning", "INV-1:+14"),
    ],
)
def test_notices_come_first_then_promises_then_installments_then_dunning(
    changes: dict[str, Any], kind: str, target: str
) -> None:
    everything = account(
        notices=(broken(),),
        promise=promise(DUE + timedelta(days=15)),
        plan_active=True,
        plan_in_good_standing=False,
        installments=(installment(DUE + timedelta(days=16)),),
    )
    decision = decide(replace(everything, **changes), on(14), DEFAULT_POLICY)
    assert decision is not None
    assert (decision.kind, decision.target) == (kind, target)


def test_a_notice_is_sent_once() -> None:
    state = account(invoices=(), notices=(broken(),))
    assert (
        decide(
            replace(state, sent_targets=sent("promise:4", kind="broken_promise")),
            on(0),
            DEFAULT_POLICY,
        )
        is None
    )


def test_a_notice_of_an_unknown_kind_is_refused() -> None:
    bad = replace(broken(), kind="dunning")
    with pytest.raises(ValueError, match="not a notice kind"):
        decide(account(notices=(bad,)), on(0), DEFAULT_POLICY)
