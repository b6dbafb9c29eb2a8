"""Reminder steps current on a day (bot.policy.reminder_cadence)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.policy.reminder_cadence import (
    DUNNING_OFFSETS,
    Step,
    dunning_offset,
    dunning_step,
    dunning_target,
    installment_step,
    notice_step,
    parse_dunning_target,
    promise_step,
)

DUE = date(2026, 6, 1)


def test_dunning_offsets_are_those_of_the_spec() -> None:
    assert DUNNING_OFFSETS == (-3, 1, 7, 14, 30, 45, 60)


@pytest.mark.parametrize(
    ("days", "offset"),
    [
        (-30, None),
        (-4, None),
        (-3, -3),
        (-1, -3),
        (0, -3),
        (1, 1),
        (6, 1),
        (7, 7),
        (13, 7),
        (14, 14),
        (29, 14),
        (30, 30),
        (44, 30),
        (45, 45),
        (59, 45),
        (60, 60),
        (61, 60),
        (400, 60),
    ],
)
def test_the_current_step_is_the_latest_whose_day_has_come(days: int, offset: int | None) -> None:
    assert dunning_offset(DUE, DUE + timedelta(days=days)) == offset


@pytest.mark.parametrize(
    ("days", "step"),
    [
        (-3, Step("INV-1:-3", "courtesy")),
        (1, Step("INV-1:+1", "overdue")),
        (7, Step("INV-1:+7", "dunning")),
        (14, Step("INV-1:+14", "dunning")),
        (30, Step("INV-1:+30", "dunning")),
        (45, Step("INV-1:+45", "dunning")),
        (60, Step("INV-1:+60", "final_notice")),
    ],
)
def test_each_dunning_step_has_its_target_and_template(days: int, step: Step) -> None:
    assert dunning_step("INV-1", DUE, DUE + timedelta(days=days)) == step


def test_there_is_no_dunning_step_before_the_courtesy_day() -> None:
    assert dunning_step("INV-1", DUE, DUE - timedelta(days=4)) is None


@pytest.mark.parametrize(
    ("invoice", "offset"), [("INV-1", -3), ("INV-1", 14), ("2026:A:17", 60), ("X", 1)]
)
def test_a_dunning_target_parses_back_even_with_colons(invoice: str, offset: int) -> None:
    assert parse_dunning_target(dunning_target(invoice, offset)) == (invoice, offset)


@pytest.mark.parametrize("target", ["INV-1", "INV-1:7", ":+7", "INV-1:+x", "promise:5:eve"])
def test_a_target_that_is_not_a_dunning_target_is_refused(target: str) -> None:
    with pytest.raises(ValueError, match="not a dunning target"):
        parse_dunning_target(target)


@pytest.mark.parametrize(
    ("days_before", "step"),
    [
        (3, None),
        (2, None),
        (1, Step("promise:5:eve", "ptp_eve")),
        (0, Step("promise:5:day", "ptp_day")),
        (-1, None),
    ],
)
def test_promise_reminders_come_the_day_before_and_on_the_day(
    days_before: int, step: Step | None
) -> None:
    assert promise_step(5, DUE, DUE - timedelta(days=days_before)) == step


@pytest.mark.parametrize(
    ("days_before", "step"),
    [
        (4, None),
        (3, Step("installment:9:-3", "installment_soon")),
        (2, Step("installment:9:-3", "installment_soon")),
        (1, Step("installment:9:-3", "installment_soon")),
        (0, Step("installment:9:0", "installment_due")),
        (-1, None),
    ],
)
def test_installment_reminders_come_three_days_before_and_on_the_due_date(
    days_before: int, step: Step | None
) -> None:
    assert installment_step(9, DUE, DUE - timedelta(days=days_before)) == step


@pytest.mark.parametrize(
    ("kind", "target", "template"),
    [
        ("broken_promise", "promise:4", "broken_promise"),
        ("plan_default", "plan:3", "plan_default"),
    ],
)
def test_a_notice_keeps_its_target(kind: str, target: str, template: str) -> None:
    assert notice_step(kind, target) == Step(target, template)


def test_a_notice_of_another_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="dunning"):
        notice_step("dunning", "INV-1:+7")
