"""Fake services for the actions' tests: canned results, every call recorded.

Signatures mirror ``actions.ports`` (keyword-only arguments included), so an action that
calls a use case the wrong way fails here as it would against ``bot.services``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from actions.ports import Services
from bot.policy.balances import BalanceSummary
from bot.policy.plans import PlanNotAvailable, PlanOffer, offer_plan
from bot.policy.promises import PromiseCheck, check_promise

TODAY = date(2026, 11, 25)  # a Wednesday


@dataclass(frozen=True)
class Verification:
    status: str
    account_number: str | None = None
    failures_left: int = 3
    locked_until: datetime | None = None
    known_account: str | None = None
    reading: tuple[str, str] | None = None
    escalated: bool = True


@dataclass(frozen=True)
class Invoice:
    invoice_number: str
    due_date: date
    open_amount: Decimal
    disputed: bool = False


INVOICES = (
    Invoice("INV-1003-01", date(2026, 9, 30), Decimal("500.00")),
    Invoice("INV-1003-02", date(2026, 10, 31), Decimal("450.00")),
    Invoice("INV-1003-03", date(2026, 11, 30), Decimal("300.00")),
    Invoice("INV-1003-04", date(2026, 10, 15), Decimal("200.00"), disputed=True),
)


@dataclass(frozen=True)
class Commitment:
    due_date: date
    amount: Decimal


@dataclass(frozen=True)
class PlanView:
    status: str
    remaining: tuple[Commitment, ...]


@dataclass(frozen=True)
class Balance:
    account_number: str = "A-1003"
    currency: str = "USD"
    total: Decimal = Decimal("1450.00")
    collectible: Decimal = Decimal("1250.00")
    past_due: Decimal = Decimal("950.00")
    disputed: Decimal = Decimal("200.00")
    open_count: int = 4
    oldest_past_due_invoice: str | None = "INV-1003-01"
    oldest_days_late: int | None = 56
    invoices: tuple[Invoice, ...] = INVOICES
    today: date = TODAY
    promise: Commitment | None = None
    plan: PlanView | None = None
    hold_reasons: tuple[str, ...] = ()
    to_limit: Decimal = Decimal("0.00")
    finance_charges: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class Promise:
    id: int
    amount: Decimal
    due_date: date
    replaced_id: int | None = None


@dataclass(frozen=True)
class Plan:
    id: int
    status: str
    needs_approval: bool
    escalation_id: int | None = None


@dataclass(frozen=True)
class Dispute:
    reference: str
    invoice_number: str | None


@dataclass(frozen=True)
class Claim:
    matched_payment_id: int | None
    dispute: Dispute | None
    matched_amount: Decimal | None = None
    matched_date: date | None = None


@dataclass(frozen=True)
class Escalation:
    id: int
    reason: str
    status: str = "open"


@dataclass
class Calls:
    """Every use case called, in order: (name, positional args after the session, kwargs)."""

    made: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)

    def add(self, name: str, *args: Any, **kwargs: Any) -> None:
        self.made.append((name, args, kwargs))

    def of(self, name: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        return [(args, kwargs) for called, args, kwargs in self.made if called == name]

    @property
    def names(self) -> list[str]:
        return [name for name, _, _ in self.made]


class FakeServices:
    """All use cases at once; tests set the results they need on the attributes."""

    def __init__(self) -> None:
        self.calls = Calls()
        self.verification = Verification("verified", "A-1003")
        self.balance = Balance()
        self.plan_available = True
        self.plan_record = Plan(7, "active", needs_approval=False)
        self.promise_replaced: int | None = None
        self.disputes = (Dispute("D-12", "INV-1003-02"),)
        self.claim = Claim(None, Dispute("D-13", "INV-1003-01"))
        self.opt_changed = True
        #: the dialogue intents the last case-opening use case was handed
        self.dialogue_intents: list[str] | None = None

    def bundle(self) -> Services:
        return Services(
            identity=self,
            balances=self,
            promises=self,
            plans=self,
            disputes=self,
            escalations=self,
            preferences=self,
        )

    # identity
    def verify_sender(
        self,
        session,
        channel,
        address,
        given_account,
        given_postal_code,
        now,
        policy,
        alternatives=(),
        dialogue_intents=None,
    ) -> Verification:
        self.dialogue_intents = dialogue_intents
        more = {"alternatives": list(alternatives)} if alternatives else {}
        self.calls.add("verify_sender", channel, address, given_account, given_postal_code, **more)
        return self.verification

    # balances
    def balance_view(self, session, account_number, now, policy, default_timezone=None) -> Balance:
        self.calls.add("balance_view", account_number, default_timezone=default_timezone)
        return self.balance

    # promises: the real rules on the fake balance
    def check_promise(
        self, session, account_number, amount, due_date, now, policy, default_timezone=None
    ) -> PromiseCheck:
        self.calls.add("check_promise", account_number, amount, due_date)
        summary = BalanceSummary(
            self.balance.total,
            self.balance.collectible,
            self.balance.past_due,
            self.balance.disputed,
            self.balance.open_count,
            None,
            None,
        )
        return check_promise(amount, due_date, summary, self.balance.today, policy)

    def record_promise(
        self,
        session,
        account_number,
        amount,
        due_date,
        *,
        channel,
        now,
        policy,
        taken_by="bot",
        collector_id=None,
        conversation_id=None,
        default_timezone=None,
    ) -> Promise:
        self.calls.add("record_promise", account_number, amount, due_date, channel=channel)
        return Promise(41, amount, due_date, self.promise_replaced)

    # plans: the real rules on the fake collectible balance
    def plan_offer(
        self,
        session,
        account_number,
        now,
        policy,
        *,
        months=None,
        monthly_amount=None,
        default_timezone=None,
    ) -> PlanOffer:
        self.calls.add("plan_offer", account_number, months=months, monthly_amount=monthly_amount)
        if not self.plan_available:
            raise PlanNotAvailable("balance 40.00 is below the plan minimum 100.00")
        return offer_plan(
            self.balance.collectible,
            self.balance.today,
            policy,
            months=months,
            monthly_amount=monthly_amount,
        )

    def hardship_offer(
        self, session, account_number, now, policy, default_timezone=None
    ) -> PlanOffer:
        self.calls.add("hardship_offer", account_number)
        if not self.plan_available:
            raise PlanNotAvailable("balance 40.00 is below the plan minimum 100.00")
        return offer_plan(self.balance.collectible, self.balance.today, policy)

    def record_plan(
        self,
        session,
        account_number,
        offer,
        *,
        channel,
        now,
        policy,
        conversation_id=None,
        default_timezone=None,
        dialogue_intents=None,
    ) -> Plan:
        self.dialogue_intents = dialogue_intents
        self.calls.add("record_plan", account_number, offer, channel=channel)
        return self.plan_record

    # disputes
    def open_dispute(
        self,
        session,
        account_number,
        invoice_number,
        reason,
        description,
        *,
        channel,
        now,
        conversation_id=None,
        dialogue_intents=None,
    ) -> tuple[Dispute, ...]:
        self.dialogue_intents = dialogue_intents
        self.calls.add(
            "open_dispute", account_number, invoice_number, reason, description, channel=channel
        )
        return self.disputes

    def claim_paid(
        self, session, account_number, invoice_number, *, channel, now, description="", policy=None
    ) -> Claim:
        self.calls.add("claim_paid", account_number, invoice_number, channel=channel)
        return self.claim

    # escalations
    def escalate(
        self,
        session,
        reason,
        *,
        channel,
        address,
        account_number=None,
        now,
        conversation_id=None,
        note="",
        dialogue_intents=None,
    ) -> Escalation:
        self.dialogue_intents = dialogue_intents
        self.calls.add(
            "escalate", reason, channel=channel, address=address, account_number=account_number
        )
        return Escalation(90, reason)

    # preferences
    def opt_out(self, session, channel, address, now) -> bool:
        self.calls.add("opt_out", channel, address)
        return self.opt_changed

    def opt_in(self, session, channel, address, now) -> bool:
        self.calls.add("opt_in", channel, address)
        return self.opt_changed

    def cease(
        self, session, channel, address, now, account_number=None, dialogue_intents=None
    ) -> None:
        self.dialogue_intents = dialogue_intents
        self.calls.add("cease", channel, address, account_number=account_number)
