"""Column types shared by the models: money and UTC timestamps."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Dialect, Numeric
from sqlalchemy.types import TypeDecorator

#: Money columns: exact decimals with two places, never float (STYLE.md).
Money = Numeric(14, 2, asdecimal=True)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware timestamp stored in UTC.

    SQLite keeps no offset, so values are normalised to UTC on the way in and marked UTC on
    the way out; PostgreSQL stores ``timestamptz``. A naive value is a bug and is refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given for a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime from the database, got {value!r}")
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def as_decimal(value: object) -> Decimal:
    """A SQL aggregate (possibly NULL, int or float on SQLite) as a cent-exact Decimal."""
    if value is None:
        return Decimal("0.00")
    return Decimal(str(value)).quantize(Decimal("0.01"))
