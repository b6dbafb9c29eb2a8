"""What a reminder pass would do (SPEC §6): one decision per account, worded.

Accounts are read a page at a time (:mod:`bot.repositories.reminder_states`), each page
in its own short transaction; :func:`bot.policy.reminders.decide` makes at most one
decision per account and :func:`bot.policy.reminder_text.render` words it.
:func:`plan` only lists the decisions (``arbot reminders plan``);
:func:`bot.services.reminders.run_pass` acts on them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.policy.payments import reminder_link
from bot.policy.reminder_text import render
from bot.policy.reminders import AccountState, Decision, decide
from bot.repositories import reminder_states
from bot.settings import Settings

#: accounts read per transaction
BATCH = 1000


@dataclass(frozen=True)
class PlannedMessage:
    """One decision of a pass, worded, with the address it would go to.

    Attributes:
        decision: what the policy decided for the account.
        text: the message as it would be sent (also for a held one).
        address: the phone number or chat id of the decision's channel (None without one).
    """

    decision: Decision
    text: str
    address: str | None

    def to_json(self) -> dict[str, Any]:
        """The ``reminders plan --json`` item (SPEC §3)."""
        d = self.decision
        return {
            "account_number": d.account_number,
            "channel": d.channel,
            "kind": d.kind,
            "send_at": d.send_at.isoformat(),
            "held": d.held,
            "reason": d.reason,
            "text": self.text,
        }


@dataclass(frozen=True)
class Page:
    """One page of accounts and the decisions about them.

    Attributes:
        span: the page's account id range ``(after_id, last id]``.
        accounts: how many accounts the page held.
        planned: the decisions, in account order (accounts with nothing due have none).
    """

    span: tuple[int, int]
    accounts: int
    planned: list[PlannedMessage]


def plan(
    sessions: sessionmaker[Session], now: datetime, settings: Settings, *, batch: int = BATCH
) -> Iterator[PlannedMessage]:
    """Every decision a pass at ``now`` would make, sends and holds, in account order.

    Read-only: a dry run of :func:`bot.services.reminders.run_pass`. Pages are read
    lazily, one transaction each, so memory stays that of one page.
    """
    after_id = 0
    while (page := read_page(sessions, after_id, batch, now, settings)) is not None:
        yield from page.planned
        after_id = page.span[1]


def read_page(
    sessions: sessionmaker[Session],
    after_id: int,
    limit: int,
    now: datetime,
    settings: Settings,
) -> Page | None:
    """The decisions about the next ``limit`` accounts after ``after_id``; None at the end."""
    with sessions() as session, session.begin():
        states = reminder_states.states(
            session,
            after_id=after_id,
            limit=limit,
            now=now,
            default_zone=settings.default_timezone,
        )
    if not states:
        return None
    planned = [p for state in states if (p := planned_message(state, now, settings)) is not None]
    return Page((after_id, states[-1].account_id), len(states), planned)


def planned_message(
    state: AccountState, now: datetime, settings: Settings
) -> PlannedMessage | None:
    """The account's decision at ``now``, worded; None when nothing is due."""
    decision = decide(state, now, settings.policy)
    if decision is None:
        return None
    link = reminder_link(
        settings.payment_provider, settings.public_url, settings.payment_link, decision.kind
    )
    text = render(decision, state, company=settings.company_name, payment_link=link)
    return PlannedMessage(decision, text, address_for(state, decision.channel))


def address_for(state: AccountState, channel: str | None) -> str | None:
    """The account's address on ``channel``: its phone for SMS, its chat id for Telegram."""
    if channel == "sms":
        return state.reach.sms
    if channel == "telegram":
        return state.reach.telegram
    return None
