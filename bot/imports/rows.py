"""One CSV record to one typed row, or to the reasons it is not one (SPEC §4).

Pure: no database, no files. Every cell is stripped of surrounding blanks; a blank optional
cell takes its default. A row collects all its cell errors before it is refused, so the
operator sees every problem of a file in one run. Errors print as ``FILE:LINE: column:
reason``, LINE being the physical line of the file (the header is line 1).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.policy.money import parse_money

#: Longest text each column may hold (the schema's String lengths).
MAX_LENGTH = {
    "account_number": 64,
    "name": 200,
    "postal_code": 20,
    "email": 200,
    "language": 16,
    "invoice_number": 64,
    "payment_id": 64,
    "method": 32,
}
TRUE, FALSE = "true", "false"
_E164 = re.compile(r"\+[1-9][0-9]{6,14}", re.ASCII)
_CHAT_ID = re.compile(r"-?[0-9]{1,20}", re.ASCII)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", re.ASCII)
_CURRENCY = re.compile(r"[A-Za-z]{3}", re.ASCII)
#: names zoneinfo can load that are not a customer's zone (the server's own, tz internals)
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})
_NO_DAY = date.min
_ZERO = Decimal("0.00")


@dataclass(frozen=True, order=True)
class RowError:
    """One failing cell (or header column): where it is and why it fails."""

    line: int
    column: str
    reason: str

    def render(self, file: str) -> str:
        """The ``FILE:LINE: column: reason`` line shown to the operator."""
        return f"{file}:{self.line}: {self.column}: {self.reason}"


class RowInvalid(ValueError):
    """A record is not a valid row; ``errors`` names every failing cell."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(f"{e.line}: {e.column}: {e.reason}" for e in self.errors))


@dataclass(frozen=True)
class CustomerRow:
    line: int
    account_number: str
    name: str
    postal_code: str
    phone: str | None
    telegram_chat_id: str | None
    email: str | None
    timezone: str | None  # an IANA key; None when unknown
    language: str
    consumer: bool
    sms_consent: bool
    credit_limit: Decimal | None


@dataclass(frozen=True)
class InvoiceRow:
    line: int
    invoice_number: str
    account_number: str
    issue_date: date
    due_date: date
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class PaymentRow:
    line: int
    payment_id: str
    account_number: str
    received_date: date
    amount: Decimal
    invoice_number: str | None  # None: applied oldest-due first
    method: str | None


class _Cells:
    """Reads the cells of one record, collecting an error per failing cell."""

    def __init__(self, cells: Mapping[str, str], line: int) -> None:
        self._cells = cells
        self._line = line
        self.errors: list[RowError] = []

    def fail(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self._line, column, reason))

    def done(self) -> None:
        if self.errors:
            raise RowInvalid(self.errors)

    def text(self, column: str, *, required: bool = False) -> str:
        value = self._cells.get(column, "").strip()
        limit = MAX_LENGTH.get(column)
        if not value and required:
            self.fail(column, "blank, but a value is required")
        elif limit is not None and len(value) > limit:
            self.fail(column, f"longer than {limit} characters")
        return value

    def pattern(self, column: str, regex: re.Pattern[str], expected: str) -> str | None:
        value = self.text(column)
        if value and regex.fullmatch(value) is None:
            self.fail(column, f"{value!r} is not {expected}")
        return value or None

    def money(self, column: str, *, required: bool = False) -> Decimal | None:
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            return parse_money(value)
        except ValueError as exc:
            self.fail(column, f"{value!r}: {exc}")
            return None

    def amount(self, column: str) -> Decimal:
        """A required amount greater than zero."""
        value = self.money(column, required=True)
        if value is not None and value <= 0:
            self.fail(column, f"{value} must be greater than 0")
        return value if value is not None else _ZERO

    def day(self, column: str) -> date:
        value = self.text(column, required=True)
        if not value:
            return _NO_DAY
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(column, f"{value!r} is not a date (YYYY-MM-DD)")
            return _NO_DAY

    def flag(self, column: str) -> bool:
        value = self.text(column).lower()
        if value not in (TRUE, FALSE, ""):
            self.fail(column, f"{value!r} is not true or false")
        return value == TRUE

    def zone(self, column: str, default: ZoneInfo | None) -> str | None:
        value = self.text(column)
        if not value:
            return default.key if default is not None else None
        if value not in _NOT_ZONES:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError, OSError):
                pass
            else:
                return value
        self.fail(column, f"{value!r} is not an IANA time zone (e.g. America/Chicago)")
        return None


def parse_customer(
    cells: Mapping[str, str], line: int, *, default_timezone: ZoneInfo | None = None
) -> CustomerRow:
    """A customers.csv record as a row; a blank timezone becomes ``default_timezone``.

    Raises:
        RowInvalid: naming every failing cell.
    """
    c = _Cells(cells, line)
    account_number = c.text("account_number", required=True)
    name = c.text("name", required=True)
    postal_code = c.text("postal_code", required=True)
    phone = c.pattern("phone", _E164, "an E.164 phone number (+ and 7-15 digits, +14155550100)")
    chat = c.pattern("telegram_chat_id", _CHAT_ID, "a Telegram chat id (an integer)")
    email = c.pattern("email", _EMAIL, "an e-mail address")
    zone = c.zone("timezone", default_timezone)
    language = c.pattern("language", _LANGUAGE, "a language tag (en, es, fr-CA)") or "en"
    consumer, sms_consent = c.flag("consumer"), c.flag("sms_consent")
    credit_limit = c.money("credit_limit")
    c.done()
    return CustomerRow(
        line=line,
        account_number=account_number,
        name=name,
        postal_code=postal_code,
        phone=phone,
        telegram_chat_id=str(int(chat)) if chat is not None else None,
        email=email,
        timezone=zone,
        language=language,
        consumer=consumer,
        sms_consent=sms_consent,
        credit_limit=credit_limit,
    )


def parse_invoice(cells: Mapping[str, str], line: int) -> InvoiceRow:
    """An invoices.csv record as a row; the due date may not precede the issue date.

    Raises:
        RowInvalid: naming every failing cell.
    """
    c = _Cells(cells, line)
    invoice_number = c.text("invoice_number", required=True)
    account_number = c.text("account_number", required=True)
    issue_date, due_date = c.day("issue_date"), c.day("due_date")
    if _NO_DAY not in (issue_date, due_date) and due_date < issue_date:
        c.fail("due_date", f"{due_date} is before issue_date {issue_date}")
    amount = c.amount("amount")
    currency = c.pattern("currency", _CURRENCY, "a three-letter currency code (USD)") or "USD"
    c.done()
    return InvoiceRow(
        line=line,
        invoice_number=invoice_number,
        account_number=account_number,
        issue_date=issue_date,
        due_date=due_date,
        amount=amount,
        currency=currency.upper(),
    )


def parse_payment(cells: Mapping[str, str], line: int) -> PaymentRow:
    """A payments.csv record as a row.

    Raises:
        RowInvalid: naming every failing cell.
    """
    c = _Cells(cells, line)
    payment_id = c.text("payment_id", required=True)
    account_number = c.text("account_number", required=True)
    received_date = c.day("received_date")
    amount = c.amount("amount")
    invoice_number = c.text("invoice_number") or None
    method = c.text("method") or None
    c.done()
    return PaymentRow(
        line=line,
        payment_id=payment_id,
        account_number=account_number,
        received_date=received_date,
        amount=amount,
        invoice_number=invoice_number,
        method=method,
    )
