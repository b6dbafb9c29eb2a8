"""What a customer agrees to receive (SPEC §5 Opt-out): opt-out, opt-in and cease.

Preferences belong to accounts; a sender's request applies to every account that has the
sender's phone or chat id on file for that channel (a ``web`` sender is a phone, so its
SMS preferences). Opt-out and opt-in concern only the channel written on; cease stops
every channel and opens a ``cease`` escalation so a person reviews it. Every change is
audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.models import Account, ContactPreference
from bot.repositories import audit, contacts, conversations
from bot.repositories import escalations as queue
from bot.services.customers import contact_channel, require_account, sender_address
from bot.services.escalations import EscalationRecord

_OPT_OUT_FIELDS = {"sms": "sms_opt_out", "telegram": "telegram_opt_out"}


def opt_out(session: Session, channel: str, address: str, now: datetime) -> bool:
    """Stops automated messages to the sender on this channel.

    Returns:
        False when every account of the sender was already opted out here, else True
        (also for a sender with no account on file: there is nothing to send them).

    Raises:
        InputError: naming the channel or address when either is not acceptable.
    """
    return _set_opt_out(session, channel, address, now, opted_out=True)


def opt_in(session: Session, channel: str, address: str, now: datetime) -> bool:
    """Resubscribes the sender on this channel (START, UNSTOP, "text me again").

    Returns:
        False when no account of the sender was opted out here, else True.

    Raises:
        InputError: naming the channel or address when either is not acceptable.
    """
    return _set_opt_out(session, channel, address, now, opted_out=False)


def cease(
    session: Session,
    channel: str,
    address: str,
    now: datetime,
    account_number: str | None = None,
    dialogue_intents: Sequence[str] | None = None,
) -> EscalationRecord:
    """Stops all contact with the sender's accounts on every channel and escalates
    (``dialogue_intents``: a chat turn's, for the case's summary).

    The verified account (``account_number``) and every account with the sender on file
    are ceased. A sender with no account is still queued, under their address.

    Raises:
        InputError: naming the channel or address when either is not acceptable.
        NotFound: naming the account number.
    """
    address = sender_address(channel, address)
    with session.begin():
        accounts = list(contacts.accounts_for(session, contact_channel(channel), address))
        if account_number is not None:
            verified = require_account(session, account_number)
            accounts = [verified, *(a for a in accounts if a.id != verified.id)]
        for account in accounts:
            preference = contacts.preferences(session, account.id, now)
            if not preference.cease:
                preference.cease = True
                preference.updated_at = now
                _audit(session, account, "cease", now, channel)
        conversation = conversations.current(session, channel, address)
        first = accounts[0] if accounts else None
        escalation, created = queue.open_or_reuse(
            session,
            "cease",
            account_id=None if first is None else first.id,
            channel=channel,
            address=address,
            conversation=conversation,
            note="the customer asked us to stop contacting them",
            now=now,
            dialogue_intents=dialogue_intents,
        )
        return EscalationRecord(escalation.id, escalation.reason, escalation.status, created)


def _set_opt_out(
    session: Session, channel: str, address: str, now: datetime, *, opted_out: bool
) -> bool:
    kind = contact_channel(channel)
    address = sender_address(channel, address)
    field = _OPT_OUT_FIELDS[kind]
    with session.begin():
        accounts = contacts.accounts_for(session, kind, address)
        changed = _apply(session, accounts, field, opted_out, now, channel)
    return changed > 0 or (opted_out and not accounts)


def _apply(
    session: Session,
    accounts: Sequence[Account],
    field: str,
    value: bool,
    now: datetime,
    channel: str,
) -> int:
    changed = 0
    for account in accounts:
        preference: ContactPreference = contacts.preferences(session, account.id, now)
        if getattr(preference, field) == value:
            continue
        setattr(preference, field, value)
        preference.updated_at = now
        _audit(session, account, "opt_out" if value else "opt_in", now, channel)
        changed += 1
    return changed


def _audit(session: Session, account: Account, action: str, now: datetime, channel: str) -> None:
    audit.record(
        session,
        at=now,
        entity="contact_preference",
        entity_id=account.id,
        action=action,
        detail={"channel": channel},
    )
