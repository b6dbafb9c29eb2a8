"""Linking a Telegram chat to an account with a single-use code (SPEC §5, §7).

A collector (``arbot telegram link ACCOUNT``) issues a code and gives the customer the
deep link ``https://t.me/<bot>?start=CODE``; opening it sends ``/start CODE`` to the bot,
and :func:`redeem` makes that chat the account's Telegram contact — the same link a
successful verification in the chat makes (:mod:`bot.services.identity`).

A code is a credential: random (``secrets``, 128 bits), stored only as its SHA-256, valid
for :data:`CODE_TTL` and for one use. It is made of ``A-Z a-z 0-9 _ -`` and 22 characters
long, within what a deep link's ``start`` parameter may carry (64). Issuing and
redeeming are audited; error messages never repeat the code.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.db.models import Account
from bot.errors import InputError
from bot.repositories import audit, contacts, link_codes
from bot.services.customers import require_account

#: how long a code may be redeemed after it is issued
CODE_TTL = timedelta(hours=24)
#: random bytes in a code (22 characters once base64url-encoded)
CODE_BYTES = 16
#: the longest text worth hashing: a deep link's start parameter is at most 64 characters
MAX_CODE_CHARS = 64


@dataclass(frozen=True)
class IssuedCode:
    """A code to hand to the customer; it is not stored anywhere in this form."""

    code: str
    account_number: str
    expires_at: datetime

    def deep_link(self, bot_username: str) -> str:
        """The link that opens the bot and sends it ``/start CODE``."""
        return f"https://t.me/{bot_username}?start={self.code}"


@dataclass(frozen=True)
class LinkedChat:
    """The account a chat was linked to.

    Attributes:
        replaced: the account had another Telegram chat on file, which this one replaced.
    """

    account_number: str
    account_name: str
    consumer: bool
    replaced: bool


def digest(code: str) -> str:
    """The SHA-256 (hex) a code is stored under."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def issue_code(
    session: Session, account_number: str, now: datetime, ttl: timedelta = CODE_TTL
) -> IssuedCode:
    """A new single-use code that links a Telegram chat to the account until ``now + ttl``.

    Raises:
        NotFound: naming the account number.
        InputError: naming ``ttl`` when it is not positive.
    """
    if ttl <= timedelta(0):
        raise InputError(f"ttl: {ttl} is not a positive duration")
    code = secrets.token_urlsafe(CODE_BYTES)
    with session.begin():
        account = require_account(session, account_number)
        stored = link_codes.add(session, account.id, digest(code), now, now + ttl)
        audit.record(
            session,
            at=now,
            entity="account",
            entity_id=account.id,
            action="telegram_code_issued",
            detail={"link_code_id": stored.id, "expires_at": stored.expires_at},
            actor="system",
        )
        return IssuedCode(code, account.account_number, stored.expires_at)


def redeem(session: Session, code: str, chat_id: str, now: datetime) -> LinkedChat:
    """Links the chat to the code's account and uses the code up.

    Raises:
        InputError: naming ``code`` when it is unknown, used or expired, or ``chat_id``
            when it is blank.
    """
    chat_id = chat_id.strip()
    if not chat_id:
        raise InputError("chat_id: blank")
    code = code.strip()
    with session.begin():
        plausible = 0 < len(code) <= MAX_CODE_CHARS
        found = link_codes.by_hash(session, digest(code)) if plausible else None
        if found is None:
            raise InputError("code: unknown")
        if found.used_at is not None:
            raise InputError("code: already used")
        if found.expires_at <= now:
            raise InputError(f"code: expired at {found.expires_at:%Y-%m-%d %H:%M} UTC")
        if not link_codes.claim(session, found.id, chat_id, now):
            raise InputError("code: already used")  # a concurrent redemption won
        contact, replaced = contacts.link(session, found.account_id, "telegram", chat_id, now)
        audit.record(
            session,
            at=now,
            entity="contact",
            entity_id=contact.id,
            action="linked",
            detail={
                "account_id": found.account_id,
                "channel": "telegram",
                "link_code_id": found.id,
                "replaced": replaced is not None,
            },
        )
        account = session.get(Account, found.account_id)
        if account is None:  # the foreign key makes this impossible
            raise RuntimeError(f"link code {found.id} names no account")
        return LinkedChat(
            account.account_number, account.name, account.consumer, replaced is not None
        )
