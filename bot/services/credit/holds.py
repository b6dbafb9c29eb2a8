"""Credit holds: reconciled in the transaction that changed their cause, and listed."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db.models import CreditHold
from bot.policy.credit import HOLD_DAYS_PAST_DUE, amount_to_limit, hold_reasons
from bot.policy.money import format_money
from bot.repositories import audit
from bot.repositories import credit_holds as repo


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
    """
    today = now.astimezone(zone or timezone.utc).date()
    started: list[str] = []
    changed: list[str] = []
    released: list[str] = []
    for found in repo.facts(session, account_ids):
        reasons = hold_reasons(found.facts, today, days_limit)
        if found.hold_reasons == ",".join(reasons):
            continue  # no hold and no reason, or the same reasons as the open hold's
        hold = None if found.hold_id is None else session.get(CreditHold, found.hold_id)
        detail: dict[str, Any] = {
            "reasons": list(reasons),
            "why": why,
            "open_balance": found.facts.open_balance,
            "credit_limit": found.facts.credit_limit,
        }
        if reasons and hold is None:
            session.add(
                CreditHold(account_id=found.account_id, reasons=",".join(reasons), started_at=now)
            )
            action, into = "credit_hold_started", started
        elif reasons and hold is not None and hold.reasons != ",".join(reasons):
            detail["previous"] = hold.reasons.split(",")
            hold.reasons = ",".join(reasons)
            action, into = "credit_hold_changed", changed
        elif not reasons and hold is not None:
            detail["reasons"] = hold.reasons.split(",")
            hold.released_at = now
            action, into = "credit_hold_released", released
        else:
            continue
        audit.record(
            session,
            at=now,
            entity="account",
            entity_id=found.account_number,
            action=action,
            detail=detail,
            actor=actor,
        )
        into.append(found.account_number)
    session.flush()
    return HoldChanges(tuple(started), tuple(changed), tuple(released))


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
