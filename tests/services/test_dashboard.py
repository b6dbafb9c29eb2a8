"""The manager dashboard on a hand-built book, on SQLite and PostgreSQL.

The period is 2026-11-02 (a Monday) .. 2026-11-22 (a Sunday): 21 days, ISO weeks 45-47.

Ledger: A-1 owes invoice X-1 (issued 10-01, due 10-31, 1,000.00), paid 400.00 on 11-10;
A-2 owes X-2 (issued 11-05, due 12-05, 500.00). So AR(11-01) = 1,000, sales S = 500,
AR(11-22) = 1,100 of which 500 current: DSO = 1100/500 × 21 = 46.20, best = 21.00,
ADD = 25.20, CEI = (1000 + 500 − 1100) / (1000 + 500 − 500) × 100 = 40.00.

Promises dated in the period (P-out-* fall outside it):

| promise | account | due   | taker        | status  | amount | collected |
|---------|---------|-------|--------------|---------|--------|-----------|
| P1      | A-1     | 11-03 | bot (sms)    | kept    | 100    | 100       |
| P2      | A-1     | 11-05 | bot (sms)    | broken  | 200    | 50        |
| P8      | A-1     | 11-04 | bot (sms)    | kept    | 70     | 70        |
| P3      | A-2     | 11-10 | ana (phone)  | kept    | 300    | 300       |
| P4      | A-2     | 11-12 | ana (phone)  | broken  | 400    | 0         |
| P5      | A-2     | 11-20 | ben (tg)     | pending | 500    | 0         |

Escalations resolved in the period: ana's E1, E2, E3 answered after 6, 10 and 30 minutes
(median 600 s, mean 920 s); ben's E4 never answered in writing. E5 was resolved before the
period; E6 (A-1) is still open; E7 is ana's but not resolved.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from bot.db.models import (
    Account,
    AuditEvent,
    ContactAttempt,
    ContactPreference,
    Conversation,
    Escalation,
    Invoice,
    Message,
    Payment,
    PaymentApplication,
    Promise,
    User,
)
from bot.errors import InputError
from bot.services.dashboard import dashboard
from bot.services.dashboard_tables import COLUMNS, TABLES, ptp_summary, rows, to_json
from bot.services.reports import aging_report, kpi_report, ptp_report

START, END = date(2026, 11, 2), date(2026, 11, 22)
D = Decimal


def at(month_day: str, hhmm: str = "12:00") -> datetime:
    return datetime.fromisoformat(f"2026-{month_day}T{hhmm}:00+00:00")


class Book:
    """Builds the rows of the module docstring."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.users: dict[str, int] = {}
        self.accounts: dict[str, int] = {}
        self.escalations: dict[str, int] = {}

    def add(self, row: Any) -> Any:
        self.session.add(row)
        self.session.flush()
        return row

    def user(self, name: str, role: str = "collector", *, active: bool = True) -> None:
        email = f"{name}@example.com"
        user = User(
            email=email, password_hash="x", role=role, active=active, created_at=at("10-01")
        )
        self.users[name] = self.add(user).id

    def account(self, number: str, name: str) -> None:
        row = Account(
            account_number=number,
            name=name,
            postal_code="10001",
            created_at=at("10-01"),
            updated_at=at("10-01"),
        )
        self.accounts[number] = self.add(row).id

    def promise(
        self, account: str, due: str, status: str, amount: str, paid: str, **kw: Any
    ) -> None:
        self.add(
            Promise(
                account_id=self.accounts[account],
                amount=D(amount),
                due_date=date.fromisoformat(f"2026-{due}"),
                status=status,
                channel=kw.get("channel", "sms"),
                taken_by="collector" if "by" in kw else "bot",
                collector_id=self.users[kw["by"]] if "by" in kw else None,
                amount_collected=D(paid),
                created_at=at("10-25"),
            )
        )

    def conversation(self, started: str, *, escalated: bool) -> Conversation:
        return self.add(
            Conversation(
                channel="sms",
                sender="+15550000",
                account_id=self.accounts["A-2"],
                started_at=at(started, "08:00"),
                last_message_at=at(started, "08:00"),
                escalated=escalated,
            )
        )

    def message(
        self, conversation: Conversation | None, when: datetime, author: str, **kw: Any
    ) -> Message:
        return self.add(
            Message(
                conversation_id=None if conversation is None else conversation.id,
                channel="sms",
                direction="in" if author == "customer" else "out",
                author=author,
                address="+15550000",
                body="hello",
                delivery_status=kw.get("status"),
                created_at=when,
            )
        )

    def escalation(self, name: str, by: str | None, status: str, claimed: datetime | None,
                   resolved: datetime | None, replies: tuple[int, ...] = ()) -> None:  # fmt: skip
        """An escalation on its own conversation; ``replies`` are collector replies, in
        minutes after the claim (a bot message a minute after the claim is never one)."""
        day = (claimed or at("11-21")).strftime("%m-%d")
        conversation = self.conversation(day, escalated=True)
        if claimed is not None:
            self.message(conversation, claimed - timedelta(minutes=5), "collector")  # before
            self.message(conversation, claimed + timedelta(minutes=1), "bot")
            for minutes in replies:
                self.message(conversation, claimed + timedelta(minutes=minutes), "collector")
        row = Escalation(
            account_id=self.accounts["A-2" if status == "resolved" else "A-1"],
            conversation_id=conversation.id,
            reason="customer_request",
            status=status,
            assigned_to=None if by is None else self.users[by],
            created_at=(claimed or at("11-21")) - timedelta(minutes=30),
            claimed_at=claimed,
            resolved_at=resolved,
        )
        self.escalations[name] = self.add(row).id

    def audit(self, when: datetime, account: str, action: str, channel: str) -> None:
        self.add(
            AuditEvent(
                at=when,
                actor="bot",
                entity="contact_preference",
                entity_id=str(self.accounts[account]),
                action=action,
                detail=f'{{"channel": "{channel}"}}',
            )
        )

    def attempt(self, when: datetime, status: str, reason: str | None = None,
                message_status: str | None = None, stored: str | None = None) -> None:  # fmt: skip
        message_id = None
        if message_status is not None:
            message_id = self.message(None, when, "bot", status=message_status).id
        self.add(
            ContactAttempt(
                account_id=self.accounts["A-1"],
                channel="sms",
                kind="dunning",
                target="X-1",
                local_date=when.date(),
                status=status,
                reason=reason,
                message_id=message_id,
                delivery_status=stored,
                created_at=when,
            )
        )


def ledger(book: Book) -> None:
    x1 = book.add(
        Invoice(invoice_number="X-1", account_id=book.accounts["A-1"], issue_date=date(2026, 10, 1),
                due_date=date(2026, 10, 31), amount=D("1000.00"), open_amount=D("600.00"),
                created_at=at("10-01"), updated_at=at("10-01"))
    )  # fmt: skip
    book.add(
        Invoice(invoice_number="X-2", account_id=book.accounts["A-2"], issue_date=date(2026, 11, 5),
                due_date=date(2026, 12, 5), amount=D("500.00"), open_amount=D("500.00"),
                created_at=at("11-05"), updated_at=at("11-05"))
    )  # fmt: skip
    payment = book.add(
        Payment(payment_id="PAY-1", account_id=book.accounts["A-1"],
                received_date=date(2026, 11, 10), amount=D("400.00"),
                unapplied_amount=D("0.00"), created_at=at("11-10"))
    )  # fmt: skip
    book.add(PaymentApplication(payment_id=payment.id, invoice_id=x1.id, amount=D("400.00")))


def seed_book(session: Session) -> Book:
    """The book of the module docstring, committed in the session's transaction."""
    with session.begin():
        b = Book(session)
        for name in ("ana", "ben", "eve"):
            b.user(name)
        b.user("mia", "manager")
        b.user("old", active=False)
        b.account("A-1", "Ada Supply")
        b.account("A-2", "=Bo's Bakery")
        ledger(b)
        b.promise("A-1", "11-03", "kept", "100.00", "100.00")
        b.promise("A-1", "11-05", "broken", "200.00", "50.00")
        b.promise("A-1", "11-04", "kept", "70.00", "70.00")
        b.promise("A-2", "11-10", "kept", "300.00", "300.00", by="ana", channel="phone")
        b.promise("A-2", "11-12", "broken", "400.00", "0.00", by="ana", channel="phone")
        b.promise("A-2", "11-20", "pending", "500.00", "0.00", by="ben", channel="telegram")
        b.promise("A-1", "11-01", "broken", "50.00", "0.00")  # P-out: the day before
        b.promise("A-1", "11-23", "pending", "60.00", "0.00", by="ana")  # P-out: the day after
        b.escalation("E1", "ana", "resolved", at("11-10", "10:00"), at("11-10", "12:00"), (6, 30))
        b.escalation("E2", "ana", "resolved", at("11-15", "09:00"), at("11-15", "11:00"), (10,))
        b.escalation("E3", "ana", "resolved", at("11-16", "08:00"), at("11-16", "09:00"), (30,))
        b.escalation("E4", "ben", "resolved", at("11-20", "10:00"), at("11-20", "10:30"), (45,))
        b.escalation("E5", "ben", "resolved", at("10-30", "10:00"), at("10-30", "11:00"), (1,))
        b.escalation("E6", None, "open", None, None)
        b.escalation("E7", "ana", "claimed", at("11-21", "10:00"), None, (2,))
        for started in ("11-03", "11-04", "11-05", "11-06", "11-07", "11-08"):
            b.conversation(started, escalated=False)
        b.audit(at("11-05"), "A-1", "opt_out", "sms")
        b.audit(at("11-06"), "A-1", "opt_in", "sms")
        b.audit(at("11-07"), "A-1", "opt_out", "sms")
        b.audit(at("11-06"), "A-2", "opt_out", "sms")
        b.audit(at("11-08"), "A-2", "cease", "web")
        b.audit(at("10-30"), "A-2", "opt_out", "telegram")  # before the period
        b.add(
            ContactPreference(
                account_id=b.accounts["A-1"], sms_opt_out=True, updated_at=at("11-07")
            )
        )
        b.add(ContactPreference(account_id=b.accounts["A-2"], cease=True, updated_at=at("11-08")))
        b.attempt(at("11-03"), "sent", message_status="delivered")
        b.attempt(at("11-04"), "sent", message_status="delivered", stored="sent")
        b.attempt(at("11-05"), "sent", message_status="undelivered", stored="sent")
        b.attempt(at("11-06"), "held", "outside_window")
        b.attempt(at("11-07"), "held", "outside_window")
        b.attempt(at("11-08"), "held", "opted_out")
        b.attempt(at("11-09"), "failed", stored="failed")
        b.attempt(at("11-23", "00:00"), "sent", stored="sent")  # after the period
    return b


@pytest.fixture
def book(session: Session) -> Book:
    return seed_book(session)


def test_aging_and_kpis_are_what_the_reports_print(session: Session, book: Book) -> None:
    dash = to_json(dashboard(session, START, END))

    assert dash["kpis"] == kpi_report(session, START, END).to_json()
    assert dash["aging"] == aging_report(session, END).to_json()
    assert dash["kpis"] | {"from": None, "to": None} == {
        "from": None,
        "to": None,
        "dso": 46.2,
        "best_possible_dso": 21.0,
        "add": 25.2,
        "cei": 40.0,
        "ptp_kept_rate": 0.6,
        "promises_kept": 3,
        "promises_broken": 2,
        "bot_containment": 0.5,
        "collected_in_chat": "0.00",
    }
    assert dash["aging"]["buckets"]["current"] == "500.00"
    assert dash["aging"]["buckets"]["1-30"] == "600.00"
    assert dash["aging"]["total"] == "1100.00"


def test_ptp_summary_counts_by_hand_and_equals_the_ptp_report(session: Session, book: Book) -> None:
    dash = dashboard(session, START, END)
    summary = ptp_summary(dash)

    assert summary == ptp_report(session, START, END).summary
    assert (summary["promises"], summary["kept"], summary["broken"], summary["pending"]) == (
        6,
        3,
        2,
        1,
    )
    assert (summary["promised_amount"], summary["collected_amount"]) == ("1570.00", "520.00")
    assert summary["by_taker"]["bot"]["kept_rate"] == 0.67
    collector = summary["by_taker"]["collector"]
    assert (collector["kept_rate"], collector["promised_amount"]) == (0.5, "1200.00")
    assert collector["collected_amount"] == "300.00"


def test_ptp_kept_rate_by_iso_week_lists_every_week_of_the_period(
    session: Session, book: Book
) -> None:
    weeks = to_json(dashboard(session, START, END))["ptp"]["weeks"]

    assert [(w["week"], w["kept"], w["broken"], w["kept_rate"]) for w in weeks] == [
        ("2026-W45", 2, 1, 0.67),
        ("2026-W46", 1, 1, 0.5),
        ("2026-W47", 0, 0, None),
    ]
    assert list(weeks[0]["by_taker"]) == ["bot"]
    assert weeks[1]["by_taker"]["collector"]["promised_amount"] == "700.00"
    assert weeks[2]["by_taker"]["collector"]["pending"] == 1


def test_broken_promises_to_work_name_the_taker_and_the_open_escalation(
    session: Session, book: Book
) -> None:
    broken = to_json(dashboard(session, START, END))["broken_promises"]

    assert [
        (p["account_number"], p["amount"], p["amount_collected"], p["due_date"], p["collector"])
        for p in broken
    ] == [
        ("A-1", "200.00", "50.00", "2026-11-05", None),
        ("A-2", "400.00", "0.00", "2026-11-12", "ana@example.com"),
    ]
    assert broken[0]["open_escalation_id"] == book.escalations["E6"]  # the oldest active one
    assert broken[1]["open_escalation_id"] is None  # A-2's escalations are all resolved


def test_opt_outs_are_counted_by_action_and_channel_within_the_period(
    session: Session, book: Book
) -> None:
    opt_outs = to_json(dashboard(session, START, END))["opt_outs"]

    assert opt_outs["changes"] == [
        {"action": "cease", "channel": "web", "events": 1, "accounts": 1},
        {"action": "opt_in", "channel": "sms", "events": 1, "accounts": 1},
        {"action": "opt_out", "channel": "sms", "events": 3, "accounts": 2},
    ]
    assert opt_outs["opted_out_now"] == {"sms": 1, "telegram": 0, "cease": 1}


def test_contact_attempts_are_counted_by_status_outcome_and_reason(
    session: Session, book: Book
) -> None:
    attempts = to_json(dashboard(session, START, END))["contact_attempts"]

    assert [(a["status"], a["outcome"], a["reason"], a["attempts"]) for a in attempts] == [
        ("failed", "failed", None, 1),
        ("held", None, "opted_out", 1),
        ("held", None, "outside_window", 2),
        ("sent", "delivered", None, 2),  # the message's latest status wins over the attempt's
        ("sent", "undelivered", None, 1),
    ]


def test_collector_performance_counts_handled_escalations_replies_and_promises(
    session: Session, book: Book
) -> None:
    collectors = to_json(dashboard(session, START, END))["collectors"]

    assert collectors == [
        {
            "collector": "ana@example.com",
            "escalations_handled": 3,
            "replied": 3,
            "median_first_reply_seconds": 600,
            "mean_first_reply_seconds": 920,
            "promises_taken": 2,
            "promises_kept": 1,
            "promises_broken": 1,
            "kept_rate": 0.5,
        },
        {
            "collector": "ben@example.com",
            "escalations_handled": 1,  # E5 was resolved before the period
            "replied": 0,  # his only reply came after he resolved E4
            "median_first_reply_seconds": None,
            "mean_first_reply_seconds": None,
            "promises_taken": 1,
            "promises_kept": 0,
            "promises_broken": 0,
            "kept_rate": None,
        },
        {
            "collector": "eve@example.com",
            "escalations_handled": 0,
            "replied": 0,
            "median_first_reply_seconds": None,
            "mean_first_reply_seconds": None,
            "promises_taken": 0,
            "promises_kept": 0,
            "promises_broken": 0,
            "kept_rate": None,
        },
    ]


def test_every_table_has_csv_rows_of_strings(session: Session, book: Book) -> None:
    dash = dashboard(session, START, END)
    tables = {name: rows(dash, name) for name in TABLES}

    assert tables["aging"][-1] == {"bucket": "total", "amount": "1100.00"}
    assert {"metric": "cei", "value": "40.0"} in tables["kpis"]
    assert tables["ptp-weeks"][0] | {"week": "", "taken_by": ""} == {
        "week": "",
        "taken_by": "",
        "promises": "3",
        "pending": "0",
        "kept": "2",
        "broken": "1",
        "cancelled": "0",
        "kept_rate": "0.67",
        "promised_amount": "370.00",
        "collected_amount": "220.00",
    }
    assert [(r["week"], r["taken_by"]) for r in tables["ptp-weeks"]] == [
        ("2026-W45", "all"),
        ("2026-W45", "bot"),
        ("2026-W46", "all"),
        ("2026-W46", "collector"),
        ("2026-W47", "all"),
        ("2026-W47", "collector"),
    ]
    assert [r["taken_by"] for r in tables["ptp-takers"]] == ["bot", "collector"]
    assert tables["broken-promises"][0]["collector"] == ""
    assert tables["collectors"][1]["median_first_reply_seconds"] == ""
    for name, table in tables.items():
        assert table, name
        assert all(tuple(row) == COLUMNS[name] for row in table), name
        assert all(isinstance(cell, str) for row in table for cell in row.values())


def test_an_unknown_table_is_not_found(session: Session, book: Book) -> None:
    with pytest.raises(Exception, match="table: no dashboard table 'users'"):
        rows(dashboard(session, START, END), "users")


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (date(2026, 11, 22), date(2026, 11, 21), "--to: 2026-11-21 is before"),
        (date(2024, 11, 21), date(2026, 11, 22), "from: the period is 732 days"),
    ],
)
def test_a_backwards_or_too_long_period_is_refused(
    session: Session, start: date, end: date, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        dashboard(session, start, end)


def test_an_empty_book_gives_zeros_and_no_ratios(session: Session) -> None:
    dash = to_json(dashboard(session, START, END))

    assert dash["kpis"]["dso"] is None
    assert dash["kpis"]["bot_containment"] is None
    assert dash["ptp"]["summary"]["promises"] == 0
    assert [w["week"] for w in dash["ptp"]["weeks"]] == ["2026-W45", "2026-W46", "2026-W47"]
    assert dash["broken_promises"] == dash["contact_attempts"] == dash["collectors"] == []
    assert dash["opt_outs"] == {
        "changes": [],
        "opted_out_now": {"sms": 0, "telegram": 0, "cease": 0},
    }


def test_the_number_of_queries_does_not_grow_with_the_data(session: Session, book: Book) -> None:
    def count_queries() -> int:
        statements: list[str] = []

        def seen(*args: Any) -> None:
            statements.append(args[2])

        connection = session.get_bind()
        event.listen(connection, "before_cursor_execute", seen)
        try:
            dashboard(session, START, END)
        finally:
            event.remove(connection, "before_cursor_execute", seen)
        return len(statements)

    before = count_queries()
    with session.begin():
        for n in range(10):
            book.promise("A-2", "11-11", "broken", f"{n + 1}.00", "0.00", by="ben")
            book.escalation(
                f"X{n}", "eve", "resolved", at("11-12", "09:00"), at("11-12", "10:00"), (n,)
            )
            book.attempt(at("11-13"), "held", f"reason_{n}")

    assert count_queries() == before
    assert before < 25
