"""The import service: one CSV file in, one transaction, one report out (SPEC §4).

Everything is validated before anything is written: the header, every cell, the natural keys
within the file, and each row against the database (unknown accounts, payments imported
before with other values …). A file with any failing row imports nothing and raises
:class:`~bot.errors.ImportRejected` naming every failure as ``FILE:LINE: column: reason`` —
unless ``skip_invalid``, which imports the valid rows and lists the failures in the report.

Importing the same file twice changes nothing: unchanged rows are not written at all, and an
import that changed nothing leaves no audit event.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.errors import ImportRejected
from bot.imports import customers, invoices, payments
from bot.imports.columns import column_set
from bot.imports.context import Counts, ImportContext, Plan
from bot.imports.reading import Record, read_csv
from bot.imports.rows import RowError
from bot.policy.credit import HOLD_DAYS_PAST_DUE
from bot.repositories import credit_holds, ledger
from bot.services.credit.holds import reconcile_holds

#: error lines shown before the rest are only counted
MAX_ERRORS = 100


@dataclass(frozen=True)
class ImportReport:
    """What one import did.

    Attributes:
        file: the file as given.
        kind: ``customers``, ``invoices`` or ``payments``.
        rows: data rows in the file (blank lines not counted).
        inserted: new rows written.
        updated: stored rows changed by the file.
        unchanged: rows identical to what was stored: not written.
        invalid: rows refused (only with ``skip_invalid``; otherwise nothing is imported).
        errors: ``FILE:LINE: column: reason`` per failure, at most :data:`MAX_ERRORS`
            lines and then one line counting the rest.
    """

    file: str
    kind: str
    rows: int
    inserted: int
    updated: int
    unchanged: int
    invalid: int
    errors: tuple[str, ...]


def import_file(
    session: Session,
    kind: str,
    path: Path,
    *,
    now: datetime,
    default_timezone: ZoneInfo | None = None,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
    hold_days: int = HOLD_DAYS_PAST_DUE,
) -> ImportReport:
    """Imports one CSV file of ``kind`` in one transaction.

    Args:
        session: a session with no transaction open; the import opens and commits its own.
        kind: ``customers``, ``invoices`` or ``payments``.
        path: the CSV file (UTF-8, a BOM is fine, header row, commas).
        now: aware instant stamped on created and updated rows.
        default_timezone: zone given to customers whose timezone cell is blank; None leaves
            their zone unknown.
        skip_invalid: import the valid rows and report the invalid ones instead of refusing
            the whole file.
        progress: called with the number of rows processed since the last call.
        hold_days: days past due that put an account on credit hold
            (``ARBOT_HOLD_DAYS_PAST_DUE``).

    Raises:
        InputError: ``kind`` is unknown or the file cannot be read.
        ImportRejected: the file is malformed, or a row failed and ``skip_invalid`` is off.
        ValueError: ``now`` is naive.
    """
    if now.tzinfo is None:
        raise ValueError(f"now must be timezone-aware, got {now!r}")
    label = str(path)
    csv_file = read_csv(path, column_set(kind))
    source = Source(label, path.name[-64:], csv_file.columns, csv_file.records, csv_file.errors)
    return import_records(
        session,
        kind,
        source,
        now=now,
        default_timezone=default_timezone,
        skip_invalid=skip_invalid,
        progress=progress,
        hold_days=hold_days,
    )


@dataclass(frozen=True)
class Source:
    """Records to import, wherever they came from (a CSV file, the JSON API's objects).

    Attributes:
        label: the FILE of error lines.
        audit_id: the audit event's entity id (the file's name; ``api:KIND`` for the API).
        columns: the columns present; an optional one left out leaves stored values alone.
        records: the well-formed records, each with its line (or index).
        errors: records refused before parsing (wrong shape).
    """

    label: str
    audit_id: str
    columns: frozenset[str]
    records: Sequence[Record]
    errors: Sequence[RowError] = ()


def import_records(
    session: Session,
    kind: str,
    source: Source,
    *,
    now: datetime,
    default_timezone: ZoneInfo | None = None,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
    hold_days: int = HOLD_DAYS_PAST_DUE,
) -> ImportReport:
    """Imports ``source``'s records of ``kind`` in one transaction: the one import of arbot,
    for a CSV file and for the JSON API alike (same checks, same upsert, same side effects).

    Raises:
        ImportRejected: a record failed and ``skip_invalid`` is off; nothing was written.
    """
    label = source.label
    context = ImportContext(label, source.columns, now, progress or _ignore, hold_days)
    planner = _planner(kind, default_timezone)
    with session.begin():
        plan = planner(session, source.records, context)
        errors = sorted([*source.errors, *plan.errors], key=lambda error: error.line)
        if errors and not skip_invalid:
            raise ImportRejected(
                _shown(errors, label), [(e.line, e.column, e.reason) for e in errors]
            )
        counts = plan.write(session, context)
        if counts.changed and kind != "payments":  # payments reconcile as they are applied
            touched = credit_holds.stamped_accounts(session, kind, now)
            why = f"import {kind}"
            reconcile_holds(session, touched, now, "system", why, days_limit=hold_days)
        rows = len(source.records) + len(source.errors)
        report = _report(label, kind, rows, counts, errors)
        if counts.changed:
            ledger.add_audit_event(
                session, at=now, entity_id=source.audit_id, action=kind, detail=_detail(report)
            )
    session.expire_all()  # Core writes bypassed any objects the session may hold
    return report


Planner = Callable[[Session, Sequence[Record], ImportContext], Plan]


def _planner(kind: str, default_timezone: ZoneInfo | None) -> Planner:
    if kind == "customers":
        return partial(customers.plan, default_timezone=default_timezone)
    return invoices.plan if kind == "invoices" else payments.plan


def _ignore(_rows: int) -> None:
    """The progress callback when nobody watches."""


def _shown(errors: Sequence[RowError], label: str) -> list[str]:
    """The error lines, capped at :data:`MAX_ERRORS` plus one line counting the rest."""
    lines = [error.render(label) for error in errors[:MAX_ERRORS]]
    if len(errors) > MAX_ERRORS:
        lines.append(f"{label}: ... and {len(errors) - MAX_ERRORS} more errors")
    return lines


def _report(
    label: str, kind: str, rows: int, counts: Counts, errors: Sequence[RowError]
) -> ImportReport:
    return ImportReport(
        file=label,
        kind=kind,
        rows=rows,
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        invalid=len({error.line for error in errors}),
        errors=tuple(_shown(errors, label)),
    )


def _detail(report: ImportReport) -> str:
    counts = {
        "file": report.file,
        "rows": report.rows,
        "inserted": report.inserted,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "invalid": report.invalid,
    }
    return json.dumps(counts)
