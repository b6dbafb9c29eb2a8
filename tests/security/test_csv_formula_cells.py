"""CSV export: a cell a spreadsheet would run as a formula is neutralised in every download.

Customers imported from CSV with names and account numbers that start with ``=``, ``+``,
``-`` or ``@``, and a collector whose e-mail starts with ``=``, each with a broken promise
in the period; every table of the dashboard is downloaded, and no cell of any of them
starts with one of those characters unless it is a plain number — the formulas come back
behind a leading apostrophe, the rest of the text as it was.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

from bot.db.models import Account, Promise
from bot.services.csv_export import FORMULA_STARTS
from bot.services.dashboard_tables import TABLES
from tests.security.conftest import CallerFactory, import_csv
from tests.web.console.conftest import AddUser, ConsoleApp

PERIOD = {"from": "2026-11-01", "to": "2026-11-22"}
FORMULAS = {
    '=HYPERLINK("http://evil.example","pay")': "=1+1",
    "+cmd|' /C calc'!A0": "+A1",
    "-2+3+cmd|' /C notepad'!A0": "-A1",
    "@SUM(1+9)*cmd|' /C calc'!A0": "@A1",
}
COLLECTOR = "=2+5@example.com"


def formula_like(cell: str) -> bool:
    """What a spreadsheet would run: a formula start that is not a plain number."""
    try:
        Decimal(cell)
    except ArithmeticError:
        return cell.startswith(FORMULA_STARTS)
    return False


def test_no_download_holds_a_cell_a_spreadsheet_would_run(
    console: ConsoleApp, caller: CallerFactory, add_user: AddUser, tmp_path: Path
) -> None:
    import_csv(console, tmp_path, "customers", [
        {"account_number": number, "name": name, "postal_code": "02110"}
        for name, number in FORMULAS.items()
    ])  # fmt: skip
    collector = add_user("collector", COLLECTOR)
    with console.sessions() as session, session.begin():
        for account in session.query(Account).all():
            session.add(
                Promise(account_id=account.id, amount=Decimal("50.00"),
                        due_date=date(2026, 11, 10), status="broken", channel="phone",
                        taken_by="collector", collector_id=collector.id,
                        amount_collected=Decimal("0.00"), created_at=console.clock.now())
            )  # fmt: skip
    manager = caller("manager")

    cells: dict[str, list[str]] = {}
    for table in TABLES:
        response = manager.client.get(f"/console/dashboard/{table}.csv", params=PERIOD)
        assert response.status_code == 200, table
        cells[table] = [cell for row in csv.reader(io.StringIO(response.text)) for cell in row]

    assert {table: [c for c in found if formula_like(c)] for table, found in cells.items()} == {
        table: [] for table in TABLES
    }
    broken = cells["broken-promises"]
    for name, number in FORMULAS.items():
        assert f"'{name}" in broken
        assert f"'{number}" in broken
    assert f"'{COLLECTOR}" in broken
