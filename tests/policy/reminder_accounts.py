"""Account snapshots for the reminder tests: one plain account, changed field by field."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from bot.policy.reminders import (
    AccountState,
    InstallmentState,
    InvoiceState,
    Notice,
    PromiseState,
    Reach,
)

NEW_YORK = ZoneInfo("America/New_York")
DUE = date(2026, 6, 1)  # the due date of the account's oldest invoice, INV-1

TELEGRAM = Reach(
    sms="+12125550123",
    telegram="555001",
    sms_consent=True,
    sms_opt_out=False,
    telegram_opt_out=False,
    cease=False,
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


def midday(day: date) -> datetime:
    """19:00 UTC: inside the window in New York (14:00/15:00) and in every US zone."""
    return datetime(day.year, day.month, day.day, 19, tzinfo=timezone.utc)


def on(offset: int) -> datetime:
    """Midday on ``DUE + offset`` days."""
    return midday(DUE + timedelta(days=offset))


def invoice(
    number: str = "INV-1", due: date = DUE, amount: str = "1234.50", *, disputed: bool = False
) -> InvoiceState:
    return InvoiceState(number, due, Decimal(amount), disputed)


def promise(due: date, promise_id: int = 5, amount: str = "300.00") -> PromiseState:
    return PromiseState(promise_id, Decimal(amount), due)


def installment(due: date, installment_id: int = 9, amount: str = "150.00") -> InstallmentState:
    return InstallmentState(installment_id, 3, 1, due, Decimal(amount))


def broken(promise_id: int = 4, amount: str = "250.00") -> Notice:
    return Notice("broken_promise", f"promise:{promise_id}", Decimal(amount))


def defaulted(plan_id: int = 3, amount: str = "900.00") -> Notice:
    return Notice("plan_default", f"plan:{plan_id}", Decimal(amount))


def account(**changes: Any) -> AccountState:
    """A business account in New York with INV-1 open, reachable on Telegram, nothing sent."""
    base = AccountState(
        account_id=7,
        account_number="ACME-000123",
        name="Globex Corp",
        consumer=False,
        currency="USD",
        zone=NEW_YORK,
        invoices=(invoice(),),
        promise=None,
        plan_active=False,
        plan_in_good_standing=False,
        installments=(),
        notices=(),
        reach=TELEGRAM,
        open_escalation=False,
        recent_sends=(),
        sent_targets=frozenset(),
    )
    return replace(base, **changes)


def sent(*targets: str, kind: str = "dunning") -> frozenset[tuple[str, str]]:
    return frozenset((kind, target) for target in targets)
