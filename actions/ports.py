"""What the actions need from ``bot.services``: the use cases they call and what they read back.

Written as protocols so the actions depend on this contract rather than on the modules'
internals: the real ``bot.services`` modules satisfy it (mypy checks that where
:func:`actions.runtime.real_services` binds them), and tests pass small fakes. Every use
case takes a ``Session`` with no transaction open and opens its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.policy.plans import PlanOffer
from bot.policy.promises import PromiseCheck
from bot.policy.rules import Policy

# --- what the use cases return -----------------------------------------------------------


class PayLinkView(Protocol):
    @property
    def url(self) -> str: ...
    @property
    def purpose(self) -> str: ...  # balance | promise | installment | invoice
    @property
    def amount(self) -> Decimal: ...
    @property
    def due_date(self) -> str | None: ...  # ISO, for a promise or an installment


class VerificationResult(Protocol):
    @property
    def status(self) -> str: ...  # "verified" | "failed" | "locked"
    @property
    def account_number(self) -> str | None: ...
    @property
    def failures_left(self) -> int: ...
    @property
    def locked_until(self) -> datetime | None: ...
    @property
    def known_account(self) -> str | None: ...
    @property
    def reading(self) -> tuple[str, str] | None: ...
    @property
    def escalated(self) -> bool: ...


class InvoiceView(Protocol):
    @property
    def invoice_number(self) -> str: ...
    @property
    def due_date(self) -> date: ...
    @property
    def open_amount(self) -> Decimal: ...
    @property
    def disputed(self) -> bool: ...


class Commitment(Protocol):
    @property
    def due_date(self) -> date: ...
    @property
    def amount(self) -> Decimal: ...


class PlanView(Protocol):
    @property
    def status(self) -> str: ...
    @property
    def remaining(self) -> Sequence[Commitment]: ...


class BalanceView(Protocol):
    @property
    def account_number(self) -> str: ...
    @property
    def currency(self) -> str: ...
    @property
    def total(self) -> Decimal: ...
    @property
    def collectible(self) -> Decimal: ...
    @property
    def past_due(self) -> Decimal: ...
    @property
    def disputed(self) -> Decimal: ...
    @property
    def open_count(self) -> int: ...
    @property
    def oldest_past_due_invoice(self) -> str | None: ...
    @property
    def oldest_days_late(self) -> int | None: ...
    @property
    def invoices(self) -> Sequence[InvoiceView]: ...
    @property
    def today(self) -> date: ...
    @property
    def promise(self) -> Commitment | None: ...
    @property
    def plan(self) -> PlanView | None: ...
    @property
    def hold_reasons(self) -> tuple[str, ...]: ...
    @property
    def to_limit(self) -> Decimal: ...
    @property
    def finance_charges(self) -> Decimal: ...


class PromiseRecord(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def due_date(self) -> date: ...
    @property
    def replaced_id(self) -> int | None: ...


class PlanRecord(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def needs_approval(self) -> bool: ...
    @property
    def escalation_id(self) -> int | None: ...


class DisputeRecord(Protocol):
    @property
    def reference(self) -> str: ...
    @property
    def invoice_number(self) -> str | None: ...


class ClaimResult(Protocol):
    @property
    def matched_payment_id(self) -> int | None: ...
    @property
    def dispute(self) -> DisputeRecord | None: ...
    @property
    def matched_amount(self) -> Decimal | None: ...
    @property
    def matched_date(self) -> date | None: ...


class EscalationRecord(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def reason(self) -> str: ...
    @property
    def status(self) -> str: ...


# --- the use cases -------------------------------------------------------------------------


class Identity(Protocol):
    def verify_sender(
        self,
        session: Session,
        channel: str,
        address: str,
        given_account: str,
        given_postal_code: str,
        now: datetime,
        policy: Policy,
        alternatives: Sequence[tuple[str, str]] = (),
        dialogue_intents: Sequence[str] | None = None,
    ) -> VerificationResult: ...


class Balances(Protocol):
    def balance_view(
        self,
        session: Session,
        account_number: str,
        now: datetime,
        policy: Policy,
        default_timezone: ZoneInfo | None = None,
    ) -> BalanceView: ...


class Promises(Protocol):
    def check_promise(
        self,
        session: Session,
        account_number: str,
        amount: Decimal,
        due_date: date,
        now: datetime,
        policy: Policy,
        default_timezone: ZoneInfo | None = None,
    ) -> PromiseCheck: ...

    def record_promise(
        self,
        session: Session,
        account_number: str,
        amount: Decimal,
        due_date: date,
        *,
        channel: str,
        now: datetime,
        policy: Policy,
        taken_by: str = "bot",
        collector_id: int | None = None,
        conversation_id: int | None = None,
        default_timezone: ZoneInfo | None = None,
    ) -> PromiseRecord: ...


class Plans(Protocol):
    def plan_offer(
        self,
        session: Session,
        account_number: str,
        now: datetime,
        policy: Policy,
        *,
        months: int | None = None,
        monthly_amount: Decimal | None = None,
        default_timezone: ZoneInfo | None = None,
    ) -> PlanOffer: ...

    def hardship_offer(
        self,
        session: Session,
        account_number: str,
        now: datetime,
        policy: Policy,
        default_timezone: ZoneInfo | None = None,
    ) -> PlanOffer: ...

    def record_plan(
        self,
        session: Session,
        account_number: str,
        offer: PlanOffer,
        *,
        channel: str,
        now: datetime,
        policy: Policy,
        conversation_id: int | None = None,
        default_timezone: ZoneInfo | None = None,
        dialogue_intents: Sequence[str] | None = None,
    ) -> PlanRecord: ...


class Disputes(Protocol):
    def open_dispute(
        self,
        session: Session,
        account_number: str,
        invoice_number: str | None,
        reason: str,
        description: str,
        *,
        channel: str,
        now: datetime,
        conversation_id: int | None = None,
        dialogue_intents: Sequence[str] | None = None,
    ) -> Sequence[DisputeRecord]: ...

    def claim_paid(
        self,
        session: Session,
        account_number: str,
        invoice_number: str | None,
        *,
        channel: str,
        now: datetime,
        description: str = "",
        policy: Policy = ...,
    ) -> ClaimResult: ...


class Escalations(Protocol):
    def escalate(
        self,
        session: Session,
        reason: str,
        *,
        channel: str,
        address: str,
        account_number: str | None = None,
        now: datetime,
        conversation_id: int | None = None,
        note: str = "",
        dialogue_intents: Sequence[str] | None = None,
    ) -> EscalationRecord: ...


class Preferences(Protocol):
    def opt_out(self, session: Session, channel: str, address: str, now: datetime) -> bool: ...

    def opt_in(self, session: Session, channel: str, address: str, now: datetime) -> bool: ...

    def cease(
        self,
        session: Session,
        channel: str,
        address: str,
        now: datetime,
        account_number: str | None = None,
        dialogue_intents: Sequence[str] | None = None,
    ) -> object: ...


@dataclass(frozen=True)
class Services:
    """The use cases, grouped as the ``bot.services`` modules group them."""

    identity: Identity
    balances: Balances
    promises: Promises
    plans: Plans
    disputes: Disputes
    escalations: Escalations
    preferences: Preferences
