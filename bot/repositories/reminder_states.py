"""What the reminder pass needs to know about accounts, read in batches (SPEC §6).

:func:`states` reads one page of accounts — those with something a reminder could be
about: an open invoice, a pending promise, an active plan or a recent notice — with keyset
pagination on the account id, and builds an :class:`~bot.policy.reminders.AccountState`
for each. A page costs the same nine queries whatever its size: the page itself (with
the contact preferences), then one query per kind of fact over the page's id range
``(after_id, last id]`` (:mod:`bot.repositories.reminder_facts`). Nothing is read per
account, and nothing here writes.

An invoice's open amount is computed in SQL, as its amount less the payments applied to
it and its credits (as the reports do), not read from the stored column.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, Select, literal, or_, select
from sqlalchemy.orm import Session

from bot.db.models import Account, ContactPreference, Invoice, PaymentPlan, Promise
from bot.policy.contact_windows import local_date
from bot.policy.reminders import AccountState, Notice, Reach
from bot.repositories.reminder_facts import NOTICE_WINDOW, Facts, open_amount, read_all

DEFAULT_CURRENCY = "USD"


def states(
    session: Session,
    *,
    after_id: int,
    limit: int,
    now: datetime,
    default_zone: ZoneInfo | None,
) -> list[AccountState]:
    """The reminder states of the next ``limit`` accounts after ``after_id`` that have
    something open, in account id order (the last one's id is the next ``after_id``).

    Args:
        session: a session in the caller's transaction.
        after_id: the last account id of the previous page (0 for the first).
        limit: the page size.
        now: the pass's instant; sends of the last 8 days and notices of the last 7
            are read relative to it.
        default_zone: the zone of customers without one (``ARBOT_DEFAULT_TIMEZONE``).
    """
    page = session.connection().execute(_page_query(after_id, limit, now)).all()
    if not page:
        return []
    span = (after_id, page[-1].id)
    facts = read_all(session, span, now)
    return [_state(row, facts, now, default_zone) for row in page]


def _page_query(after_id: int, limit: int, now: datetime) -> Select[Any]:
    """Accounts after ``after_id`` with something open, and their contact preferences.

    Each test is a correlated ``LIMIT 1`` subquery rather than ``EXISTS``: PostgreSQL may
    turn an ``EXISTS`` under ``OR`` into a hashed subplan over the whole table — every
    invoice's open amount, for every page — where this probes each account's rows.
    """
    cutoff = now - NOTICE_WINDOW
    tests = (
        _any(Invoice.account_id, open_amount() > 0),
        _any(Promise.account_id, Promise.status == "pending"),
        _any(PaymentPlan.account_id, PaymentPlan.status == "active"),
        _any(Promise.account_id, Promise.status == "broken", Promise.resolved_at >= cutoff),
        _any(
            PaymentPlan.account_id,
            PaymentPlan.status == "defaulted",
            PaymentPlan.resolved_at >= cutoff,
        ),
    )
    return (
        select(
            Account.id,
            Account.account_number,
            Account.name,
            Account.consumer,
            Account.timezone,
            Account.language,
            ContactPreference.sms_consent,
            ContactPreference.sms_opt_out,
            ContactPreference.telegram_opt_out,
            ContactPreference.cease,
        )
        .outerjoin(ContactPreference, ContactPreference.account_id == Account.id)
        .where(
            Account.id > after_id,
            or_(*tests),
        )
        .order_by(Account.id)
        .limit(limit)
    )


def _any(account_id: Any, *conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """Whether the account has a row of ``account_id``'s table meeting ``conditions``."""
    first = select(literal(1)).where(account_id == Account.id, *conditions).limit(1)
    return first.correlate(Account).scalar_subquery().is_not(None)


def _state(row: Any, facts: Facts, now: datetime, default_zone: ZoneInfo | None) -> AccountState:
    account_id: int = row.id
    zone = _zone(row.timezone, default_zone)
    standing, scheduled = facts.plans.get(account_id, (True, []))
    sends = facts.sends.get(account_id, [])
    today = local_date(now, zone) if sends else None
    escalations = facts.escalations.get(account_id, set())
    return AccountState(
        account_id=account_id,
        account_number=row.account_number,
        name=row.name,
        consumer=bool(row.consumer),
        currency=facts.currencies.get(account_id, DEFAULT_CURRENCY),
        zone=zone,
        invoices=tuple(facts.invoices.get(account_id, ())),
        promise=facts.promises.get(account_id),
        plan_active=account_id in facts.plans,
        plan_in_good_standing=account_id in facts.plans and standing,
        installments=tuple(scheduled),
        notices=tuple(sorted(facts.notices.get(account_id, ()), key=_notice_order)),
        reach=_reach(row, facts.contacts.get(account_id, {})),
        open_escalation=bool(escalations),
        recent_sends=tuple(sorted(at for at, *_ in sends)),
        sent_targets=frozenset(facts.targets.get(account_id, ())),
        sent_today=frozenset((kind, target) for _, kind, target, day in sends if day == today),
        escalation_reasons=frozenset(escalations),
        language=row.language or "en",
    )


def _reach(row: Any, contacts: Mapping[str, str]) -> Reach:
    return Reach(
        sms=contacts.get("sms"),
        telegram=contacts.get("telegram"),
        sms_consent=bool(row.sms_consent),
        sms_opt_out=bool(row.sms_opt_out),
        telegram_opt_out=bool(row.telegram_opt_out),
        cease=bool(row.cease),
    )


def _notice_order(notice: Notice) -> tuple[str, str]:
    return notice.kind, notice.target


def _zone(name: str | None, default: ZoneInfo | None) -> ZoneInfo | None:
    """The account's zone; the default when it has none or names no known zone."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return default
