"""Credit holds: reconciled in the transaction that changed their cause, and listed."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.policy.credit import HOLD_DAYS_PAST_DUE, amount_to_limit, past_due_before
from bot.policy.money import format_money
from bot.repositories import audit
from bot.repositories import credit_holds as repo
from bot.repositories import events as feed
from bot.repositories import hold_changes as changes_repo


@dataclass(frozen=True)
class HoldChanges:
    """What one reconciliation did: account numbers started, changed and released."""

    started: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    released: tuple[str, ...] = ()


def reconcile_holds(
    session: Session,
    account_ids: Collection[int] | None,
    now: datetime,
    actor: str = "system",
    why: str = "",
    *,
    days_limit: int = HOLD_DAYS_PAST_DUE,
    zone: ZoneInfo | None = None,
) -> HoldChanges:
    """Starts, updates and releases the holds of these accounts (None: all) as of ``now``.

    Runs in the caller's transaction (it never commits), so a hold starts or ends with
    the change that caused it. Each start, change of reasons and release is audited with
    its reasons, ``actor`` and ``why`` (the cause: ``import invoices``, ``payment`` …).
    The reasons are decided in SQL and written set-based, so a whole portfolio takes a
    few statements.
    """
    today = now.astimezone(zone or timezone.utc).date()
    stamp = changes_repo.StartStamp(now, actor, why)
    found = changes_repo.hold_changes(
        session, account_ids, past_due_before(today, days_limit), stamp
    )
    return record_hold_changes(session, found, now, actor, why)


def record_hold_changes(
    session: Session,
    found: Sequence[changes_repo.HoldChange],
    now: datetime,
    actor: str,
    why: str,
) -> HoldChanges:
    """Writes the holds' starts, changes and releases and their audit events.

    The one place every start, change and release passes, whether the statement that found
    a start wrote it already (``written``, PostgreSQL) or not: whatever else must follow
    a start or a release (a notice, a change feed) belongs here.
    """
    changes_repo.write_hold_changes(session, found, now)
    events = [_event(change, why) for change in found if not change.written]
    audit.record_many(session, at=now, entity="account", events=events, actor=actor)
    for number, action, detail in (_event(c, why) for c in found if c.written):
        # audited by the statement that found it; the change feed carries it too
        feed.note_audited(
            session, at=now, entity="account", entity_id=number, action=action, detail=detail
        )
    return HoldChanges(
        started=tuple(c.account_number for c in found if c.hold_id is None),
        changed=tuple(c.account_number for c in found if c.hold_id is not None and c.reasons),
        released=tuple(c.account_number for c in found if c.hold_id is not None and not c.reasons),
    )


def _event(change: changes_repo.HoldChange, why: str) -> tuple[str, str, dict[str, Any]]:
    """The audit event of one change: (account number, action, detail)."""
    detail: dict[str, Any] = {
        "reasons": change.reasons.split(",") if change.reasons else [],
        "why": why,
        "open_balance": change.open_balance,
        "credit_limit": change.credit_limit,
    }
    if change.hold_id is None:
        return change.account_number, changes_repo.STARTED, detail
    if change.reasons:
        detail["previous"] = change.hold_reasons.split(",")
        return change.account_number, "credit_hold_changed", detail
    detail["reasons"] = change.hold_reasons.split(",")
    return change.account_number, "credit_hold_released", detail


def holds(session: Session) -> list[repo.HeldAccount]:
    """The accounts on hold now, longest held first."""
    with session.begin():
        return repo.held_accounts(session)


def hold_json(held: repo.HeldAccount) -> dict[str, Any]:
    """One hold as ``arbot holds --json`` and ``GET /api/holds`` show it."""
    return {
        "account_number": held.account_number,
        "reasons": list(held.reasons),
        "since": held.since.isoformat(),
        "open_balance": format_money(held.open_balance),
        "credit_limit": None if held.credit_limit is None else format_money(held.credit_limit),
    }


@dataclass(frozen=True)
class HoldNotice:
    """What a customer on hold is told releases it."""

    reasons: tuple[str, ...]
    to_limit: Decimal


def hold_notice(session: Session, account_id: int) -> HoldNotice | None:
    """The account's hold and what a payment must be to end ``over_limit`` (None: no hold)."""
    hold = repo.account_hold(session, account_id)
    if hold is None:
        return None
    found = repo.facts(session, [account_id])
    facts = found[0].facts if found else None
    to_limit = (
        amount_to_limit(facts.open_balance, facts.credit_limit)
        if facts is not None
        else Decimal("0.00")
    )
    return HoldNotice(tuple(r for r in hold.reasons.split(",") if r), to_limit)
