"""Recording a group of outbound messages with a few set-based statements (SPEC §7).

:func:`bot.services.delivery.deliver_many` records a group in one transaction; asking
the same questions once per message cost ten statements a message. Here each question is
asked once for the whole group — which keys are recorded, who is on file at each address
and what they asked for, which conversations are open — and the answers are written with
one statement each: the conversations started (and their audit rows), the messages, the
conversations' ``last_message_at``. The rules are those of the one-message path
(:func:`bot.services.conversations.add_delivery`): a recorded key is a duplicate, an
automated message to a customer who opted out or asked for no contact is held, an idle
conversation is ended and a new one started unless a collector has claimed it.

A key a concurrent writer takes between the check and the insert makes the insert fail
with ``IntegrityError``: the caller then records the group one message at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from bot.errors import NotFound
from bot.policy.rules import DEFAULT_POLICY, Policy
from bot.policy.verification import session_expired
from bot.repositories import audit, contacts, conversations, messages
from bot.services.conversations import MessageRecord, buttons_json
from bot.services.customers import contact_channel, sender_address

if TYPE_CHECKING:
    from bot.services.delivery import Parcel


@dataclass(frozen=True)
class Held:
    """An automated message not recorded, and why (``opted_out``, ``cease``)."""

    reason: str


def hold_reason(kind: str, on_file: Sequence[contacts.OnFile]) -> str | None:
    """Why an automated message may not go to an address on ``kind`` (sms, telegram) with
    these accounts on file, oldest first; None when nothing holds it."""
    for account in on_file:
        if account.cease:
            return "cease"
        if getattr(account, f"{kind}_opt_out"):
            return "opted_out"
    return None


def record_group(
    session: Session,
    parcels: Sequence[Parcel],
    providers: Sequence[str | None],
    now: datetime,
    policy: Policy = DEFAULT_POLICY,
) -> list[Held | MessageRecord]:
    """Holds or records every parcel (their keys must differ) in the caller's transaction.

    Raises:
        InputError: naming the channel or address of the first parcel not acceptable.
        NotFound: naming a conversation id that does not exist.
        IntegrityError: when a concurrent transaction recorded one of the keys first.
    """
    addresses = [sender_address(p.channel, p.address) for p in parcels]
    kinds = [contact_channel(p.channel) for p in parcels]
    wanted = {
        (kind, address)
        for p, kind, address in zip(parcels, kinds, addresses, strict=True)
        if p.automated or p.conversation_id is None
    }
    on_file = contacts.on_file(session, wanted) if wanted else {}
    out: list[Held | MessageRecord | None] = []
    for p, kind, address in zip(parcels, kinds, addresses, strict=True):
        reason = hold_reason(kind, on_file[(kind, address)]) if p.automated else None
        out.append(None if reason is None else Held(reason))
    todo = [i for i, result in enumerate(out) if result is None]
    known = messages.by_keys(session, [parcels[i].key for i in todo]) if todo else {}
    for i in todo:
        found = known.get(parcels[i].key)
        if found is not None:
            out[i] = MessageRecord(found.id, found.conversation_id or 0, duplicate=True)
    todo = [i for i in todo if out[i] is None]
    if not todo:
        return [r for r in out if r is not None]
    senders = {
        (parcels[i].channel, addresses[i]): on_file[(kinds[i], addresses[i])]
        for i in todo
        if parcels[i].conversation_id is None
    }
    current = _conversations(session, senders, now, policy)
    _check_exist(session, {parcels[i].conversation_id for i in todo} - {None})
    rows: list[dict[str, Any]] = []
    for i in todo:
        p = parcels[i]
        conversation_id = p.conversation_id or current[(p.channel, addresses[i])]
        rows.append(
            {"conversation_id": conversation_id, "channel": p.channel, "direction": "out",
             "author": p.author, "address": addresses[i], "body": p.message.as_plain_text(),
             "provider_id": None, "provider": providers[i], "idempotency_key": p.key,
             "delivery_status": "queued", "buttons": buttons_json(p.message.buttons),
             "created_at": now, "dispatch_state": "pending", "automated": p.automated}
        )  # fmt: skip
    ids = messages.add_queued(session, rows)
    conversations.touch(session, {row["conversation_id"] for row in rows}, now)
    for i, message_id, row in zip(todo, ids, rows, strict=True):
        out[i] = MessageRecord(message_id, row["conversation_id"], duplicate=False)
    return [r for r in out if r is not None]


def _conversations(
    session: Session,
    senders: dict[tuple[str, str], list[contacts.OnFile]],
    now: datetime,
    policy: Policy,
) -> dict[tuple[str, str], int]:
    """The current conversation of each ``(channel, address)``, started or renewed as
    needed, with the sender's oldest account attached (``conversations._current``)."""
    if not senders:
        return {}
    found = conversations.open_of_senders(session, senders)
    idle = {
        pair: state
        for pair, state in found.items()
        if not state.claimed and session_expired(state.last_message_at, now, policy)
    }
    conversations.end_many(session, [state.id for state in idle.values()])
    current = {pair: state.id for pair, state in found.items() if pair not in idle}
    first = {
        pair: accounts[0].account_id if accounts else None for pair, accounts in senders.items()
    }
    conversations.set_accounts(
        session,
        {
            state.id: account_id
            for pair, state in found.items()
            if pair not in idle and state.account_id is None
            and (account_id := first[pair]) is not None
        },
    )  # fmt: skip
    missing = [pair for pair in senders if pair not in current]
    started = conversations.start_many(
        session,
        [(channel, address, first[(channel, address)]) for channel, address in missing],
        now,
    )
    current.update(zip(missing, started, strict=True))
    audit.record_many(
        session,
        at=now,
        entity="conversation",
        events=[(state.id, "ended", None) for state in idle.values()]
        + [
            (id_, "started", {"channel": pair[0], "account_id": first[pair]})
            for pair, id_ in zip(missing, started, strict=True)
        ],
    )
    return current


def _check_exist(session: Session, conversation_ids: set[int | None]) -> None:
    wanted = {i for i in conversation_ids if i is not None}
    if not wanted:
        return
    missing = sorted(wanted - conversations.existing(session, wanted))
    if missing:
        raise NotFound(f"conversation {missing[0]} does not exist")
