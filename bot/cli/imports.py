"""``arbot import customers|invoices|payments FILE`` (SPEC §4)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import click

from bot.cli.context import wired
from bot.cli.output import emit_json
from bot.errors import InputError
from bot.imports.loader import ImportReport, import_file

KINDS = ("customers", "invoices", "payments")
#: below this many rows a progress bar is only noise
PROGRESS_MIN_ROWS = 5_000


@click.command("import")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows and report the rest.")
@click.option("--json", "as_json", is_flag=True, help="Print the import report as JSON.")
def import_(kind: str, file: Path, skip_invalid: bool, as_json: bool) -> None:
    """Validated, idempotent upsert of one CSV file; a bad row imports nothing."""
    if not file.is_file():
        raise InputError(f"FILE: {file} does not exist")
    app = wired()
    rows = _count_rows(file)
    with app.sessions() as session:

        def load(progress: Callable[[int], None] | None) -> ImportReport:
            return import_file(
                session,
                kind,
                file,
                now=app.clock.now(),
                default_timezone=app.settings.default_timezone,
                skip_invalid=skip_invalid,
                progress=progress,
                hold_days=app.settings.hold_days_past_due,
            )

        if rows >= PROGRESS_MIN_ROWS and sys.stderr.isatty() and not as_json:
            with click.progressbar(length=rows, label=f"importing {kind}", file=sys.stderr) as bar:
                report = load(bar.update)
        else:
            report = load(None)
    if as_json:
        emit_json(asdict(report) | {"file": str(report.file), "errors": list(report.errors)})
    else:
        _describe(report)


def _count_rows(file: Path) -> int:
    with file.open("rb") as handle:
        return max(0, sum(1 for _ in handle) - 1)


def _describe(report: ImportReport) -> None:
    for line in report.errors:
        click.echo(line, err=True)
    click.echo(
        f"{report.file}: {report.rows} rows — {report.inserted} new, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.invalid} invalid (skipped)"
    )
