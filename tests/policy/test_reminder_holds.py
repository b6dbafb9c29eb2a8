"""Why a due reminder is held, and which reason wins (bot.policy.reminders.decide).

SPEC §6 held-back rules; the order of precedence is in the module docstring.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from bot.policy.reminders import Reach, decide
from bot.policy.rules import DEFAULT_POLICY
from tests.policy.reminder_accounts import (
    DUE,
    TELEGRAM,
    account,
    broken,
    defaulted,
    installment,
    invoice,
    on,
    promise,
    sent,
    utc,
)


def reason_on(days: int, **changes: Any) -> str | None:
    decision = decide(account(**changes), on(days), DEFAULT_POLICY)
    assert decision is not None
    assert decision.held == (decision.reason is not None)
    return decision.reason


def reach(**changes: Any) -> Reach:
    return replace(TELEGRAM, **changes)


@pytest.mark.parametrize(
    ("changes", "channel", "reason"),
    [
        ({}, "telegram", None),
        ({"telegram_opt_out": True}, "sms", None),
        ({"telegram": None}, "sms", None),
        ({"sms": None}, "telegram", None),
        ({"sms_consent": False}, "telegram", None),
        ({"telegram": None, "sms": None}, None, "no_channel"),
        ({"telegram": None, "sms_opt_out": True}, None, "opted_out"),
        ({"sms": None, "telegram_opt_out": True}, None, "opted_out"),
        ({"telegram_opt_out": True, "sms_opt_out": True}, None, "opted_out"),
        ({"telegram": None, "sms_consent": False}, None, "no_consent"),
        # both reasons: the opt-out, the customer's own word, is the one reported
        ({"telegram": None, "sms_consent": False, "sms_opt_out": True}, None, "opted_out"),
        ({"telegram_opt_out": True, "sms_consent": False}, None, "opted_out"),
    ],
)
def test_telegram_is_preferred_then_sms_with_consent(
    changes: dict[str, Any], channel: str | None, reason: str | None
) -> None:
    decision = decide(account(reach=reach(**changes)), on(7), DEFAULT_POLICY)
    assert decision is not None
    assert (decision.channel, decision.reason, decision.held) == (channel, reason, bool(reason))


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"reach": reach(cease=True)}, "cease"),
        ({"reach": reach(telegram=None, sms=None)}, "no_channel"),
        ({"open_escalation": True}, "escalated"),
        ({"promise": promise(DUE + timedelta(days=10))}, "ptp_pending"),
        ({"plan_active": True, "plan_in_good_standing": True}, "plan_active"),
        ({"recent_sends": (utc(2026, 6, 8, 13),)}, "frequency_cap"),
    ],
)
def test_each_hold_reason_holds_a_due_step(changes: dict[str, Any], reason: str) -> None:
    assert reason_on(7, **changes) == reason


def test_outside_the_window_the_step_waits_for_it() -> None:
    decision = decide(account(), utc(2026, 6, 8, 11, 59), DEFAULT_POLICY)  # 07:59 EDT
    assert decision is not None
    assert (decision.reason, decision.send_at) == ("quiet_hours", utc(2026, 6, 8, 12))


def test_every_past_due_invoice_disputed_holds_dunning() -> None:
    state = account(invoices=(invoice(disputed=True),))
    decision = decide(state, on(7), DEFAULT_POLICY)
    assert decision is not None
    assert (decision.target, decision.reason) == ("INV-1:+7", "dispute_hold")


def test_of_two_past_due_invoices_the_undisputed_one_drives_the_cadence() -> None:
    invoices = (invoice(disputed=True), invoice("INV-2", DUE + timedelta(days=5)))
    decision = decide(account(invoices=invoices), on(14), DEFAULT_POLICY)
    assert decision is not None
    assert (decision.target, decision.held) == ("INV-2:+7", False)


def test_both_past_due_invoices_disputed_hold_dunning() -> None:
    invoices = (invoice(disputed=True), invoice("INV-2", DUE + timedelta(days=5), disputed=True))
    assert reason_on(14, invoices=invoices) == "dispute_hold"


def test_a_dispute_does_not_stop_the_courtesy_reminder_of_another_invoice() -> None:
    invoices = (invoice(disputed=True), invoice("INV-2", DUE + timedelta(days=10)))
    decision = decide(account(invoices=invoices), on(7), DEFAULT_POLICY)
    assert decision is not None
    assert (decision.target, decision.held) == ("INV-2:-3", False)


def test_after_that_courtesy_reminder_the_disputed_invoice_shows_as_held() -> None:
    invoices = (invoice(disputed=True), invoice("INV-2", DUE + timedelta(days=10)))
    state = account(invoices=invoices, sent_targets=sent("INV-2:-3"))
    decision = decide(state, on(8), DEFAULT_POLICY)
    assert decision is not None
    assert (decision.target, decision.reason) == ("INV-1:+7", "dispute_hold")


def test_a_disputed_invoice_not_yet_due_holds_nothing() -> None:
    assert decide(account(invoices=(invoice(disputed=True),)), on(-3), DEFAULT_POLICY) is None


@pytest.mark.parametrize(
    ("promise_in", "reason"), [(3, "ptp_pending"), (0, "ptp_pending"), (-1, None)]
)
def test_dunning_is_paused_through_the_promised_date(promise_in: int, reason: str | None) -> None:
    reminded = sent("promise:5:eve", "promise:5:day", kind="ptp_reminder")
    pending = promise(DUE + timedelta(days=7 + promise_in))
    decision = decide(account(promise=pending, sent_targets=reminded), on(7), DEFAULT_POLICY)
    assert decision is not None
    assert (decision.kind, decision.reason) == ("dunning", reason)


def test_a_paused_dunning_still_lets_promise_reminders_go() -> None:
    state = account(promise=promise(DUE + timedelta(days=8)))
    decision = decide(state, on(7), DEFAULT_POLICY)
    assert decision is not None
    assert (decision.kind, decision.target, decision.held) == (
        "ptp_reminder",
        "promise:5:eve",
        False,
    )


def test_a_plan_in_good_standing_pauses_dunning_but_not_its_installment_reminders() -> None:
    plan = {"plan_active": True, "plan_in_good_standing": True}
    assert reason_on(7, **plan) == "plan_active"
    decision = decide(
        account(**plan, installments=(installment(DUE + timedelta(days=9)),)), on(7), DEFAULT_POLICY
    )
    assert decision is not None
    assert (decision.kind, decision.held) == ("installment_reminder", False)


def test_a_plan_not_in_good_standing_does_not_pause_dunning() -> None:
    assert reason_on(7, plan_active=True, plan_in_good_standing=False) is None


@pytest.mark.parametrize(
    ("notice", "reasons", "reason"),
    [
        (broken(), {"broken_promises"}, None),  # the escalation its own event opened
        (defaulted(), {"plan_default"}, None),
        (broken(), {"plan_default"}, "escalated"),
        (broken(), {"broken_promises", "customer_request"}, "escalated"),
        (defaulted(), set(), "escalated"),  # reasons unknown: held, to be safe
    ],
)
def test_a_notice_is_held_only_by_an_escalation_it_did_not_open(
    notice: Any, reasons: set[str], reason: str | None
) -> None:
    changes = {
        "notices": (notice,),
        "open_escalation": True,
        "escalation_reasons": frozenset(reasons),
    }
    assert reason_on(7, **changes) == reason


def test_an_open_escalation_holds_every_reminder_kind() -> None:
    state = {"open_escalation": True, "escalation_reasons": frozenset({"broken_promises"})}
    assert reason_on(-1, promise=promise(DUE), **state) == "escalated"
    assert reason_on(-1, installments=(installment(DUE),), **state) == "escalated"


# Every hold condition at once, then one removed at a time: the first left is the reason.
ALL_HOLDS = {
    "reach": reach(cease=True, telegram=None, sms=None),
    "open_escalation": True,
    "promise": promise(DUE + timedelta(days=10)),
    "recent_sends": (utc(2026, 6, 8, 5),),
}
LIFTED = [
    ("cease", {"reach": reach(telegram=None, sms=None)}),
    ("no_channel", {"reach": reach(telegram=None, sms_opt_out=True)}),
    ("opted_out", {"reach": reach(telegram=None, sms_consent=False)}),
    ("no_consent", {"reach": TELEGRAM}),
    ("escalated", {"open_escalation": False}),
    ("ptp_pending", {"promise": None}),
    ("frequency_cap", {"recent_sends": ()}),
]


@pytest.mark.parametrize("lifted", range(len(LIFTED)))
def test_holds_take_precedence_in_the_spec_order(lifted: int) -> None:
    changes = dict(ALL_HOLDS)
    for _, change in LIFTED[:lifted]:
        changes.update(change)
    decision = decide(account(**changes), utc(2026, 6, 8, 6), DEFAULT_POLICY)  # 02:00 EDT
    assert decision is not None
    assert decision.reason == LIFTED[lifted][0]


def test_with_every_hold_lifted_but_the_night_the_step_waits_for_morning() -> None:
    changes = dict(ALL_HOLDS)
    for _, change in LIFTED:
        changes.update(change)
    decision = decide(account(**changes), utc(2026, 6, 8, 6), DEFAULT_POLICY)
    assert decision is not None
    assert (decision.reason, decision.send_at) == ("quiet_hours", utc(2026, 6, 8, 12))


def test_the_message_already_sent_today_is_reported_as_such() -> None:
    done = sent("INV-1:-3", "INV-1:+1", "INV-1:+7")
    state = account(
        sent_targets=done, sent_today=sent("INV-1:+7"), recent_sends=(utc(2026, 6, 8, 13),)
    )
    decision = decide(state, on(7), DEFAULT_POLICY)
    assert decision is not None
    assert (decision.target, decision.reason, decision.send_at) == (
        "INV-1:+7",
        "already_sent",
        on(7),
    )


def test_a_step_sent_on_an_earlier_day_is_not_reported() -> None:
    state = account(sent_targets=sent("INV-1:-3", "INV-1:+1", "INV-1:+7"))
    assert decide(state, on(9), DEFAULT_POLICY) is None


def test_a_stronger_hold_outranks_already_sent() -> None:
    state = {"sent_targets": sent("INV-1:+7"), "sent_today": sent("INV-1:+7")}
    assert reason_on(7, **state, reach=reach(cease=True)) == "cease"


def test_a_new_step_due_after_the_days_message_waits_for_the_frequency_cap() -> None:
    state = account(
        promise=promise(date(2026, 6, 9)),
        sent_targets=sent("INV-1:+7"),
        sent_today=sent("INV-1:+7"),
        recent_sends=(utc(2026, 6, 8, 13),),
    )
    decision = decide(state, on(7), DEFAULT_POLICY)
    assert decision is not None
    assert (decision.target, decision.reason) == ("promise:5:eve", "frequency_cap")
    assert decision.send_at == utc(2026, 6, 9, 12)  # the next local day's window


def test_the_key_names_account_kind_target_and_local_date() -> None:
    decision = decide(account(), utc(2026, 6, 9, 0, 30), DEFAULT_POLICY)  # Jun 8, 20:30 EDT
    assert decision is not None
    assert decision.local_date == date(2026, 6, 8)
    assert decision.key == "7:dunning:INV-1:+7:2026-06-08"
