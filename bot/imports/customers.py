"""customers.csv: upserts accounts, their contacts and their contact preferences.

A phone, Telegram chat id or e-mail cell sets the account's contact on that channel; a blank
cell removes it, and a new address is unverified until the customer verifies again. Consent
to SMS is taken from the file only when it has an ``sms_consent`` column. Opt-outs and cease
requests are the customer's, never the ERP's: an import does not touch them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db.models import Account, Contact, ContactPreference
from bot.imports.columns import CUSTOMERS
from bot.imports.context import Counts, ImportContext, batches, parse_records
from bot.imports.reading import Record
from bot.imports.rows import CustomerRow, RowError, parse_customer
from bot.repositories import ledger

ACCOUNT_FIELDS = ("name", "postal_code", "timezone", "language", "consumer", "credit_limit")
#: contact columns of the file and the channel each one sets
CHANNELS = {"phone": "sms", "telegram_chat_id": "telegram", "email": "email"}


@dataclass
class CustomerPlan:
    """New accounts, and the changes to existing accounts, their contacts and preferences."""

    columns: frozenset[str]
    new: list[CustomerRow] = field(default_factory=list)
    account_updates: list[dict[str, Any]] = field(default_factory=list)
    contact_inserts: list[dict[str, Any]] = field(default_factory=list)
    contact_updates: list[dict[str, Any]] = field(default_factory=list)
    contact_deletes: list[int] = field(default_factory=list)
    preference_inserts: list[dict[str, Any]] = field(default_factory=list)
    preference_updates: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    def write(self, session: Session, context: ImportContext) -> Counts:
        """Inserts the new accounts batch by batch, then applies the changes."""
        now = context.now
        for part in batches(self.new):
            ids = ledger.insert_returning_ids(
                session, Account, "account_number", [_new_account(row, now) for row in part]
            )
            for row in part:
                account_id = ids[row.account_number]
                self.contact_inserts += _new_contacts(account_id, row, self.columns)
                self.preference_inserts.append(_new_preference(account_id, row, now))
            context.progress(len(part))
        ledger.update_rows(session, Account, self.account_updates)
        ledger.delete_by_id(session, Contact, self.contact_deletes)
        ledger.update_rows(session, Contact, self.contact_updates)
        ledger.insert_rows(session, Contact, self.contact_inserts)
        ledger.insert_rows(session, ContactPreference, self.preference_inserts)
        ledger.update_rows(session, ContactPreference, self.preference_updates, key="account_id")
        context.progress(len(self.account_updates) + self.unchanged)
        return Counts(len(self.new), len(self.account_updates), self.unchanged)


def plan(
    session: Session,
    records: Sequence[Record],
    context: ImportContext,
    default_timezone: ZoneInfo | None = None,
) -> CustomerPlan:
    """Decides what importing ``records`` changes; customers need nothing else to exist."""
    parse = partial(parse_customer, default_timezone=default_timezone)
    rows, errors = parse_records(records, parse, CUSTOMERS.key)
    stored = ledger.accounts(session, {row.account_number for row in rows})
    ids = [account.id for account in stored.values()]
    contacts = ledger.contacts(session, ids)
    consents = ledger.sms_consents(session, ids)
    result = CustomerPlan(context.columns, errors=errors)
    for row in rows:
        account = stored.get(row.account_number)
        if account is None:
            result.new.append(row)
        elif not _plan_changes(result, row, account, contacts, consents, context.now):
            result.unchanged += 1
    return result


def _plan_changes(
    result: CustomerPlan,
    row: CustomerRow,
    account: ledger.StoredAccount,
    contacts: Mapping[tuple[int, str], ledger.StoredContact],
    consents: Mapping[int, bool],
    now: datetime,
) -> bool:
    """Adds the changes ``row`` makes to a stored account to ``result``; True if any.

    Any change, to the account or to its contacts or preferences, stamps its ``updated_at``.
    """
    columns = result.columns
    fields = {f: getattr(row, f) for f in ACCOUNT_FIELDS if f in columns}
    changed = {f: value for f, value in fields.items() if getattr(account, f) != value}
    touched = _plan_contacts(result, row, account.id, contacts)
    consent = consents.get(account.id)
    if consent is None:
        result.preference_inserts.append(_new_preference(account.id, row, now))
        touched = True
    elif "sms_consent" in columns and consent != row.sms_consent:
        result.preference_updates.append(
            {"account_id": account.id, "sms_consent": row.sms_consent, "updated_at": now}
        )
        touched = True
    if changed or touched:
        result.account_updates.append({"id": account.id, "updated_at": now} | changed)
    return bool(changed or touched)


def _plan_contacts(
    result: CustomerPlan,
    row: CustomerRow,
    account_id: int,
    contacts: Mapping[tuple[int, str], ledger.StoredContact],
) -> bool:
    """Adds the contact inserts, updates and deletes ``row`` makes; True if any."""
    touched = False
    for column, channel in CHANNELS.items():
        if column not in result.columns:
            continue
        address, stored = getattr(row, column), contacts.get((account_id, channel))
        if stored is None and address is not None:
            result.contact_inserts.append(_contact(account_id, channel, address))
        elif stored is not None and address is None:
            result.contact_deletes.append(stored.id)
        elif stored is not None and stored.address != address:
            result.contact_updates.append(
                {"id": stored.id, "address": address, "verified_at": None}
            )
        else:
            continue
        touched = True
    return touched


def _new_account(row: CustomerRow, now: datetime) -> dict[str, Any]:
    return {f: getattr(row, f) for f in ACCOUNT_FIELDS} | {
        "account_number": row.account_number,
        "created_at": now,
        "updated_at": now,
    }


def _contact(account_id: int, channel: str, address: str) -> dict[str, Any]:
    return {"account_id": account_id, "channel": channel, "address": address, "verified_at": None}


def _new_contacts(
    account_id: int, row: CustomerRow, columns: frozenset[str]
) -> list[dict[str, Any]]:
    return [
        _contact(account_id, channel, getattr(row, column))
        for column, channel in CHANNELS.items()
        if column in columns and getattr(row, column) is not None
    ]


def _new_preference(account_id: int, row: CustomerRow, now: datetime) -> dict[str, Any]:
    """Preferences of an account that has none: consent as the file says (default no)."""
    return {
        "account_id": account_id,
        "sms_consent": row.sms_consent,
        "sms_opt_out": False,
        "telegram_opt_out": False,
        "cease": False,
        "updated_at": now,
    }
