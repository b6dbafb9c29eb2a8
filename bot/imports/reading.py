"""A CSV file to records that know their physical line (SPEC §4: UTF-8, header row, commas).

Problems with the file as a whole — it cannot be read, is not UTF-8, is not CSV, or its
header has unknown, repeated or missing columns — reject it outright, even with
``--skip-invalid``: no row of it can be trusted. A record with the wrong number of cells
is one invalid row. Blank lines are skipped.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import ImportRejected, InputError
from bot.imports.columns import ColumnSet
from bot.imports.rows import RowError

if TYPE_CHECKING:
    from _csv import Reader

HEADER_LINE = 1


@dataclass(frozen=True)
class Record:
    """One data record: its first physical line and its cells by column name."""

    line: int
    cells: dict[str, str]


@dataclass(frozen=True)
class CsvFile:
    """What was read: the columns present, the well-formed records, the malformed ones."""

    columns: frozenset[str]
    records: tuple[Record, ...]
    errors: tuple[RowError, ...]


def read_csv(path: Path, columns: ColumnSet) -> CsvFile:
    """Reads ``path`` as a file of ``columns.kind``.

    Raises:
        InputError: when the file cannot be read.
        ImportRejected: when it is not UTF-8 CSV or its header is wrong.
    """
    label = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{label}: cannot read the file ({exc.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        bad = RowError(line, "(file)", f"not UTF-8 text (byte 0x{data[exc.start]:02x})")
        raise ImportRejected([bad.render(label)]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _records(reader, columns, label)
    except csv.Error as exc:
        bad = RowError(reader.line_num, "(file)", f"not CSV ({exc})")
        raise ImportRejected([bad.render(label)]) from None


def _records(reader: Reader, columns: ColumnSet, label: str) -> CsvFile:
    header = tuple(name.strip() for name in next(reader, []))
    if not header:
        raise ImportRejected([f"{label}:{HEADER_LINE}: (file): empty, a header row is required"])
    problems = columns.header_errors(header)
    if problems:
        raise ImportRejected([RowError(HEADER_LINE, c, r).render(label) for c, r in problems])
    records: list[Record] = []
    errors: list[RowError] = []
    line = reader.line_num + 1
    width = len(header)
    for cells in reader:
        if len(cells) == width and (width > 1 or cells[0].strip()):
            records.append(Record(line, dict(zip(header, cells, strict=True))))
        elif len(cells) > 1 or "".join(cells).strip():  # not a blank line
            reason = f"{len(cells)} cells, but the header has {width} columns"
            errors.append(RowError(line, "(row)", reason))
        line = reader.line_num + 1
    return CsvFile(frozenset(header), tuple(records), tuple(errors))
