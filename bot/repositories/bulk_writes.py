"""Set-based writes of many rows: one statement for a whole set, whatever its size.

On PostgreSQL :func:`insert_set` sends the columns that vary as one JSON document and
inserts ``SELECT … FROM json_to_recordset(:rows)`` — a single ``INSERT … SELECT`` with one
parameter, rather than one execution per row (psycopg's ``executemany``) or arrays whose
every string the driver escapes. SQLite, in process, takes the rows as an
``executemany``. Nothing here commits.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Column, ColumnElement, Text, bindparam, cast, column, func, insert, select
from sqlalchemy.dialects.postgresql import JSON
from sqlalchemy.orm import Session

from bot.db.models import Base
from bot.repositories.ledger import table

#: rows per statement: bounds the document a statement carries
SET_CHUNK = 100_000


def insert_set(session: Session, model: type[Base], rows: Sequence[Mapping[str, Any]]) -> None:
    """Inserts ``rows`` (column name → value, the same names in every row) set-based.

    The values that differ between rows must be text, numbers, decimals, dates or None;
    a value shared by every row (an instant, a currency) is one ordinary parameter.
    """
    if not rows:
        return
    target = table(model)
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(target), list(rows))
        return
    names = list(rows[0])
    for start in range(0, len(rows), SET_CHUNK):
        part = rows[start : start + SET_CHUNK]
        varying = [n for n in names if any(row[n] != part[0][n] for row in part)]
        if len(part) > 1 and not varying:
            varying = names[:1]  # identical rows: one column still makes them a set
        values: list[ColumnElement[Any]] = [
            cast(bindparam(None, part[0][n], type_=target.c[n].type), target.c[n].type)
            for n in names
        ]
        statement = select(*values)
        if varying:
            given = _recordset(part, [target.c[n] for n in varying])
            values = [given.c[n] if n in varying else v for n, v in zip(names, values, strict=True)]
            statement = select(*values).select_from(given)
        session.execute(insert(target).from_select(names, statement))


def _recordset(rows: Sequence[Mapping[str, Any]], columns: Sequence[Column[Any]]) -> Any:
    """``json_to_recordset(:document) AS given(name type, …)`` over these columns of rows."""
    document = json.dumps([{c.name: row[c.name] for c in columns} for row in rows], default=str)
    parameter = cast(bindparam(None, document, type_=Text()), JSON)
    return (
        func.json_to_recordset(parameter)
        .table_valued(*[column(c.name, c.type) for c in columns])
        .render_derived(name="given", with_types=True)
    )
