"""What every kind's importer is given, and what it hands back to the loader.

An importer works in two steps inside the loader's transaction: ``plan`` parses the records,
checks them against the database and decides what to insert and update, without writing;
``write`` then carries out the plan for the valid rows. The loader sits in between and
refuses the whole file when any row failed, unless it was asked to skip invalid rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from bot.imports.reading import Record
from bot.imports.rows import RowError, RowInvalid
from bot.policy.credit import HOLD_DAYS_PAST_DUE

R = TypeVar("R")
#: rows written per statement, and between two progress reports
BATCH = 5_000


@dataclass(frozen=True)
class ImportContext:
    """The file being imported and the settings of this run.

    Attributes:
        file: the file as the operator named it (the FILE of error lines).
        columns: the columns the file's header has; an optional column that is left out
            leaves the stored value alone, where a blank cell sets the default.
        now: the aware UTC instant stamped on created and updated rows.
        progress: told how many more rows were processed.
        hold_days: days past due that put an account on credit hold
            (``ARBOT_HOLD_DAYS_PAST_DUE``), for the holds the import starts or ends.
    """

    file: str
    columns: frozenset[str]
    now: datetime
    progress: Callable[[int], None]
    hold_days: int = HOLD_DAYS_PAST_DUE


@dataclass
class Counts:
    """What happened to the valid rows."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated)


class Plan(Protocol):
    """The outcome of checking a file against the database, ready to be written."""

    @property
    def errors(self) -> Sequence[RowError]: ...

    def write(self, session: Session, context: ImportContext) -> Counts: ...


def parse_records(
    records: Sequence[Record], parse: Callable[[Mapping[str, str], int], R], key: str
) -> tuple[list[R], list[RowError]]:
    """Parses every record; a record repeating an earlier one's ``key`` value is an error.

    Duplicates are found on the raw key, so the later line is reported even when the first
    one is invalid for another reason.
    """
    rows: list[R] = []
    errors: list[RowError] = []
    first_line: dict[str, int] = {}
    for record in records:
        value = record.cells[key].strip()
        if value and value in first_line:
            errors.append(RowError(record.line, key, f"duplicate of line {first_line[value]}"))
            continue
        if value:
            first_line[value] = record.line
        try:
            rows.append(parse(record.cells, record.line))
        except RowInvalid as exc:
            errors.extend(exc.errors)
    return rows, errors


def batches(items: Sequence[R], size: int = BATCH) -> Iterator[Sequence[R]]:
    """``items`` in slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
