"""JSON objects to import records (SPEC §15): the API's rows, checked as CSV rows are.

An object of the JSON API is a CSV record in another dress: its keys are the file's
columns, its values the cells. Strings are taken as they are; numbers keep their exact
digits (the body is parsed with ``Decimal``); ``true``/``false`` become the cells
``true``/``false``; ``null`` is a blank cell. The columns of a request are the keys its
objects use — one that an object leaves out is a blank cell for it, as in a CSV file — so
a request that names no ``phone`` at all leaves stored phones alone, as a file without
that column does. A record's line is the object's index in the array.

An element that is not an object, a key that is not a column, and a nested value are
refused here; everything else is the import's own validation (:mod:`bot.imports.rows`).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from bot.imports.columns import ColumnSet
from bot.imports.loader import Source
from bot.imports.reading import Record
from bot.imports.rows import RowError

#: the most objects one request may carry
MAX_OBJECTS = 1_000


def source_of(objects: Sequence[object], columns: ColumnSet, label: str) -> Source:
    """The records of ``objects`` (a parsed JSON array) as an import source of ``columns``."""
    present = {key for item in objects if isinstance(item, dict) for key in item}
    header = frozenset(present & columns.allowed) | frozenset(columns.required)
    records: list[Record] = []
    errors: list[RowError] = []
    for index, item in enumerate(objects):
        if not isinstance(item, dict):
            errors.append(RowError(index, "(object)", "expected a JSON object"))
            continue
        cells, problems = _cells(item, index, columns)
        if problems:
            errors.extend(problems)
        else:
            records.append(Record(index, {name: cells.get(name, "") for name in header}))
    return Source(label, label, header, records, errors)


def _cells(
    item: dict[str, object], index: int, columns: ColumnSet
) -> tuple[dict[str, str], list[RowError]]:
    cells: dict[str, str] = {}
    problems: list[RowError] = []
    for key, value in item.items():
        if key not in columns.allowed:
            problems.append(RowError(index, key, "unknown column"))
        elif isinstance(value, bool):
            cells[key] = "true" if value else "false"
        elif value is None:
            cells[key] = ""
        elif isinstance(value, str):
            cells[key] = value
        elif isinstance(value, int | Decimal):
            cells[key] = str(value)
        else:
            problems.append(RowError(index, key, "expected a string, a number or a boolean"))
    return cells, problems
