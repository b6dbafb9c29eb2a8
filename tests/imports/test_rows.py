"""One CSV record to one typed row (bot.imports.rows) and the header check (columns)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import String
from sqlalchemy.orm import InstrumentedAttribute

from bot.db.models import Account, Contact, Invoice, Payment
from bot.imports.columns import CUSTOMERS, INVOICES, PAYMENTS, ColumnSet
from bot.imports.rows import (
    MAX_LENGTH,
    CustomerRow,
    RowError,
    RowInvalid,
    parse_customer,
    parse_invoice,
    parse_payment,
)

LINE = 7
CUSTOMER = {"account_number": "A-1", "name": "Ada Ltd", "postal_code": "10001"}
INVOICE = {
    "invoice_number": "INV-1",
    "account_number": "A-1",
    "issue_date": "2026-01-01",
    "due_date": "2026-01-31",
    "amount": "100.00",
}
PAYMENT = {
    "payment_id": "P-1",
    "account_number": "A-1",
    "received_date": "2026-02-01",
    "amount": "40.00",
}


def errors_of(
    parse: Callable[[Mapping[str, str], int], object], cells: dict[str, str]
) -> list[tuple[str, str]]:
    with pytest.raises(RowInvalid) as caught:
        parse(cells, LINE)
    assert all(error.line == LINE for error in caught.value.errors)
    return [(error.column, error.reason) for error in caught.value.errors]


def test_a_customer_with_only_required_columns_takes_the_defaults() -> None:
    assert parse_customer(CUSTOMER, LINE) == CustomerRow(
        line=LINE,
        account_number="A-1",
        name="Ada Ltd",
        postal_code="10001",
        phone=None,
        telegram_chat_id=None,
        email=None,
        timezone=None,
        language="en",
        consumer=False,
        sms_consent=False,
        credit_limit=None,
    )


def test_a_full_customer_row_is_parsed_and_stripped() -> None:
    row = parse_customer(
        CUSTOMER
        | {
            "phone": " +14155550100 ",
            "telegram_chat_id": "-100123",
            "email": "ap@ada.example",
            "timezone": "America/Chicago",
            "language": "es",
            "consumer": "TRUE",
            "sms_consent": "True",
            "credit_limit": "$25,000",
        },
        LINE,
    )
    assert (row.phone, row.telegram_chat_id, row.email) == (
        "+14155550100",
        "-100123",
        "ap@ada.example",
    )
    assert (row.timezone, row.language, row.consumer, row.sms_consent) == (
        "America/Chicago",
        "es",
        True,
        True,
    )
    assert row.credit_limit == Decimal("25000.00")


def test_a_blank_timezone_takes_the_default_zone() -> None:
    row = parse_customer(CUSTOMER | {"timezone": ""}, LINE, default_timezone=ZoneInfo("UTC"))
    assert row.timezone == "UTC"


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("account_number", "", "blank, but a value is required"),
        ("name", "  ", "blank, but a value is required"),
        ("postal_code", "", "blank, but a value is required"),
        ("name", "x" * 201, "longer than 200 characters"),
        ("phone", "4155550100", "not an E.164 phone number"),
        ("phone", "+04155550100", "not an E.164 phone number"),
        ("phone", "+123456", "not an E.164 phone number"),
        ("phone", "+1234567890123456", "not an E.164 phone number"),
        ("phone", "+1 415 555 0100", "not an E.164 phone number"),
        ("telegram_chat_id", "12ab", "not a Telegram chat id"),
        ("email", "ada.example", "not an e-mail address"),
        ("timezone", "Mars/Olympus", "not an IANA time zone"),
        ("timezone", "../etc/passwd", "not an IANA time zone"),
        ("timezone", "localtime", "not an IANA time zone"),
        ("language", "english!", "not a language tag"),
        ("consumer", "yes", "is not true or false"),
        ("sms_consent", "1", "is not true or false"),
        ("credit_limit", "lots", "not a number"),
        ("credit_limit", "-5", "negative amount"),
    ],
)
def test_a_bad_customer_cell_is_reported_by_column(column: str, value: str, reason: str) -> None:
    [(failed, why)] = errors_of(parse_customer, CUSTOMER | {column: value})
    assert failed == column
    assert reason in why


def test_every_failing_cell_of_a_row_is_reported_at_once() -> None:
    cells = CUSTOMER | {"name": "", "phone": "123", "timezone": "Nowhere"}
    assert [column for column, _ in errors_of(parse_customer, cells)] == [
        "name",
        "phone",
        "timezone",
    ]


def test_a_valid_invoice_row_defaults_to_usd() -> None:
    row = parse_invoice(INVOICE, LINE)
    assert (row.issue_date, row.due_date, row.amount, row.currency) == (
        date(2026, 1, 1),
        date(2026, 1, 31),
        Decimal("100.00"),
        "USD",
    )


def test_an_invoice_currency_is_upper_cased() -> None:
    assert parse_invoice(INVOICE | {"currency": "eur"}, LINE).currency == "EUR"


def test_an_invoice_due_on_its_issue_date_is_valid() -> None:
    assert parse_invoice(INVOICE | {"due_date": "2026-01-01"}, LINE).due_date == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("invoice_number", "", "blank, but a value is required"),
        ("invoice_number", "x" * 65, "longer than 64 characters"),
        ("account_number", "", "blank, but a value is required"),
        ("issue_date", "2026-02-30", "is not a date (YYYY-MM-DD)"),
        ("issue_date", "01/02/2026", "is not a date (YYYY-MM-DD)"),
        ("due_date", "", "blank, but a value is required"),
        ("due_date", "2025-12-31", "2025-12-31 is before issue_date 2026-01-01"),
        ("amount", "-100.00", "negative amount"),
        ("amount", "abc", "not a number"),
        ("amount", "1e3", "not a number"),
        ("amount", "0", "0.00 must be greater than 0"),
        ("amount", "10.005", "more than two decimal places"),
        ("amount", "", "blank, but a value is required"),
        ("currency", "US", "not a three-letter currency code"),
    ],
)
def test_a_bad_invoice_cell_is_reported_by_column(column: str, value: str, reason: str) -> None:
    [(failed, why)] = errors_of(parse_invoice, INVOICE | {column: value})
    assert failed == column
    assert reason in why


def test_a_payment_with_a_blank_invoice_is_applied_oldest_first_later() -> None:
    row = parse_payment(PAYMENT | {"invoice_number": " ", "method": ""}, LINE)
    assert (row.invoice_number, row.method, row.amount) == (None, None, Decimal("40.00"))


def test_a_payment_keeps_the_named_invoice_and_method() -> None:
    row = parse_payment(PAYMENT | {"invoice_number": "INV-1", "method": "ach"}, LINE)
    assert (row.invoice_number, row.method) == ("INV-1", "ach")


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("payment_id", "", "blank, but a value is required"),
        ("account_number", "", "blank, but a value is required"),
        ("received_date", "2026-2-1", "is not a date (YYYY-MM-DD)"),
        ("amount", "-40", "negative amount"),
        ("amount", "forty", "not a number"),
        ("amount", "0.00", "must be greater than 0"),
        ("method", "m" * 33, "longer than 32 characters"),
    ],
)
def test_a_bad_payment_cell_is_reported_by_column(column: str, value: str, reason: str) -> None:
    [(failed, why)] = errors_of(parse_payment, PAYMENT | {column: value})
    assert failed == column
    assert reason in why


def test_an_error_renders_as_file_line_column_reason() -> None:
    assert (
        RowError(3, "amount", "not a number").render("inv.csv") == "inv.csv:3: amount: not a number"
    )


@pytest.mark.parametrize(
    ("column", "model_column"),
    [
        ("account_number", Account.account_number),
        ("name", Account.name),
        ("postal_code", Account.postal_code),
        ("language", Account.language),
        ("email", Contact.address),
        ("invoice_number", Invoice.invoice_number),
        ("payment_id", Payment.payment_id),
        ("method", Payment.method),
    ],
)
def test_text_limits_match_the_schema(
    column: str, model_column: InstrumentedAttribute[Any]
) -> None:
    column_type = model_column.type
    assert isinstance(column_type, String)
    assert MAX_LENGTH[column] == column_type.length


@pytest.mark.parametrize(
    ("columns", "header", "problems"),
    [
        (INVOICES, list(INVOICE) + ["currency"], []),
        (INVOICES, [*INVOICE, "colour"], [("colour", "unknown column")]),
        (
            INVOICES,
            [c for c in INVOICE if c != "amount"],
            [("amount", "missing required column")],
        ),
        (INVOICES, [*INVOICE, "amount"], [("amount", "column appears twice")]),
        (CUSTOMERS, list(CUSTOMER), []),
        (PAYMENTS, [*PAYMENT, "invoice_number", "method"], []),
    ],
    ids=["optional-present", "unknown", "missing-required", "repeated", "customers", "payments"],
)
def test_header_problems_name_the_column(
    columns: ColumnSet, header: list[str], problems: list[tuple[str, str]]
) -> None:
    assert columns.header_errors(header) == problems
