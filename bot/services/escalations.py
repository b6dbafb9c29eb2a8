"""Handing a case to people (SPEC §5 Human): the escalations the bot and the rules open.

An escalation follows the customer into the conversation they are in now, so the collector
who claims it owns that conversation: while they do, the gateway keeps the bot silent
(:func:`owner_of`). The same case is never queued twice — an unresolved escalation of the
same account (or account-less sender) and reason is reused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.models import Account, Escalation
from bot.errors import InputError, NotFound
from bot.repositories import conversations
from bot.repositories import escalations as queue
from bot.services.customers import require_account, sender_address

REASONS = frozenset(
    {
        "customer_request",
        "fallback",
        "cease",
        "verification_failed",
        "plan_approval",
        "broken_promises",
        "plan_default",
        "dispute",
        "hardship",
        "payment_reversed",
    }
)


@dataclass(frozen=True)
class EscalationRecord:
    """An escalation in the queue; ``created`` is False when an open one was reused."""

    id: int
    reason: str
    status: str
    created: bool = True


def escalate(
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
) -> EscalationRecord:
    """Queues the sender's case for a collector, with the account when it is verified.

    ``dialogue_intents``: the dialogue engine's intents of the conversation when a chat
    turn opens the case, for its handoff summary (SPEC §13).

    Raises:
        InputError: naming the reason, channel or address when one is not acceptable.
        NotFound: naming the account number or the conversation.
    """
    _check_reason(reason)
    address = sender_address(channel, address)
    with session.begin():
        account = None if account_number is None else require_account(session, account_number)
        if conversation_id is None:
            conversation = conversations.current(session, channel, address)
        else:
            conversation = conversations.get(session, conversation_id)
            if conversation is None:
                raise NotFound(f"conversation {conversation_id} does not exist")
        escalation, created = queue.open_or_reuse(
            session,
            reason,
            account_id=None if account is None else account.id,
            channel=channel,
            address=address,
            conversation=conversation,
            note=note,
            now=now,
            dialogue_intents=dialogue_intents,
        )
        return _record(escalation, created)


def escalate_account(
    session: Session,
    account: Account,
    reason: str,
    now: datetime,
    note: str = "",
    dialogue_intents: Sequence[str] | None = None,
) -> EscalationRecord:
    """Queues an account's case inside the caller's transaction (rules, not a request).

    The case is attached to the account's latest open conversation, if any, so the
    collector can answer the customer there.
    """
    _check_reason(reason)
    conversation = conversations.latest_of_account(session, account.id)
    escalation, created = queue.open_or_reuse(
        session,
        reason,
        account_id=account.id,
        channel=None if conversation is None else conversation.channel,
        address=None if conversation is None else conversation.sender,
        conversation=conversation,
        note=note,
        now=now,
        dialogue_intents=dialogue_intents,
    )
    return _record(escalation, created)


def owner_of(session: Session, channel: str, address: str) -> int | None:
    """The collector (user id) who has claimed the sender's current conversation, if any."""
    address = sender_address(channel, address)
    with session.begin():
        conversation = conversations.current(session, channel, address)
        if conversation is None:
            return None
        claimed = queue.claimed_on(session, conversation.id)
        return None if claimed is None else claimed.assigned_to


def _check_reason(reason: str) -> None:
    if reason not in REASONS:
        raise InputError(f"reason: {reason!r} is not one of {', '.join(sorted(REASONS))}")


def _record(escalation: Escalation, created: bool) -> EscalationRecord:
    return EscalationRecord(escalation.id, escalation.reason, escalation.status, created)
