"""The columns of each import file (SPEC §4): required ones first, then the optional ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.errors import InputError


@dataclass(frozen=True)
class ColumnSet:
    """The header one kind of file may have.

    Attributes:
        kind: ``customers``, ``invoices`` or ``payments``.
        key: the natural key column, unique within a file and in the database.
        required: columns every file of this kind must have, each cell filled.
        optional: columns a file may leave out (a blank cell takes the default).
    """

    kind: str
    key: str
    required: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def allowed(self) -> frozenset[str]:
        return frozenset(self.required + self.optional)

    def header_errors(self, header: Sequence[str]) -> list[tuple[str, str]]:
        """``(column, reason)`` for every unknown, repeated or missing column of ``header``."""
        errors: list[tuple[str, str]] = []
        seen: set[str] = set()
        for name in header:
            if name in seen:
                errors.append((name or "(blank)", "column appears twice"))
            elif name not in self.allowed:
                errors.append((name or "(blank)", "unknown column"))
            seen.add(name)
        errors += [(name, "missing required column") for name in self.required if name not in seen]
        return errors


CUSTOMERS = ColumnSet(
    kind="customers",
    key="account_number",
    required=("account_number", "name", "postal_code"),
    optional=(
        "phone",
        "telegram_chat_id",
        "email",
        "timezone",
        "language",
        "consumer",
        "sms_consent",
        "credit_limit",
    ),
)
INVOICES = ColumnSet(
    kind="invoices",
    key="invoice_number",
    required=("invoice_number", "account_number", "issue_date", "due_date", "amount"),
    optional=("currency",),
)
PAYMENTS = ColumnSet(
    kind="payments",
    key="payment_id",
    required=("payment_id", "account_number", "received_date", "amount"),
    optional=("invoice_number", "method"),
)

COLUMN_SETS = {spec.kind: spec for spec in (CUSTOMERS, INVOICES, PAYMENTS)}
KINDS = tuple(COLUMN_SETS)


def column_set(kind: str) -> ColumnSet:
    """The columns of ``kind``.

    Raises:
        InputError: when ``kind`` is not one of :data:`KINDS`.
    """
    try:
        return COLUMN_SETS[kind]
    except KeyError:
        raise InputError(f"kind: {kind!r} is not one of {', '.join(KINDS)}") from None
