"""The collectors' queue and the conversation view of the console (issue 6).

The queue lists active escalations by priority — the account's past-due amount, then how
late its oldest past-due invoice is, then the age of the case — read with one query
(:mod:`bot.repositories.console_queue`). The conversation view puts together what a
collector needs to answer: the case and its transcript (:mod:`bot.services.handoff`), the
account panel ``arbot show`` prints (:func:`bot.services.accounts.account_overview`) and
the internal notes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db.models import Account, User
from bot.errors import InputError
from bot.policy.contact_windows import local_date
from bot.policy.money import format_money
from bot.repositories import console_queue as repo
from bot.services import handoff
from bot.services.accounts import AccountOverview, account_overview
from bot.services.customers import customer_today
from bot.services.escalation_notes import Note, notes_of
from bot.services.handoff import Case, Line

VIEWS = repo.VIEWS


@dataclass(frozen=True)
class QueueItem:
    """One escalation as the queue shows it."""

    id: int
    reason: str
    status: str
    assigned_to: int | None
    collector_email: str | None
    account_number: str | None
    account_name: str | None
    past_due: Decimal
    days_late: int | None
    channel: str | None
    created_at: datetime
    last_customer_message_at: datetime | None
    #: a case not linked to an account: the account number the sender named, if any
    named_account: str | None = None
    #: the handoff summary in one line (SPEC §13); None for a case opened before 0011
    summary_line: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The item for ``/console/queue.json``: money as a two-place string, ISO times."""

        def iso(value: datetime | None) -> str | None:
            return None if value is None else value.isoformat()

        return {
            "id": self.id,
            "reason": self.reason,
            "status": self.status,
            "assigned_to": self.assigned_to,
            "collector_email": self.collector_email,
            "account_number": self.account_number,
            "account_name": self.account_name,
            "past_due": format_money(self.past_due),
            "days_late": self.days_late,
            "channel": self.channel,
            "created_at": iso(self.created_at),
            "last_customer_message_at": iso(self.last_customer_message_at),
            "named_account": self.named_account,
            "summary_line": self.summary_line,
        }


def queue(
    session: Session,
    *,
    view: str,
    user_id: int,
    now: datetime,
    default_timezone: ZoneInfo | None = None,
) -> list[QueueItem]:
    """The active escalations in ``view`` (``mine``, ``unclaimed`` or ``all``), by priority.

    Days late count on the company's calendar (``default_timezone``; see
    :func:`bot.policy.contact_windows.local_date` when it is unset), one date for the list.

    Raises:
        InputError: naming ``view`` when it is not one of :data:`VIEWS`.
    """
    if view not in VIEWS:
        raise InputError(f"view: {view!r} is not one of {', '.join(VIEWS)}")
    today = local_date(now, default_timezone)
    with session.begin():
        records = repo.queue(session, view=view, user_id=user_id, today=today)
    return [_item(record, today) for record in records]


def _item(record: repo.QueueRecord, today: date) -> QueueItem:
    oldest = record.oldest_past_due
    return QueueItem(
        record.id,
        record.reason,
        record.status,
        record.assigned_to,
        record.collector_email,
        record.account_number,
        record.account_name,
        record.past_due,
        None if oldest is None else (today - oldest).days,
        record.channel,
        record.created_at,
        record.last_customer_message_at,
        record.named_account,
        None if record.summary is None else json.loads(record.summary).get("line"),
    )


@dataclass(frozen=True)
class ConversationView:
    """An escalation with its transcript, its account panel, its notes and its owner."""

    case: Case
    lines: tuple[Line, ...]
    account: AccountOverview | None
    notes: tuple[Note, ...]
    owner_email: str | None


def conversation(
    session: Session, escalation_id: int, now: datetime, default_timezone: ZoneInfo | None = None
) -> ConversationView:
    """Everything the conversation view shows about one escalation.

    The account panel is the account on the customer's calendar (None when the case has
    no account: a sender who never verified).

    Raises:
        NotFound: naming the escalation id.
    """
    case, lines = handoff.case(session, escalation_id)
    with session.begin():
        owner = None if case.assigned_to is None else session.get(User, case.assigned_to)
        account = None if case.account_id is None else session.get(Account, case.account_id)
        number = None if account is None else account.account_number
        today = None if account is None else customer_today(account, now, default_timezone)
    overview = None
    if number is not None and today is not None:
        overview = account_overview(session, number, today)
    return ConversationView(
        case,
        tuple(lines),
        overview,
        tuple(notes_of(session, escalation_id)),
        None if owner is None else owner.email,
    )
