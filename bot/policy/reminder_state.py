"""The snapshot of an account that reminder decisions are made from, and the decision.

Plain frozen data, built by the database loader (``bot.repositories.reminder_states``)
and read by :func:`bot.policy.reminders.decide` and :mod:`bot.policy.reminder_text`.
:mod:`bot.policy.reminders` re-exports every name, so callers import from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

#: the reminder kinds (SPEC §3 ``reminders plan`` ``kind``)
KINDS = ("dunning", "ptp_reminder", "installment_reminder", "broken_promise", "plan_default")
#: why a decision is held (SPEC §3 ``reminders plan`` ``reason``)
HOLD_REASONS = (
    "quiet_hours",
    "frequency_cap",
    "opted_out",
    "no_consent",
    "cease",
    "dispute_hold",
    "escalated",
    "ptp_pending",
    "plan_active",
    "no_channel",
    "already_sent",
)


@dataclass(frozen=True)
class InvoiceState:
    """An open invoice (open amount > 0); ``disputed``: an open dispute holds it."""

    number: str
    due_date: date
    open_amount: Decimal
    disputed: bool


@dataclass(frozen=True)
class PromiseState:
    """The account's pending promise to pay."""

    id: int
    amount: Decimal
    due_date: date


@dataclass(frozen=True)
class InstallmentState:
    """A scheduled (unpaid) installment of the account's active plan."""

    id: int
    plan_id: int
    sequence: int
    due_date: date
    amount: Decimal


@dataclass(frozen=True)
class Notice:
    """An event that gets exactly one message.

    Attributes:
        kind: ``"broken_promise"`` or ``"plan_default"``.
        target: ``"promise:<id>"`` or ``"plan:<id>"``.
        amount: the promise's amount, or the defaulted plan's remaining balance.
    """

    kind: str
    target: str
    amount: Decimal


@dataclass(frozen=True)
class Reach:
    """How the account can be reached, and what it agreed to.

    Attributes:
        sms: the E.164 phone on file, if any.
        telegram: the linked Telegram chat id, if any.
    """

    sms: str | None
    telegram: str | None
    sms_consent: bool
    sms_opt_out: bool
    telegram_opt_out: bool
    cease: bool


@dataclass(frozen=True)
class AccountState:
    """Everything :func:`decide` needs to know about one account at one instant.

    Attributes:
        zone: the customer's zone; None when unknown (SPEC §4: the hours inside the window
            in every US zone).
        invoices: the open invoices (open amount > 0).
        promise: the pending promise, if any.
        plan_active: an active plan exists.
        plan_in_good_standing: the plan is active and no installment is missed.
        installments: the scheduled (unpaid) installments of the active plan.
        notices: broken promises and defaulted plans owed their one message.
        open_escalation: an open or claimed escalation exists.
        recent_sends: automated messages sent in the last 8 days (aware), for the caps.
        sent_targets: ``(kind, target)`` pairs sent before, on any day.
        sent_today: ``(kind, target)`` pairs sent on the customer's local date of ``now``
            (a subset of ``sent_targets``); only used to report ``already_sent``.
        escalation_reasons: the reasons of the open or claimed escalations; lets a notice
            through the escalation its own event opened. Empty means unknown: every
            escalation then holds notices too.
        language: ``en`` or ``es`` (SPEC §14).
    """

    account_id: int
    account_number: str
    name: str
    consumer: bool
    currency: str
    zone: ZoneInfo | None
    invoices: tuple[InvoiceState, ...]
    promise: PromiseState | None
    plan_active: bool
    plan_in_good_standing: bool
    installments: tuple[InstallmentState, ...]
    notices: tuple[Notice, ...]
    reach: Reach
    open_escalation: bool
    recent_sends: tuple[datetime, ...]
    sent_targets: frozenset[tuple[str, str]]
    sent_today: frozenset[tuple[str, str]] = frozenset()
    escalation_reasons: frozenset[str] = frozenset()
    #: the account's language (SPEC §14): the reminder is worded in it
    language: str = "en"


@dataclass(frozen=True)
class Decision:
    """The one message an account gets at an instant, sent or held.

    Attributes:
        kind: one of ``KINDS``.
        target: the step (``reminder_cadence`` module docstring).
        channel: ``"telegram"`` or ``"sms"``; None when no channel may be used.
        local_date: the customer's date at ``now`` (unknown zone: US Eastern).
        send_at: ``now`` when it may go now, else when it may (window or caps).
        held: it must not be sent now; ``reason`` (one of ``HOLD_REASONS``) says why.
        template: the template's file stem under ``bot/templates/reminders``.
    """

    account_id: int
    account_number: str
    kind: str
    target: str
    channel: str | None
    local_date: date
    send_at: datetime
    held: bool
    reason: str | None
    template: str

    @property
    def key(self) -> str:
        """The idempotency key (SPEC §6): account, kind, target and local date."""
        return f"{self.account_id}:{self.kind}:{self.target}:{self.local_date.isoformat()}"
