"""Tables as CSV files people open in a spreadsheet, safe against formula injection.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read
as a formula by Excel, LibreOffice or Google Sheets, so a customer who calls their
company ``=HYPERLINK(...)`` could make a manager's spreadsheet run it. Such a cell gets a
leading apostrophe (OWASP's advice), which spreadsheets show as text. A plain number such
as ``-12.50`` is left alone: it cannot be a formula, and it stays a number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def safe_cell(value: str) -> str:
    """The cell as a spreadsheet will show it as text, never run it as a formula."""
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return f"'{value}"
    return value


def csv_text(rows: Sequence[Mapping[str, str]], columns: Sequence[str]) -> str:
    """The rows as CSV with a header line of ``columns`` (written even with no rows).

    Raises:
        ValueError: when a row has a key that is not one of ``columns``.
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: safe_cell(value) for key, value in row.items()})
    return out.getvalue()
