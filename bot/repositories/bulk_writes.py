"""Set-based writes of many rows: one statement for a whole set, whatever its size.

On PostgreSQL :func:`insert_set` sends each column that varies as one array and inserts
``SELECT unnest(:a), unnest(:b), …`` — a single ``INSERT … SELECT`` with a parameter per
column, rather than one execution per row (psycopg's ``executemany``) or a statement whose
thousands of placeholders the driver must parse. SQLite, in process, takes the rows as an
``executemany``. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from bot.db.models import Base
from bot.repositories.ledger import table

#: rows per statement: bounds the arrays a statement carries
SET_CHUNK = 50_000


def insert_set(session: Session, model: type[Base], rows: Sequence[Mapping[str, Any]]) -> None:
    """Inserts ``rows`` (column name → value, the same names in every row) set-based."""
    if not rows:
        return
    target = table(model)
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(target), list(rows))
        return
    names = list(rows[0])
    for start in range(0, len(rows), SET_CHUNK):
        part = rows[start : start + SET_CHUNK]
        values: list[ColumnElement[Any]] = []
        for name in names:
            column = target.c[name]
            given = [row[name] for row in part]
            if all(value == given[0] for value in given):  # one value: one plain parameter
                values.append(bindparam(None, given[0], type_=column.type))
            else:
                values.append(func.unnest(bindparam(None, given, type_=ARRAY(column.type))))
        session.execute(insert(target).from_select(names, select(*values)))
