"""SQLAlchemy 2.0 typed models of the AR database.

Natural keys (``account_number``, ``invoice_number``, ``payment_id``, dispute ``reference``)
are unique; surrogate integer ids join the tables. Money is ``Numeric(14, 2)``; timestamps
are aware and stored in UTC; business dates (issue, due, received, promised) are plain dates.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.db.types import Money, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {Decimal: Money, datetime: UTCDateTime}


class Account(Base):
    """A customer (debtor) as the ERP knows it."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_number: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    postal_code: Mapped[str] = mapped_column(String(20))
    timezone: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(16), default="en")
    consumer: Mapped[bool] = mapped_column(Boolean, default=False)
    credit_limit: Mapped[Decimal | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    contacts: Mapped[list[Contact]] = relationship(back_populates="account")
    preferences: Mapped[ContactPreference | None] = relationship(back_populates="account")


class Contact(Base):
    """One way to reach an account: a phone (SMS), a Telegram chat id or an e-mail address."""

    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("account_id", "channel", name="uq_contacts_account_channel"),
        Index("ix_contacts_channel_address", "channel", "address"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    channel: Mapped[str] = mapped_column(String(16))  # sms | telegram | email
    address: Mapped[str] = mapped_column(String(200))
    verified_at: Mapped[datetime | None]

    account: Mapped[Account] = relationship(back_populates="contacts")


class ContactPreference(Base):
    """Consent and opt-outs of one account (SPEC §5 opt-out, §6 holds)."""

    __tablename__ = "contact_preferences"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    sms_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    sms_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    telegram_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    cease: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime]

    account: Mapped[Account] = relationship(back_populates="preferences")


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = (Index("ix_invoices_account_due", "account_id", "due_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_number: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    issue_date: Mapped[date] = mapped_column(Date, index=True)
    due_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    #: amount − payments applied − credits; kept in step by the services that change them.
    open_amount: Mapped[Decimal]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_account_received", "account_id", "received_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    received_date: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[Decimal]
    #: the invoice the remitter named; blank means applied oldest-due first
    invoice_number: Mapped[str | None] = mapped_column(String(64))
    method: Mapped[str | None] = mapped_column(String(32))
    #: what could not be applied to an open invoice: an unapplied credit on the account
    unapplied_amount: Mapped[Decimal]
    created_at: Mapped[datetime]


class PaymentApplication(Base):
    """The part of a payment applied to one invoice."""

    __tablename__ = "payment_applications"
    __table_args__ = (
        UniqueConstraint("payment_id", "invoice_id", name="uq_payment_applications_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount: Mapped[Decimal]


class Credit(Base):
    """A credit against an invoice (an upheld dispute, a write-off)."""

    __tablename__ = "credits"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount: Mapped[Decimal]
    credit_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class Promise(Base):
    """A promise to pay (SPEC §5)."""

    __tablename__ = "promises"
    __table_args__ = (Index("ix_promises_account_status", "account_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    amount: Mapped[Decimal]
    due_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16))  # pending | kept | broken | cancelled
    channel: Mapped[str] = mapped_column(String(16))  # sms | telegram | web | phone
    taken_by: Mapped[str] = mapped_column(String(16))  # bot | collector
    collector_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    amount_collected: Mapped[Decimal]
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]


class PaymentPlan(Base):
    __tablename__ = "payment_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    # pending_approval | active | completed | defaulted | cancelled
    status: Mapped[str] = mapped_column(String(20))
    total: Mapped[Decimal]
    down_payment: Mapped[Decimal]
    channel: Mapped[str] = mapped_column(String(16))
    taken_by: Mapped[str] = mapped_column(String(16))
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]

    installments: Mapped[list[Installment]] = relationship(
        back_populates="plan", order_by="Installment.sequence"
    )


class Installment(Base):
    """One scheduled payment of a plan; sequence 0 is the down payment."""

    __tablename__ = "installments"
    __table_args__ = (UniqueConstraint("plan_id", "sequence", name="uq_installments_plan_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("payment_plans.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[Decimal]
    status: Mapped[str] = mapped_column(String(16))  # scheduled | paid | missed

    plan: Mapped[PaymentPlan] = relationship(back_populates="installments")


class Dispute(Base):
    """A customer's dispute of one invoice; the invoice is on hold while it is open."""

    __tablename__ = "disputes"
    __table_args__ = (Index("ix_disputes_invoice_status", "invoice_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    # wrong_amount | not_received | damaged | already_paid | not_my_debt | other
    reason: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))  # open | upheld | rejected
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Escalation(Base):
    """A case handed to people: the collectors' queue."""

    __tablename__ = "escalations"
    __table_args__ = (
        Index("ix_escalations_status", "status"),
        Index("ix_escalations_sender", "channel", "address"),
        Index("ix_escalations_named_account", "named_account"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    #: who asked, so a collector can answer (and a sender with no account is still a case)
    channel: Mapped[str | None] = mapped_column(String(16))  # sms | telegram | web
    address: Mapped[str | None] = mapped_column(String(200))  # phone number or chat id
    #: the account number a sender named without being on file for it (verification_failed):
    #: shown to the collector, never linked, since anyone may type any number
    named_account: Mapped[str | None] = mapped_column(String(64))
    # customer_request | fallback | cease | verification_failed | plan_approval |
    # broken_promises | plan_default | dispute | hardship | payment_reversed
    reason: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))  # open | claimed | resolved
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    #: the handoff summary made when the case opened (JSON, SPEC §13); None before 0011
    summary: Mapped[str | None] = mapped_column(Text)

    conversation: Mapped[Conversation | None] = relationship()


class Conversation(Base):
    """A run of messages with one sender on one channel."""

    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_sender", "channel", "sender"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))  # sms | telegram | web
    sender: Mapped[str] = mapped_column(String(200))  # phone number or chat id
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    #: indexed for the reports, which count the conversations of a period
    started_at: Mapped[datetime] = mapped_column(index=True)
    last_message_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    #: ``en`` or ``es`` once the conversation has one (SPEC §14); None before
    language: Mapped[str | None] = mapped_column(String(16))

    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation", order_by="Message.created_at"
    )


class Message(Base):
    """One inbound or outbound message: the transcript."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("channel", "provider_id", name="uq_messages_provider"),
        Index("ix_messages_conversation", "conversation_id", "created_at"),
        Index("ix_messages_provider", "provider", "id"),
        Index("ix_messages_dispatch", "dispatch_state", "next_attempt_at"),
        Index("ix_messages_conversation_dispatch", "conversation_id", "dispatch_state", "id"),
        Index("ix_messages_turn", "turn_state", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    channel: Mapped[str] = mapped_column(String(16))
    direction: Mapped[str] = mapped_column(String(8))  # in | out
    author: Mapped[str] = mapped_column(String(16))  # customer | bot | collector | system
    address: Mapped[str] = mapped_column(String(200))  # the customer's phone or chat id
    body: Mapped[str] = mapped_column(Text)
    provider_id: Mapped[str | None] = mapped_column(String(128))
    #: who carries an outbound message: twilio | telegram | outbox (None: answered inline)
    provider: Mapped[str | None] = mapped_column(String(16))
    #: one send per key, whatever retries or restarts happen (SPEC §6, §7)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # queued | sent | delivered | undelivered | failed | received (provider statuses kept as is)
    delivery_status: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    #: the suggested replies an outbound message offered, as JSON ``[{title, payload}]``:
    #: an SMS answer "2" means the second one's payload
    buttons: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    #: outbound: pending | sending | done | failed | in_doubt | discarded (the dispatch
    #: queue, bot/services/dispatch.py); None for inbound and inline-answered messages
    dispatch_state: Mapped[str | None] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None]
    #: when the dispatcher last handed it to the provider
    sending_at: Mapped[datetime | None]
    #: a message the customer did not ask for: retried only inside the contact window
    automated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: inbound on a webhook channel: pending | working | done (the turn worker)
    turn_state: Mapped[str | None] = mapped_column(String(16))

    conversation: Mapped[Conversation | None] = relationship(back_populates="messages")


class EarlyStatus(Base):
    """A provider's status callback that came before its message's provider id was stored;
    applied (and removed) when the id is stored."""

    __tablename__ = "early_statuses"
    __table_args__ = (Index("ix_early_statuses_provider", "provider", "provider_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    provider_id: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime]


class ContactAttempt(Base):
    """One reminder decision: sent or held, with its reason (SPEC §6)."""

    __tablename__ = "contact_attempts"
    __table_args__ = (Index("ix_contact_attempts_account_at", "account_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    channel: Mapped[str | None] = mapped_column(String(16))
    # dunning | ptp_reminder | installment_reminder | broken_promise | plan_default
    kind: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(64))
    local_date: Mapped[date] = mapped_column(Date)
    #: account/kind/target/local date: unique for sends, so no pass sends twice
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    template: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # sent | held | failed
    reason: Mapped[str | None] = mapped_column(String(32))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    provider_id: Mapped[str | None] = mapped_column(String(128))
    delivery_status: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]


class VerificationAttempt(Base):
    """One answer to the verification questions (the 3-in-24-h lock per sender and account,
    the 10-in-24-h lock per account)."""

    __tablename__ = "verification_attempts"
    __table_args__ = (
        Index("ix_verification_attempts_sender", "channel", "sender", "at"),
        Index("ix_verification_attempts_account", "account_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str] = mapped_column(String(200))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime]


class User(Base):
    """A console user."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # collector | manager | admin
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]


class ApiToken(Base):
    """A bearer token of a console user for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class ConsoleSession(Base):
    """A signed-in console browser: the cookie holds a random token, this row its SHA-256.

    A copy of the database hands out no sessions. ``expires_at`` moves forward with use
    (the idle timeout); ``csrf_token`` is what every form of the session must send back.
    """

    __tablename__ = "console_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class EscalationNote(Base):
    """A collector's internal note on an escalation; never sent to the customer."""

    __tablename__ = "escalation_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class LinkCode(Base):
    """A single-use, expiring code that attaches a Telegram chat to an account (``/start CODE``).

    Only the code's SHA-256 is stored, as for passwords: the code itself is a credential.
    """

    __tablename__ = "link_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    #: the chat id that used it
    used_by: Mapped[str | None] = mapped_column(String(200))


class AuditEvent(Base):
    """Who changed what: the audit trail of state changes."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(16))  # bot | collector | system
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")


class PaymentRequest(Base):
    """A request to pay through a ``/pay/{token}`` link (SPEC §11).

    Only the token's SHA-256 is stored: the link is a credential to a payment page. The
    Checkout Session last created for it is kept with its amount, so opening the link
    again reuses it while the amount owed has not changed.
    """

    __tablename__ = "payment_requests"
    __table_args__ = (Index("ix_payment_requests_account_status", "account_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(16))  # balance | promise | installment | invoice
    #: the promise id, installment id or invoice number paid (blank for the balance)
    target: Mapped[str | None] = mapped_column(String(64))
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))  # open | paid | expired | cancelled
    expires_at: Mapped[datetime]
    session_id: Mapped[str | None] = mapped_column(String(255))
    session_amount: Mapped[Decimal | None]
    session_url: Mapped[str | None] = mapped_column(Text)
    session_expires_at: Mapped[datetime | None]
    #: the Stripe PaymentIntent that paid it
    payment_intent: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class StripeEvent(Base):
    """A Stripe webhook event already handled: each event id is handled once."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime]


class PaymentReversal(Base):
    """Money taken back from a Stripe payment: a refund or a card dispute (SPEC §11).

    ``source`` is the refund's charge or the dispute's id, unique so a reversal is counted
    once. A reversal that arrives before its payment is recorded waits (no
    ``reversal_payment_id``) and is applied when the payment is.
    """

    __tablename__ = "payment_reversals"
    __table_args__ = (Index("ix_payment_reversals_intent", "payment_intent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # refund | dispute
    payment_intent: Mapped[str] = mapped_column(String(255))
    amount: Mapped[Decimal]
    #: the negative ledger entry (a ``payments`` row) that reverses it, once applied
    reversal_payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    created_at: Mapped[datetime]
    applied_at: Mapped[datetime | None]


class CreditHold(Base):
    """A credit hold on an account (SPEC §12): from ``started_at`` until ``released_at``.

    At most one hold per account is open (no ``released_at``); ``reasons`` is the
    comma-separated list of its current reasons (``over_limit``, ``past_due``,
    ``plan_default``).
    """

    __tablename__ = "credit_holds"
    __table_args__ = (Index("ix_credit_holds_account_released", "account_id", "released_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    reasons: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime]
    released_at: Mapped[datetime | None]


class WriteOff(Base):
    """A proposed write-off of one invoice's open amount (SPEC §12).

    ``proposed`` until a manager other than the proposer approves it (a ``write_off``
    credit dated that day, ``credit_id``) or rejects it. ``proposed_by`` is None when the
    daily review proposed it.
    """

    __tablename__ = "write_offs"
    __table_args__ = (Index("ix_write_offs_invoice_status", "invoice_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    amount: Mapped[Decimal]
    status: Mapped[str] = mapped_column(String(16))  # proposed | approved | rejected
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    credit_id: Mapped[int | None] = mapped_column(ForeignKey("credits.id"))


class FeedEvent(Base):
    """One change of the integration feed (SPEC §15), written in the change's transaction.

    ``id`` is not a sequence: it is taken from :class:`FeedCounter` at commit, under its row
    lock, so ids increase in commit order (:mod:`bot.repositories.events`).
    """

    __tablename__ = "feed_events"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime]
    account_number: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[str] = mapped_column(Text, default="{}")


class FeedCounter(Base):
    """The one row holding the last feed event id given out."""

    __tablename__ = "feed_counter"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(Integer, default=0)


class IdempotentAnswer(Base):
    """The first answer to an ``Idempotency-Key`` of an integration caller, replayed after."""

    __tablename__ = "idempotent_answers"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotent_answers_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(100))
    route: Mapped[str] = mapped_column(String(64))
    body_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class WebhookCursor(Base):
    """How far the feed has been queued for one receiver URL."""

    __tablename__ = "webhook_cursors"

    url: Mapped[str] = mapped_column(String(1000), primary_key=True)
    last_event_id: Mapped[int] = mapped_column(Integer, default=0)


class WebhookDelivery(Base):
    """One feed event to one receiver: pending until a 2xx, failed after 24 hours."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_status_url", "status", "url", "account_key", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(1000))
    event_id: Mapped[int] = mapped_column(ForeignKey("feed_events.id"))
    account_key: Mapped[str] = mapped_column(String(64))  # the account number, "" for none
    status: Mapped[str] = mapped_column(String(16))  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    first_attempt_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
