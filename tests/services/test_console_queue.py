"""The console's queue, conversation view and notes, on SQLite and PostgreSQL.

On NOW (2026-11-22) the seeded accounts owe, past due and not disputed:

| account | past due | oldest past-due invoice |
|---------|----------|-------------------------|
| A-7     |   800.00 | 2026-10-01 (52 days)    |
| B-1     |   800.00 | 2026-11-01 (21 days)    |
| C-1     | 1,000.00 | 2026-11-12 (10 days)    |
| D-1     |     0.00 | (nothing due yet)       |
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from bot.db.models import Escalation
from bot.errors import InputError, NotFound
from bot.services.console_queue import conversation, queue
from bot.services.conversations import record_inbound, record_outbound
from bot.services.disputes import open_dispute
from bot.services.escalation_notes import add_note, notes_of
from bot.services.escalations import escalate
from bot.services.handoff import claim
from tests.services.conftest import NOW
from tests.services.console_seed import add_case, add_collector, seed_account

PHONE = "+16175550101"


@pytest.fixture
def accounts(session: Session) -> dict[str, int]:
    """The four accounts of the module docstring, by number."""
    return {
        "A-7": seed_account(session),
        "B-1": seed_account(
            session, "B-1", "+16175550102",
            invoices=(("X", date(2026, 11, 1), "500.00"), ("Y", date(2026, 11, 15), "300.00")),
        ),
        "C-1": seed_account(
            session, "C-1", "+16175550103", invoices=(("X", date(2026, 11, 12), "1000.00"),)
        ),
        "D-1": seed_account(
            session, "D-1", "+16175550104", invoices=(("X", date(2026, 12, 30), "9000.00"),)
        ),
    }  # fmt: skip


def _numbers(items: list[Any]) -> list[tuple[str | None, int]]:
    return [(item.account_number, item.id) for item in items]


def test_the_queue_puts_the_most_past_due_then_the_longest_late_then_the_oldest_first(
    session: Session, accounts: dict[str, int]
) -> None:
    stranger = add_case(session, None, reason="fallback", age=timedelta(days=3))
    d1 = add_case(session, accounts["D-1"], age=timedelta(days=1))
    b1 = add_case(session, accounts["B-1"], age=timedelta(days=9))
    a7_new = add_case(session, accounts["A-7"], reason="hardship")
    a7_old = add_case(session, accounts["A-7"], age=timedelta(hours=2))
    c1 = add_case(session, accounts["C-1"])

    items = queue(session, view="all", user_id=0, now=NOW)

    assert _numbers(items) == [
        ("C-1", c1), ("A-7", a7_old), ("A-7", a7_new), ("B-1", b1), (None, stranger), ("D-1", d1),
    ]  # fmt: skip
    assert [(i.past_due, i.days_late) for i in items] == [
        (Decimal("1000.00"), 10), (Decimal("800.00"), 52), (Decimal("800.00"), 52),
        (Decimal("800.00"), 21), (Decimal("0.00"), None), (Decimal("0.00"), None),
    ]  # fmt: skip


def test_a_disputed_invoice_counts_neither_as_past_due_nor_as_late(
    session: Session, accounts: dict[str, int]
) -> None:
    open_dispute(session, "A-7", "I-1", "damaged", "", channel="sms", now=NOW)
    (item,) = [i for i in queue(session, view="all", user_id=0, now=NOW) if i.reason == "dispute"]
    assert (item.account_number, item.past_due, item.days_late) == ("A-7", Decimal("300.00"), 12)


def test_the_views_split_mine_from_unclaimed(session: Session, accounts: dict[str, int]) -> None:
    ana, bob = add_collector(session), add_collector(session, "bob@example.com")
    mine = add_case(session, accounts["A-7"], claimed_by=ana)
    theirs = add_case(session, accounts["B-1"], claimed_by=bob)
    free = add_case(session, accounts["C-1"])
    add_case(session, accounts["D-1"], status="resolved")

    def ids(view: str) -> set[int]:
        return {item.id for item in queue(session, view=view, user_id=ana, now=NOW)}

    assert ids("mine") == {mine}
    assert ids("unclaimed") == {free}
    assert ids("all") == {mine, theirs, free}
    (claimed,) = [i for i in queue(session, view="all", user_id=ana, now=NOW) if i.id == theirs]
    assert (claimed.status, claimed.collector_email) == ("claimed", "bob@example.com")


def test_an_unknown_view_is_refused_by_name(session: Session) -> None:
    with pytest.raises(InputError, match="^view: 'everything'"):
        queue(session, view="everything", user_id=0, now=NOW)


def test_a_row_carries_its_channel_and_the_customer_s_last_message(
    session: Session, accounts: dict[str, int]
) -> None:
    record_inbound(session, "sms", PHONE, "a person please", now=NOW - timedelta(minutes=9))
    record_inbound(session, "sms", PHONE, "hello?", now=NOW - timedelta(minutes=5))
    record_outbound(session, "sms", PHONE, "Someone will answer", now=NOW - timedelta(minutes=1))
    escalate(session, "customer_request", channel="sms", address=PHONE, account_number="A-7",
             now=NOW)  # fmt: skip

    (item,) = queue(session, view="all", user_id=0, now=NOW)

    assert (item.channel, item.last_customer_message_at) == ("sms", NOW - timedelta(minutes=5))
    assert item.to_json()["past_due"] == "800.00"
    assert item.to_json()["last_customer_message_at"] == "2026-11-22T14:55:00+00:00"


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SELECT statements run on the engine while the test runs."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    yield seen
    event.remove(engine, "before_cursor_execute", note)


def test_the_queue_is_one_query_however_long_it_is(
    session: Session, accounts: dict[str, int], statements: list[str]
) -> None:
    for number in accounts.values():
        add_case(session, number)
        add_case(session, number, reason="hardship")
    statements.clear()
    assert len(queue(session, view="all", user_id=0, now=NOW)) == 8
    assert len(statements) == 1


def test_the_conversation_view_holds_the_transcript_the_account_panel_and_the_notes(
    session: Session, accounts: dict[str, int]
) -> None:
    record_inbound(session, "sms", PHONE, "I want a person", now=NOW)
    case_id = escalate(
        session, "customer_request", channel="sms", address=PHONE, account_number="A-7", now=NOW
    ).id
    ana = add_collector(session)
    claim(session, case_id, ana, NOW)
    add_note(session, case_id, ana, "  called back, no answer ", NOW)

    view = conversation(session, case_id, NOW)

    assert [line.body for line in view.lines] == ["I want a person"]
    assert view.owner_email == "ana@example.com"
    assert view.account is not None
    assert (view.account.account_number, view.account.past_due) == ("A-7", Decimal("800.00"))
    assert [i.invoice_number for i in view.account.invoices] == ["I-1", "I-2", "I-3"]
    assert [(n.author_email, n.body) for n in view.notes] == [
        ("ana@example.com", "called back, no answer")
    ]


def test_a_case_without_an_account_has_no_account_panel(session: Session) -> None:
    case_id = add_case(session, None, reason="verification_failed")
    view = conversation(session, case_id, NOW)
    assert (view.account, view.lines, view.owner_email) == (None, (), None)
    with pytest.raises(NotFound, match="escalation 999 does not exist"):
        conversation(session, 999, NOW)


def test_a_note_must_say_something_and_belong_to_a_case(
    session: Session, accounts: dict[str, int]
) -> None:
    case_id, ana = add_case(session, accounts["A-7"]), add_collector(session)
    with pytest.raises(InputError, match="^body: a note cannot be blank"):
        add_note(session, case_id, ana, "   ", NOW)
    with pytest.raises(InputError, match="^body: longer than 4000"):
        add_note(session, case_id, ana, "x" * 4001, NOW)
    with pytest.raises(NotFound, match="escalation 999"):
        add_note(session, 999, ana, "hello", NOW)
    add_note(session, case_id, ana, "first", NOW)
    add_note(session, case_id, ana, "second", NOW + timedelta(minutes=1))
    assert [n.body for n in notes_of(session, case_id)] == ["first", "second"]
    with session.begin():
        assert session.scalars(select(Escalation.status)).all() == ["open"]
