"""The CSV import service (bot.imports.loader), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Connection, Row, event, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from bot.db.models import (
    Account,
    AuditEvent,
    Base,
    Contact,
    ContactPreference,
    Dispute,
    Invoice,
    Payment,
    PaymentApplication,
)
from bot.errors import ImportRejected, InputError
from bot.imports.loader import MAX_ERRORS, ImportReport, import_file

NOW = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
LATER = NOW + timedelta(days=1)

CUSTOMERS = """\
account_number,name,postal_code,phone,telegram_chat_id,email,timezone,sms_consent,credit_limit
A-1,Ada Ltd,10001,+14155550100,,ap@ada.example,America/New_York,true,25000.00
A-2,Bob Inc,60601,,-100200300,,,false,
"""
INVOICES = """\
invoice_number,account_number,issue_date,due_date,amount,currency
INV-3,A-1,2026-01-15,2026-02-15,300.00,USD
INV-1,A-1,2025-12-01,2026-01-01,100.00,USD
INV-2,A-1,2026-01-01,2026-02-01,200.00,USD
INV-9,A-2,2026-01-01,2026-02-01,50.00,
"""
PAYMENTS = """\
payment_id,account_number,received_date,amount,invoice_number,method
P-1,A-1,2026-02-10,150.00,,ach
P-2,A-2,2026-02-11,80.00,INV-9,check
"""


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_text(text, encoding=encoding)
    return path


def load(
    session: Session, kind: str, path: Path, now: datetime = NOW, **options: Any
) -> ImportReport:
    return import_file(session, kind, path, now=now, **options)


def load_all(session: Session, folder: Path) -> dict[str, ImportReport]:
    files = {"customers": CUSTOMERS, "invoices": INVOICES, "payments": PAYMENTS}
    return {
        kind: load(session, kind, write(folder, f"{kind}.csv", text))
        for kind, text in files.items()
    }


def read(session: Session, query: Select[Any]) -> Sequence[Row[Any]]:
    with session.begin():
        return session.execute(query).all()


def snapshot(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary key order."""
    tables = {}
    for table in Base.metadata.sorted_tables:
        query = select(table).order_by(*table.primary_key.columns)
        tables[table.name] = [tuple(row) for row in read(session, query)]
    return tables


def open_amounts(session: Session) -> dict[str, Decimal]:
    return dict(read(session, select(Invoice.invoice_number, Invoice.open_amount)))  # type: ignore[arg-type]


@contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    """The SQL statements sent while the block runs (one per execute or executemany)."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement.split(None, 1)[0].upper())

    connection = session.bind
    assert isinstance(connection, Connection)
    event.listen(connection, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(connection, "before_cursor_execute", record)


def rejected(session: Session, kind: str, path: Path, **options: Any) -> tuple[str, ...]:
    with pytest.raises(ImportRejected) as caught:
        load(session, kind, path, **options)
    return caught.value.errors


# -- customers ---------------------------------------------------------------------------


def test_customers_import_creates_accounts_with_contacts_and_preferences(
    session: Session, tmp_path: Path
) -> None:
    report = load(session, "customers", write(tmp_path, "c.csv", CUSTOMERS))
    assert (report.rows, report.inserted, report.updated, report.unchanged) == (2, 2, 0, 0)
    accounts = read(session, select(Account.account_number, Account.timezone, Account.credit_limit))
    assert sorted(accounts) == [
        ("A-1", "America/New_York", Decimal("25000.00")),
        ("A-2", None, None),
    ]
    contacts = read(
        session,
        select(Account.account_number, Contact.channel, Contact.address).join(Contact.account),
    )
    assert sorted(contacts) == [
        ("A-1", "email", "ap@ada.example"),
        ("A-1", "sms", "+14155550100"),
        ("A-2", "telegram", "-100200300"),
    ]
    consents = read(session, select(ContactPreference.sms_consent, ContactPreference.cease))
    assert sorted(consents) == [(False, False), (True, False)]


def test_a_blank_timezone_takes_the_default_zone_when_one_is_set(
    session: Session, tmp_path: Path
) -> None:
    load(
        session,
        "customers",
        write(tmp_path, "c.csv", CUSTOMERS),
        default_timezone=ZoneInfo("America/Chicago"),
    )
    zones = read(session, select(Account.account_number, Account.timezone))
    assert dict(zones) == {"A-1": "America/New_York", "A-2": "America/Chicago"}  # type: ignore[arg-type]


def test_reimporting_customers_keeps_opt_outs_and_cease(session: Session, tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", CUSTOMERS)
    load(session, "customers", path)
    with session.begin():
        for preference in session.scalars(select(ContactPreference)):
            preference.sms_opt_out, preference.cease = True, True
    changed = CUSTOMERS.replace("Ada Ltd", "Ada Limited").replace(",true,", ",false,")
    load(session, "customers", write(tmp_path, "c2.csv", changed), now=LATER)
    flags = read(session, select(ContactPreference.sms_opt_out, ContactPreference.cease))
    assert set(flags) == {(True, True)}


def test_sms_consent_is_left_alone_when_the_file_has_no_such_column(
    session: Session, tmp_path: Path
) -> None:
    load(session, "customers", write(tmp_path, "c.csv", CUSTOMERS))
    bare = "account_number,name,postal_code\nA-1,Ada Ltd,10001\n"
    report = load(session, "customers", write(tmp_path, "bare.csv", bare), now=LATER)
    assert report.unchanged == 1
    consent = read(
        session,
        select(ContactPreference.sms_consent)
        .join(Account, Account.id == ContactPreference.account_id)
        .where(Account.account_number == "A-1"),
    )
    assert [tuple(row) for row in consent] == [(True,)]


def test_a_new_phone_replaces_the_old_one_unverified_and_a_blank_one_removes_it(
    session: Session, tmp_path: Path
) -> None:
    load(session, "customers", write(tmp_path, "c.csv", CUSTOMERS))
    with session.begin():
        for contact in session.scalars(select(Contact)):
            contact.verified_at = NOW
    changed = CUSTOMERS.replace("+14155550100", "+14155550199").replace("-100200300", "")
    load(session, "customers", write(tmp_path, "c2.csv", changed), now=LATER)
    contacts = read(
        session,
        select(Account.account_number, Contact.channel, Contact.address, Contact.verified_at).join(
            Contact.account
        ),
    )
    assert sorted(contacts) == [
        ("A-1", "email", "ap@ada.example", NOW),
        ("A-1", "sms", "+14155550199", None),
    ]


def test_only_changed_customers_get_a_new_updated_at(session: Session, tmp_path: Path) -> None:
    load(session, "customers", write(tmp_path, "c.csv", CUSTOMERS))
    changed = CUSTOMERS.replace("Bob Inc", "Bob Incorporated")
    report = load(session, "customers", write(tmp_path, "c2.csv", changed), now=LATER)
    assert (report.updated, report.unchanged) == (1, 1)
    stamps = read(session, select(Account.account_number, Account.name, Account.updated_at))
    assert sorted(stamps) == [("A-1", "Ada Ltd", NOW), ("A-2", "Bob Incorporated", LATER)]


# -- validation: nothing is imported from a file with a bad row ----------------------------


def test_a_file_with_one_bad_row_imports_nothing_and_names_file_line_and_column(
    session: Session, tmp_path: Path
) -> None:
    bad = CUSTOMERS.replace("America/New_York", "Mars/Olympus")
    path = write(tmp_path, "c.csv", bad)
    errors = rejected(session, "customers", path)
    assert errors == (
        f"{path}:2: timezone: 'Mars/Olympus' is not an IANA time zone (e.g. America/Chicago)",
    )
    assert read(session, select(Account.id)) == []


#: a bad row of every kind SPEC §4 names, as (kind, file text, line, column, reason);
#: the JSON API is checked with the same cases (tests/web/test_integration_api.py)
BAD_ROWS = [
    ("invoices", INVOICES.replace("2026-02-15", "2026-02-30"), 2, "due_date", "is not a date"),
    ("invoices", INVOICES.replace("300.00", "-300.00"), 2, "amount", "negative amount"),
    ("invoices", INVOICES.replace("300.00", "three hundred"), 2, "amount", "not a number"),
    (
        "invoices",
        INVOICES.replace("INV-9,A-2", "INV-9,A-404"),
        5,
        "account_number",
        "unknown account 'A-404'",
    ),
    (
        "payments",
        PAYMENTS.replace("P-2,A-2", "P-2,A-404"),
        3,
        "account_number",
        "unknown account 'A-404'",
    ),
    ("payments", PAYMENTS.replace("80.00", "-80.00"), 3, "amount", "negative amount"),
    (
        "payments",
        PAYMENTS.replace("INV-9", "INV-404"),
        3,
        "invoice_number",
        "unknown invoice 'INV-404'",
    ),
    (
        "payments",
        PAYMENTS.replace("INV-9", "INV-1"),
        3,
        "invoice_number",
        "is not on account 'A-2'",
    ),
    ("customers", CUSTOMERS.replace("+14155550100", "555-0100"), 2, "phone", "not an E.164"),
    (
        "customers",
        CUSTOMERS.replace("America/New_York", "EST-ish"),
        2,
        "timezone",
        "not an IANA",
    ),
]
BAD_ROW_IDS = [
    "bad-date",
    "negative-amount",
    "non-numeric-amount",
    "invoice-unknown-account",
    "payment-unknown-account",
    "negative-payment",
    "unknown-named-invoice",
    "named-invoice-of-another-account",
    "malformed-phone",
    "bad-timezone",
]


@pytest.mark.parametrize(("kind", "text", "line", "column", "reason"), BAD_ROWS, ids=BAD_ROW_IDS)
def test_a_bad_row_rejects_the_file_naming_file_line_and_column(
    session: Session, tmp_path: Path, kind: str, text: str, line: int, column: str, reason: str
) -> None:
    if kind != "customers":
        load(session, "customers", write(tmp_path, "customers.csv", CUSTOMERS))
    if kind == "payments":
        load(session, "invoices", write(tmp_path, "invoices.csv", INVOICES))
    before = snapshot(session)
    path = write(tmp_path, "bad.csv", text)
    [error] = rejected(session, kind, path)
    assert error.startswith(f"{path}:{line}: {column}: ")
    assert reason in error
    assert snapshot(session) == before


def test_an_unknown_column_rejects_the_file_at_line_1(session: Session, tmp_path: Path) -> None:
    path = write(tmp_path, "i.csv", INVOICES.replace("currency", "colour", 1))
    assert rejected(session, "invoices", path) == (f"{path}:1: colour: unknown column",)


def test_a_missing_required_column_rejects_the_file(session: Session, tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", "account_number,name\nA-1,Ada\n")
    assert rejected(session, "customers", path) == (
        f"{path}:1: postal_code: missing required column",
    )


def test_an_unknown_column_is_rejected_even_with_skip_invalid(
    session: Session, tmp_path: Path
) -> None:
    path = write(tmp_path, "c.csv", "account_number,name,postal_code,notes\nA-1,Ada,1,x\n")
    assert rejected(session, "customers", path, skip_invalid=True) == (
        f"{path}:1: notes: unknown column",
    )


def test_a_blank_required_cell_names_the_column(session: Session, tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", "account_number,name,postal_code\nA-1,,10001\n")
    assert rejected(session, "customers", path) == (
        f"{path}:2: name: blank, but a value is required",
    )


def test_a_repeated_key_is_reported_as_a_duplicate_of_its_first_line(
    session: Session, tmp_path: Path
) -> None:
    load(session, "customers", write(tmp_path, "c.csv", CUSTOMERS))
    path = write(tmp_path, "i.csv", INVOICES + "INV-1,A-1,2026-01-01,2026-02-01,5.00,USD\n")
    assert rejected(session, "invoices", path) == (
        f"{path}:6: invoice_number: duplicate of line 3",
    )


def test_a_row_with_the_wrong_number_of_cells_is_an_error(session: Session, tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", "account_number,name,postal_code\nA-1,Ada,10001,extra\n")
    assert rejected(session, "customers", path) == (
        f"{path}:2: (row): 4 cells, but the header has 3 columns",
    )


def test_line_numbers_are_physical_lines_across_quoted_newlines_and_blank_lines(
    session: Session, tmp_path: Path
) -> None:
    text = 'account_number,name,postal_code\nA-1,"Ada\nLtd",10001\n\nA-2,Bob,\n'
    path = write(tmp_path, "c.csv", text)
    assert rejected(session, "customers", path) == (
        f"{path}:5: postal_code: blank, but a value is required",
    )


def test_errors_are_capped_with_a_count_of_the_rest(session: Session, tmp_path: Path) -> None:
    rows = "".join(f"A-{n},,10001\n" for n in range(MAX_ERRORS + 5))
    path = write(tmp_path, "c.csv", "account_number,name,postal_code\n" + rows)
    errors = rejected(session, "customers", path)
    assert len(errors) == MAX_ERRORS + 1
    assert errors[-1] == f"{path}: ... and 5 more errors"


def test_a_file_that_is_not_utf8_is_rejected_with_its_line(
    session: Session, tmp_path: Path
) -> None:
    path = write(tmp_path, "c.csv", "account_number,name,postal_code\nA-1,Café,10001\n", "latin-1")
    [error] = rejected(session, "customers", path)
    assert error.startswith(f"{path}:2: (file): not UTF-8")


def test_a_missing_file_is_an_input_error(session: Session, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nope.csv"):
        load(session, "customers", tmp_path / "nope.csv")


def test_an_unknown_kind_is_an_input_error(session: Session, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="kind: 'refunds'"):
        load(session, "refunds", write(tmp_path, "c.csv", CUSTOMERS))


def test_a_byte_order_mark_is_accepted(session: Session, tmp_path: Path) -> None:
    report = load(session, "customers", write(tmp_path, "c.csv", CUSTOMERS, "utf-8-sig"))
    assert report.inserted == 2


# -- skip_invalid --------------------------------------------------------------------------


def test_skip_invalid_imports_the_valid_rows_and_reports_the_others(
    session: Session, tmp_path: Path
) -> None:
    load(session, "customers", write(tmp_path, "c.csv", CUSTOMERS))
    text = INVOICES.replace("INV-9,A-2", "INV-9,A-404").replace("100.00", "abc")
    path = write(tmp_path, "i.csv", text)
    report = load(session, "invoices", path, skip_invalid=True)
    assert (report.rows, report.inserted, report.invalid) == (4, 2, 2)
    assert report.errors == (
        f"{path}:3: amount: 'abc': not a number",
        f"{path}:5: account_number: unknown account 'A-404'",
    )
    assert sorted(open_amounts(session)) == ["INV-2", "INV-3"]


# -- invoices ------------------------------------------------------------------------------


def test_a_changed_invoice_is_updated_and_its_open_amount_keeps_the_cash_applied(
    session: Session, tmp_path: Path
) -> None:
    load_all(session, tmp_path)
    changed = INVOICES.replace("2025-12-01,2026-01-01,100.00", "2025-12-01,2026-01-05,120.00")
    report = load(session, "invoices", write(tmp_path, "i2.csv", changed), now=LATER)
    assert (report.updated, report.unchanged) == (1, 3)  # INV-1: 120 − 100 applied by P-1
    stored = read(
        session,
        select(Invoice.due_date, Invoice.open_amount, Invoice.updated_at).where(
            Invoice.invoice_number == "INV-1"
        ),
    )
    assert [tuple(row) for row in stored] == [(date(2026, 1, 5), Decimal("20.00"), LATER)]


def test_an_invoice_amount_below_what_is_applied_is_an_error_naming_the_applied_amount(
    session: Session, tmp_path: Path
) -> None:
    load_all(session, tmp_path)
    path = write(tmp_path, "i2.csv", INVOICES.replace("2026-01-01,100.00", "2026-01-01,90.00"))
    assert rejected(session, "invoices", path) == (
        f"{path}:3: amount: 90.00 is less than the 100.00 already applied",
    )


def test_an_invoice_with_payments_applied_cannot_move_to_another_account(
    session: Session, tmp_path: Path
) -> None:
    load_all(session, tmp_path)
    path = write(tmp_path, "i2.csv", INVOICES.replace("INV-1,A-1", "INV-1,A-2"))
    [error] = rejected(session, "invoices", path)
    assert error.startswith(f"{path}:3: account_number: 100.00 in payments is applied")


def test_an_invoice_without_payments_may_move_to_another_account(
    session: Session, tmp_path: Path
) -> None:
    load(session, "customers", write(tmp_path, "c.csv", CUSTOMERS))
    load(session, "invoices", write(tmp_path, "i.csv", INVOICES))
    report = load(
        session, "invoices", write(tmp_path, "i2.csv", INVOICES.replace("INV-1,A-1", "INV-1,A-2"))
    )
    assert report.updated == 1


# -- payments ------------------------------------------------------------------------------


def test_a_payment_without_an_invoice_is_applied_oldest_due_first(
    session: Session, tmp_path: Path
) -> None:
    load_all(session, tmp_path)
    applications = read(
        session,
        select(Payment.payment_id, Invoice.invoice_number, PaymentApplication.amount)
        .select_from(PaymentApplication)
        .join(Payment, Payment.id == PaymentApplication.payment_id)
        .join(Invoice, Invoice.id == PaymentApplication.invoice_id),
    )
    assert sorted(applications) == [
        ("P-1", "INV-1", Decimal("100.00")),
        ("P-1", "INV-2", Decimal("50.00")),
        ("P-2", "INV-9", Decimal("50.00")),
    ]


def test_an_overpayment_stays_as_an_unapplied_credit(session: Session, tmp_path: Path) -> None:
    load_all(session, tmp_path)
    credits = read(session, select(Payment.payment_id, Payment.unapplied_amount))
    assert sorted(credits) == [("P-1", Decimal("0.00")), ("P-2", Decimal("30.00"))]


def test_open_amounts_are_amount_less_payments_applied(session: Session, tmp_path: Path) -> None:
    load_all(session, tmp_path)
    assert open_amounts(session) == {
        "INV-1": Decimal("0.00"),
        "INV-2": Decimal("150.00"),
        "INV-3": Decimal("300.00"),
        "INV-9": Decimal("0.00"),
    }


def test_a_named_invoice_is_paid_first_then_the_oldest(session: Session, tmp_path: Path) -> None:
    load(session, "customers", write(tmp_path, "c.csv", CUSTOMERS))
    load(session, "invoices", write(tmp_path, "i.csv", INVOICES))
    text = (
        "payment_id,account_number,received_date,amount,invoice_number\n"
        "P-9,A-1,2026-02-10,350.00,INV-3\n"
    )
    load(session, "payments", write(tmp_path, "p.csv", text))
    assert open_amounts(session)["INV-3"] == Decimal("0.00")
    assert open_amounts(session)["INV-1"] == Decimal("50.00")


def test_payments_are_applied_in_received_date_order_not_file_order(
    session: Session, tmp_path: Path
) -> None:
    load(session, "customers", write(tmp_path, "c.csv", CUSTOMERS))
    load(session, "invoices", write(tmp_path, "i.csv", INVOICES))
    text = (
        "payment_id,account_number,received_date,amount\n"
        "P-late,A-1,2026-02-20,100.00\n"
        "P-early,A-1,2026-02-01,100.00\n"
    )
    load(session, "payments", write(tmp_path, "p.csv", text))
    applied = read(
        session,
        select(Payment.payment_id, Invoice.invoice_number)
        .select_from(PaymentApplication)
        .join(Payment, Payment.id == PaymentApplication.payment_id)
        .join(Invoice, Invoice.id == PaymentApplication.invoice_id),
    )
    assert sorted(applied) == [("P-early", "INV-1"), ("P-late", "INV-2")]


def test_a_disputed_invoice_is_skipped_when_no_invoice_is_named(
    session: Session, tmp_path: Path
) -> None:
    load(session, "customers", write(tmp_path, "c.csv", CUSTOMERS))
    load(session, "invoices", write(tmp_path, "i.csv", INVOICES))
    with session.begin():
        invoice = session.scalars(select(Invoice).where(Invoice.invoice_number == "INV-1")).one()
        session.add(
            Dispute(
                reference="D-1",
                account_id=invoice.account_id,
                invoice_id=invoice.id,
                reason="damaged",
                status="open",
                created_at=NOW,
            )
        )
    text = "payment_id,account_number,received_date,amount\nP-1,A-1,2026-02-10,50.00\n"
    load(session, "payments", write(tmp_path, "p.csv", text))
    assert open_amounts(session)["INV-1"] == Decimal("100.00")
    assert open_amounts(session)["INV-2"] == Decimal("150.00")


def test_a_payment_imported_again_with_other_values_is_an_error(
    session: Session, tmp_path: Path
) -> None:
    load_all(session, tmp_path)
    path = write(tmp_path, "p2.csv", PAYMENTS.replace("150.00", "120.00"))
    assert rejected(session, "payments", path) == (
        f"{path}:2: payment_id: already imported with different values (amount 150.00 != 120.00)",
    )


# -- idempotence, audit and progress -------------------------------------------------------


def test_reimporting_the_same_three_files_changes_no_table(
    session: Session, tmp_path: Path
) -> None:
    load_all(session, tmp_path)
    before = snapshot(session)
    again = load_all(session, tmp_path)
    assert snapshot(session) == before
    assert [(r.inserted, r.updated, r.unchanged) for r in again.values()] == [
        (0, 0, 2),
        (0, 0, 4),
        (0, 0, 2),
    ]


def test_reimporting_issues_no_insert_update_or_delete(session: Session, tmp_path: Path) -> None:
    load_all(session, tmp_path)
    with statements(session) as sent:
        load_all(session, tmp_path)
    assert sent
    assert not {"INSERT", "UPDATE", "DELETE"} & set(sent)


def test_statements_grow_with_batches_not_with_rows(session: Session, tmp_path: Path) -> None:
    customers = "".join(f"C-{n},Customer {n},10001,+1415555{n:04d}\n" for n in range(1200))
    invoices = "".join(f"I-{n},C-{n},2026-01-01,2026-02-01,10.00\n" for n in range(1200))
    payments = "".join(f"P-{n},C-{n},2026-02-02,15.00\n" for n in range(1200))
    files = {
        "customers": "account_number,name,postal_code,phone\n" + customers,
        "invoices": "invoice_number,account_number,issue_date,due_date,amount\n" + invoices,
        "payments": "payment_id,account_number,received_date,amount\n" + payments,
    }
    with statements(session) as sent:
        for kind, text in files.items():
            assert load(session, kind, write(tmp_path, f"{kind}.csv", text)).inserted == 1200
    # 3,600 rows: a few statements per batch of rows, and the credit holds' one statement
    # per chunk of 500 accounts (SQLite's limit on bound values)
    assert len(sent) < 75


def test_each_import_that_changed_something_writes_one_audit_event(
    session: Session, tmp_path: Path
) -> None:
    load_all(session, tmp_path)
    load_all(session, tmp_path)
    events = read(
        session, select(AuditEvent.actor, AuditEvent.entity, AuditEvent.action, AuditEvent.detail)
    )
    assert [(actor, entity, action) for actor, entity, action, _ in events] == [
        ("system", "import", "customers"),
        ("system", "import", "invoices"),
        ("system", "import", "payments"),
    ]
    assert json.loads(events[1].detail) | {"file": ""} == {
        "file": "",
        "rows": 4,
        "inserted": 4,
        "updated": 0,
        "unchanged": 0,
        "invalid": 0,
    }


def test_progress_is_told_about_every_row(session: Session, tmp_path: Path) -> None:
    told: list[int] = []
    load(session, "customers", write(tmp_path, "c.csv", CUSTOMERS), progress=told.append)
    load(session, "customers", write(tmp_path, "c.csv", CUSTOMERS), progress=told.append)
    assert sum(told) == 4


def test_a_naive_now_is_refused(session: Session, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        load(
            session, "customers", write(tmp_path, "c.csv", CUSTOMERS), now=NOW.replace(tzinfo=None)
        )
