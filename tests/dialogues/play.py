"""Plays dialogues against the live stack: import the fixture, send the turns, read the state.

The fixture goes in through the real import code (``bot.imports``, what ``arbot import``
runs) as three CSV files with SPEC §4's columns; the turns go to the gateway's web chat
endpoint one by one; the state is ``arbot show ACCOUNT --json``'s document
(``bot.services.accounts``), read in-process for speed. Dialogues run in parallel, each
with its own account and sender, so none sees another's state.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from bot.db.models import Account, Escalation
from bot.errors import NotFound
from bot.imports.columns import column_set
from bot.imports.loader import import_file
from bot.services.accounts import account_overview
from tests.dialogues.dialogue import Dialogue
from tests.dialogues.evaluate import Outcome, Turn, judge

#: ``chat(sender, message)`` → the gateway's JSON answer (a list of Rasa REST messages)
Chat = Callable[[str, str], list[dict[str, Any]]]


def import_fixture(engine: Engine, dialogue: Dialogue, now: datetime) -> None:
    """Imports the dialogue's customer, invoices and payments, as ``arbot import`` would."""
    files = (
        ("customers", [dialogue.customer]),
        ("invoices", list(dialogue.invoices)),
        ("payments", list(dialogue.payments)),
    )
    with tempfile.TemporaryDirectory(prefix=f"dialogue-{dialogue.name}-") as folder:
        for kind, rows in files:
            if not rows:
                continue
            path = Path(folder) / f"{kind}.csv"
            write_csv(path, kind, rows)
            with Session(engine) as session:
                import_file(session, kind, path, now=now)


def write_csv(path: Path, kind: str, rows: Sequence[Mapping[str, str]]) -> None:
    """One import file of ``kind``: SPEC §4's columns that the rows use, in the usual order."""
    columns = column_set(kind)
    used = {name for row in rows for name in row}
    header = [name for name in (*columns.required, *columns.optional) if name in used]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def talk(dialogue: Dialogue, chat: Chat) -> tuple[Turn, ...]:
    """Sends every turn in order, whatever the bot answers (a script, not an agent)."""
    turns = []
    for message in dialogue.turns:
        try:
            answer = chat(dialogue.sender, message)
        except httpx.HTTPStatusError as exc:
            turns.append(Turn(message, (), f"HTTP {exc.response.status_code}"))
            continue
        except httpx.TransportError as exc:
            turns.append(Turn(message, (), type(exc).__name__))
            continue
        turns.append(Turn(message, tuple(_text(reply) for reply in answer)))
    return tuple(turns)


def _text(reply: Mapping[str, Any]) -> str:
    """The reply's text with its buttons' titles, which are part of what the customer sees."""
    buttons = [str(b.get("title", "")) for b in reply.get("buttons") or []]
    text = str(reply.get("text") or "")
    return " | ".join([text, *buttons]) if buttons else text


def account_state(engine: Engine, dialogue: Dialogue) -> dict[str, Any] | None:
    """``arbot show ACCOUNT --json`` for the dialogue's account, or None when it is unknown."""
    with Session(engine) as session:
        try:
            overview = account_overview(session, dialogue.account_number, dialogue.today)
        except NotFound:
            return None
    state: dict[str, Any] = json.loads(json.dumps(overview.to_json(), default=str))
    return state


def sender_escalations(engine: Engine, dialogue: Dialogue) -> list[str]:
    """Reasons of the escalations opened for the sender and linked to no account or another.

    ``arbot show`` lists an account's escalations only; an unverified sender's request for a
    person or two fallbacks in a row may be linked to no account, and still count.
    """
    account = select(Account.id).where(Account.account_number == dialogue.account_number)
    query = select(Escalation.reason).where(
        Escalation.address == dialogue.sender,
        or_(Escalation.account_id.is_(None), Escalation.account_id.not_in(account)),
    )
    with Session(engine) as session:
        return list(session.scalars(query.order_by(Escalation.id)))


def play(engine: Engine, chat: Chat, dialogue: Dialogue, now: datetime) -> Outcome:
    """One dialogue from its fixture to its verdict."""
    import_fixture(engine, dialogue, now)
    turns = talk(dialogue, chat)
    state = account_state(engine, dialogue)
    return judge(dialogue, turns, state, sender_escalations(engine, dialogue))


def play_all(
    engine: Engine, chat: Chat, dialogues: Iterable[Dialogue], now: datetime, workers: int = 4
) -> list[Outcome]:
    """Every dialogue, ``workers`` at a time; outcomes in the dialogues' order."""
    with ThreadPoolExecutor(max_workers=max(workers, 1)) as pool:
        return list(pool.map(lambda d: play(engine, chat, d, now), dialogues))
