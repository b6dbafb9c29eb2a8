"""Contacts: which accounts a phone number or chat id belongs to."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Account, Contact, ContactPreference
from bot.repositories.ledger import array_member, member_of, one_array


def accounts_for(session: Session, channel: str, address: str) -> Sequence[Account]:
    """The accounts with ``address`` on file as their ``channel`` contact, oldest first."""
    query = (
        select(Account)
        .join(Contact, Contact.account_id == Account.id)
        .where(Contact.channel == channel, Contact.address == address)
        .order_by(Account.id)
    )
    return session.scalars(query).all()


def of_account(session: Session, account_id: int, channel: str) -> Contact | None:
    """The account's contact on ``channel`` (at most one per channel)."""
    query = select(Contact).where(Contact.account_id == account_id, Contact.channel == channel)
    return session.scalar(query)


def link(
    session: Session, account_id: int, channel: str, address: str, verified_at: datetime
) -> tuple[Contact, str | None]:
    """Makes ``address`` the account's ``channel`` contact, verified at ``verified_at``.

    Returns:
        The contact and the address it replaced (None when it is new or unchanged).
    """
    contact = of_account(session, account_id, channel)
    if contact is None:
        contact = Contact(account_id=account_id, channel=channel, address=address)
        session.add(contact)
        previous = None
    else:
        previous = contact.address if contact.address != address else None
        contact.address = address
    contact.verified_at = verified_at
    session.flush()
    return contact, previous


def preferences(session: Session, account_id: int, now: datetime) -> ContactPreference:
    """The account's consent and opt-out row, created with the defaults when missing."""
    found = session.get(ContactPreference, account_id)
    if found is None:
        found = ContactPreference(
            account_id=account_id,
            sms_consent=False,
            sms_opt_out=False,
            telegram_opt_out=False,
            cease=False,
            updated_at=now,
        )
        session.add(found)
    return found


@dataclass(frozen=True)
class SenderAccount:
    id: int
    consumer: bool


def sender_accounts(session: Session, channel: str, address: str) -> list[SenderAccount]:
    """The ids (and consumer flags) of the accounts with ``address`` on file, oldest first.

    :func:`accounts_for` without loading the accounts: this runs for every message.
    """
    query = (
        select(Account.id, Account.consumer)
        .join(Contact, Contact.account_id == Account.id)
        .where(Contact.channel == channel, Contact.address == address)
        .order_by(Account.id)
    )
    return [SenderAccount(row.id, bool(row.consumer)) for row in session.execute(query)]


@dataclass(frozen=True)
class OnFile:
    """An account with an address on file, and what it asked about being contacted
    (all False when it has no preferences row)."""

    account_id: int
    cease: bool
    sms_opt_out: bool
    telegram_opt_out: bool


def on_file(
    session: Session, contacts: Collection[tuple[str, str]]
) -> dict[tuple[str, str], list[OnFile]]:
    """The accounts with each ``(channel, address)`` on file, oldest first, with their
    preferences: :func:`sender_accounts` and the hold check for a group of messages."""
    wanted = set(contacts)
    channels = sorted({channel for channel, _ in wanted})
    addresses = {a for _, a in wanted}
    found: dict[tuple[str, str], list[OnFile]] = {pair: [] for pair in wanted}
    if one_array(session, addresses):
        values = {"addresses": sorted(addresses), "channels": channels}
        results = [session.execute(_on_file_of_arrays(), values)]
    else:
        results = [
            session.execute(_on_file(condition, Contact.channel.in_(channels)))
            for condition in member_of(session, Contact.address, addresses)
        ]
    for row in (row for result in results for row in result):
        pair = (row.channel, row.address)
        if pair in wanted:
            found[pair].append(
                OnFile(
                    row.account_id, bool(row.cease), bool(row.sms_opt_out),
                    bool(row.telegram_opt_out),
                )
            )  # fmt: skip
    return found


def _on_file(addressed: Any, channeled: Any) -> Any:
    return (
        select(
            Contact.channel,
            Contact.address,
            Contact.account_id,
            ContactPreference.cease,
            ContactPreference.sms_opt_out,
            ContactPreference.telegram_opt_out,
        )
        .outerjoin(ContactPreference, ContactPreference.account_id == Contact.account_id)
        .where(addressed, channeled)
        .order_by(Contact.account_id)
    )


@cache
def _on_file_of_arrays() -> Any:
    """:func:`on_file`'s statement with ``addresses`` and ``channels`` bound as arrays,
    built once per process (every automated message asks it)."""
    return _on_file(
        array_member(Contact.address, "addresses"), array_member(Contact.channel, "channels")
    )
