"""Acting on a page of reminder decisions: log the holds, claim and make the sends.

Each function here is one short transaction, run in a worker thread by
:func:`bot.services.reminders.run_pass`; none is open while a message is being sent.

A send goes through three steps, and a pass can stop between any two of them:

1. **claim** — its :class:`~bot.db.models.ContactAttempt` is inserted ``sending`` under
   the decision's key and committed. A key that exists belongs to an earlier or a
   concurrent pass: this pass skips it, so nothing is sent twice;
2. **deliver** — :func:`bot.services.delivery.deliver` records the message under the
   same key, then hands it to the channel's sender (it too refuses a key it has seen);
3. **finish** — the attempt takes the message's id, provider id and status.

An attempt left ``sending`` (the pass stopped after 1 or 2) counts as sent — for the
frequency caps and as its step — until a later pass, :data:`STALE_AFTER` after the claim,
settles it (:func:`recover`): if the transcript holds a message under its key, that
message may have gone out, so the attempt takes its outcome (``sent``, or ``failed`` when
the provider refused it) and is never sent again; if not, nothing left, so the attempt
becomes ``abandoned`` and frees its key, and the pass after that decides the step afresh
(within the contact window and the caps, as any other). A slow pass that is still
sending when another settles its claim cannot send twice either: the transcript's key
lets one delivery through.

A send the provider refused stays ``failed`` under its key, so the day's later passes
skip it (the sender has already retried what could be retried); a failed step is not
"sent", so it is owed again the next day. A send the delivery itself held (an opt-out or
cease that arrived during the pass) is logged ``held`` with that reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.errors import InputError
from bot.repositories import reminder_attempts as attempts
from bot.repositories.reminder_facts import RECENT_SENDS
from bot.services.delivery import Delivered, Parcel, Postman, deliver_many
from bot.services.reminder_plan import PlannedMessage
from integrations.rasa import BotMessage

#: a claim older than this whose pass has not finished it is settled by a later pass
STALE_AFTER = timedelta(minutes=10)
#: ``reason`` column width
REASON_WIDTH = 32


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed send."""

    attempt_id: int
    delivered: Delivered


def held_key(key: str, reason: str) -> str:
    """The log key of a held decision: once per account, kind, target, day and reason."""
    return f"{key}:held:{reason}"


def attempt_row(planned: PlannedMessage, now: datetime, *, key: str, status: str) -> dict[str, Any]:
    """A ``contact_attempts`` row for a decision."""
    d = planned.decision
    return {
        "account_id": d.account_id,
        "channel": d.channel,
        "kind": d.kind,
        "target": d.target,
        "local_date": d.local_date,
        "idempotency_key": key,
        "template": d.template,
        "status": status,
        "reason": d.reason if status == "held" else None,
        "created_at": now,
    }


def log_holds(
    sessions: sessionmaker[Session], held: Sequence[PlannedMessage], now: datetime
) -> int:
    """Logs held decisions not logged before today for the same reason; returns how many."""
    rows = [
        attempt_row(
            p, now, key=held_key(p.decision.key, p.decision.reason or "held"), status="held"
        )
        for p in held
    ]
    with sessions() as session, session.begin():
        return len(attempts.insert_new(session, rows))


def claim(
    sessions: sessionmaker[Session], sends: Sequence[PlannedMessage], now: datetime
) -> dict[str, int]:
    """Claims sends for this pass; returns the attempt id of each key it won."""
    rows = [attempt_row(p, now, key=p.decision.key, status="sending") for p in sends]
    with sessions() as session, session.begin():
        return attempts.insert_new(session, rows)


def parcel(planned: PlannedMessage) -> Parcel | Delivered:
    """The claimed reminder as a parcel; a channel without an address is a failure."""
    d, address = planned.decision, (planned.address or "").strip()
    if d.channel is None or not address:
        return Delivered(None, "failed", reason=f"no {d.channel or 'channel'} address")
    return Parcel(
        d.channel,
        address,
        BotMessage(planned.text),
        key=d.key,
        author="system",
        automated=True,
    )


async def send_all(
    postman: Postman, claimed: Sequence[tuple[PlannedMessage, int]], concurrency: int
) -> list[Outcome]:
    """Delivers claimed sends (each with its attempt id), ``concurrency`` at a time.

    The claimed chunk is one :func:`bot.services.delivery.deliver_many` batch per round:
    two commits for the batch instead of three a message. A pass killed mid-batch leaves
    the batch's recorded messages in doubt (settled as sent by :func:`recover`, never
    resent). A round holds an address at most once, so two messages to one address (two
    accounts may share a phone) never go at once.
    """
    outcomes: list[Outcome] = []
    for round_ in _rounds(claimed):
        outcomes += await _send_group(postman, round_, max(concurrency, 1))
    return outcomes


async def _send_group(
    postman: Postman, group: Sequence[tuple[PlannedMessage, int]], concurrency: int
) -> list[Outcome]:
    parcels = [(attempt_id, parcel(planned)) for planned, attempt_id in group]
    ready = [(a, p) for a, p in parcels if isinstance(p, Parcel)]
    try:
        delivered = await deliver_many(postman, [p for _, p in ready], concurrency=concurrency)
    except InputError:  # a malformed address: nothing was recorded; find it, send the rest
        delivered = [await _deliver_alone(postman, p) for _, p in ready]
    sent = dict(zip((a for a, _ in ready), delivered, strict=True))
    return [Outcome(a, sent[a] if isinstance(p, Parcel) else p) for a, p in parcels]


async def _deliver_alone(postman: Postman, parcel: Parcel) -> Delivered:
    try:
        (delivered,) = await deliver_many(postman, [parcel])
    except InputError as exc:
        return Delivered(None, "failed", reason=str(exc))
    return delivered


def _rounds(
    claimed: Sequence[tuple[PlannedMessage, int]],
) -> list[list[tuple[PlannedMessage, int]]]:
    rounds: list[list[tuple[PlannedMessage, int]]] = []
    seen: Counter[tuple[str | None, str | None]] = Counter()
    for item in claimed:
        address = (item[0].decision.channel, item[0].address)
        if seen[address] == len(rounds):
            rounds.append([])
        rounds[seen[address]].append(item)
        seen[address] += 1
    return rounds


def finish(sessions: sessionmaker[Session], outcomes: Sequence[Outcome]) -> None:
    """Stores each send's message, provider id and status on its attempt."""
    if not outcomes:
        return
    with sessions() as session, session.begin():
        ids = [o.delivered.message_id for o in outcomes if o.delivered.message_id is not None]
        receipts = attempts.receipts(session, ids)
        attempts.update(session, [_finished(o, receipts) for o in outcomes])


def _finished(
    outcome: Outcome, receipts: dict[int, tuple[str | None, str | None]]
) -> dict[str, Any]:
    delivered = outcome.delivered
    provider_id, status = receipts.get(delivered.message_id or 0, (None, None))
    if delivered.status == "held":
        state, reason = "held", delivered.reason
    elif delivered.status == "failed":
        state, reason, status = "failed", None, status or "failed"
    else:  # accepted now, or by an earlier delivery under the same key
        state, reason = "sent", None
    return {
        "id": outcome.attempt_id,
        "status": state,
        "reason": None if reason is None else reason[:REASON_WIDTH],
        "message_id": delivered.message_id,
        "provider_id": provider_id,
        "delivery_status": status,
        "outcome": None if state == "held" else status,
    }


def recover(sessions: sessionmaker[Session], span: tuple[int, int], now: datetime) -> int:
    """Settles the page's sends left ``sending`` by a pass that stopped; returns how many."""
    with sessions() as session, session.begin():
        stale = attempts.stale_sends(
            session, span, since=now - RECENT_SENDS, before=now - STALE_AFTER
        )
        rows = [_settled(item) for item in stale]
        attempts.update(session, rows)
    return len(rows)


def _settled(item: attempts.StaleSend) -> dict[str, Any]:
    if item.message_id is None:  # never handed to a sender: free the key
        return {"id": item.attempt_id, "status": "abandoned", "idempotency_key": None}
    failed = item.delivery_status == "failed"
    return {
        "id": item.attempt_id,
        "status": "failed" if failed else "sent",
        "message_id": item.message_id,
        "provider_id": item.provider_id,
        "delivery_status": item.delivery_status,
    }
