"""The languages on file (SPEC §14): an account's ``language`` and a conversation's."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.models import Account, Contact, Conversation


def of_conversation(session: Session, conversation_id: int) -> tuple[str | None, int | None]:
    """The conversation's language (None: none yet) and the account it is linked to."""
    row = session.execute(
        select(Conversation.language, Conversation.account_id).where(
            Conversation.id == conversation_id
        )
    ).one_or_none()
    return (None, None) if row is None else (row.language, row.account_id)


def sender_accounts(
    session: Session, channel: str, address: str, linked: int | None
) -> list[tuple[int, str]]:
    """``(id, language)`` of the accounts the sender is: the one the conversation is
    linked to, else those with ``address`` on file as their ``channel`` contact (oldest
    first)."""
    query = select(Account.id, Account.language).order_by(Account.id)
    if linked is not None:
        query = query.where(Account.id == linked)
    else:
        query = query.join(Contact, Contact.account_id == Account.id).where(
            Contact.channel == channel, Contact.address == address
        )
    return [(row.id, row.language) for row in session.execute(query)]


def of_account(session: Session, account_id: int) -> str | None:
    """The account's language (None when there is no such account)."""
    return session.scalar(select(Account.language).where(Account.id == account_id))


def set_conversation(session: Session, conversation_id: int, language: str) -> None:
    """Holds the conversation in ``language`` from now on."""
    session.execute(
        update(Conversation).where(Conversation.id == conversation_id).values(language=language)
    )


def set_accounts(session: Session, account_ids: Collection[int], language: str) -> None:
    """Writes to these accounts in ``language`` from now on (the customer asked)."""
    if account_ids:
        session.execute(
            update(Account).where(Account.id.in_(account_ids)).values(language=language)
        )
