"""Settling the language of a message's answer (SPEC §14), for the gateway.

The rules are :func:`bot.policy.languages.choose`; this module reads what is on file —
the sender's account (the one the conversation is linked to after verification, else the
one their phone or chat id is on file for) and the conversation's language so far — and
keeps the outcome: a switch the customer asked for goes on their accounts and the
conversation; a language worked out otherwise goes on the conversation, so a short reply
later ("sí") is answered in the same language.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.policy import languages as policy
from bot.repositories import languages as on_file
from bot.services.customers import contact_channel, sender_address


@dataclass(frozen=True)
class LanguageChoice:
    """The language to answer in, and whether the message asked to switch to it."""

    language: str
    switched: bool


def settle(
    session: Session,
    conversation_id: int,
    channel: str,
    address: str,
    text: str,
    *,
    hint: str | None = None,
) -> LanguageChoice:
    """The language to answer ``text`` in, kept on the conversation (and on the accounts
    when the customer asked for it).

    ``hint``: a language the message shows without being a sentence (a Spanish keyword:
    PARAR), used for a sender with no account when the message is too short to guess.

    Raises:
        InputError: naming the channel or address when either is not acceptable.
    """
    contact, sender = contact_channel(channel), sender_address(channel, address)
    with session.begin():
        current, linked = on_file.of_conversation(session, conversation_id)
        accounts = on_file.sender_accounts(session, contact, sender, linked)
        account = accounts[0][1] if accounts else None
        language, switched = policy.choose(text, account=account, conversation=hint or current)
        if switched:
            on_file.set_accounts(session, [account_id for account_id, _ in accounts], language)
        if language != current:
            on_file.set_conversation(session, conversation_id, language)
        return LanguageChoice(language, switched)


def of_conversation(session: Session, conversation_id: int | None) -> str:
    """The language a conversation is held in: its own, else its account's, else English
    (what the console shows next to it)."""
    if conversation_id is None:
        return policy.DEFAULT
    with session.begin():
        current, linked = on_file.of_conversation(session, conversation_id)
        if current is None and linked is not None:
            current = on_file.of_account(session, linked)
    return policy.normalise(current) or policy.DEFAULT
