"""What every conversation use case needs about the customer it serves.

These are building blocks that run inside the calling service's transaction; none opens
one. They answer three questions the same way everywhere:

* **Which contact does a sender use?** ``sms`` and ``telegram`` senders are their own
  channel; a ``web`` sender is a phone number, so it is matched against the SMS contact.
* **Which account is meant?** An unknown number raises :class:`~bot.errors.NotFound`.
* **What day is it for the customer?** ``now`` in the account's time zone; without one,
  in ``default_timezone`` (the ``ARBOT_DEFAULT_TIMEZONE`` setting); without that too, in
  US Eastern (``America/New_York``), the convention of
  :func:`bot.policy.contact_windows.local_date` for customers whose zone is unknown.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Account
from bot.errors import InputError, NotFound
from bot.policy.balances import BalanceSummary, OpenItem, summarize
from bot.policy.contact_windows import local_date
from bot.repositories import ledger

#: sender channel → the contact channel its address is stored under
CONTACT_CHANNELS = {"sms": "sms", "web": "sms", "telegram": "telegram"}


def contact_channel(channel: str) -> str:
    """The ``contacts.channel`` a sender on ``channel`` is found under.

    Raises:
        InputError: naming the channel when it is not sms, telegram or web.
    """
    found = CONTACT_CHANNELS.get(channel)
    if found is None:
        choices = ", ".join(CONTACT_CHANNELS)
        raise InputError(f"channel: {channel!r} is not one of {choices}")
    return found


def sender_address(channel: str, address: str) -> str:
    """The sender's address without surrounding blanks, after checking the channel.

    Raises:
        InputError: naming the channel or the address when either is not acceptable.
    """
    contact_channel(channel)
    cleaned = address.strip()
    if not cleaned:
        raise InputError(f"address: {address!r} is blank")
    return cleaned


def require_account(session: Session, account_number: str, *, lock: bool = False) -> Account:
    """The account with this number; ``lock`` holds its row until the transaction ends.

    Locking serialises use cases that keep "one per account" rules (one pending promise,
    one current plan) on PostgreSQL; SQLite serialises writers anyway.

    Raises:
        NotFound: naming the account number.
    """
    query = select(Account).where(Account.account_number == account_number)
    if lock:
        query = query.with_for_update()
    account = session.scalar(query)
    if account is None:
        raise NotFound(f"account {account_number!r} does not exist")
    return account


def customer_zone(timezone: str | None, default: ZoneInfo | str | None = None) -> ZoneInfo | None:
    """The customer's zone: theirs, else ``default``; None when neither is a known zone."""
    for name in (timezone, default):
        if isinstance(name, ZoneInfo):
            return name
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return None


def customer_today(
    account: Account, now: datetime, default_timezone: ZoneInfo | str | None = None
) -> date:
    """Today on the customer's calendar (see the module docstring for the zone used)."""
    return local_date(now, customer_zone(account.timezone, default_timezone))


def open_items(session: Session, account: Account) -> list[OpenItem]:
    """The account's open invoices, oldest due first, each marked if under dispute."""
    records = ledger.open_invoices(session, [account.id]).get(account.id, [])
    records.sort(key=lambda r: (r.due_date, r.invoice_number))
    return [OpenItem(r.invoice_number, r.due_date, r.open_amount, r.disputed) for r in records]


def live_summary(session: Session, account: Account, today: date) -> BalanceSummary:
    """The account's balance now, disputed invoices excluded from what may be asked."""
    return summarize(open_items(session, account), today)
