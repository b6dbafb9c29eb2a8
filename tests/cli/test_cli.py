"""The ``arbot`` CLI at its edge: exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.runner import arbot


@pytest.fixture
def migrated(tmp_database: str) -> str:
    assert arbot("db", "upgrade", database=tmp_database).code == 0
    return tmp_database


def test_db_upgrade_creates_the_sqlite_file(tmp_path: Path) -> None:
    result = arbot("db", "upgrade", database=f"sqlite:///{tmp_path}/sub/arbot.db")
    assert result.code == 0, result.err
    assert (tmp_path / "sub" / "arbot.db").is_file()


def test_commands_on_an_unmigrated_database_say_how_to_fix_it(tmp_database: str) -> None:
    result = arbot("report", "aging", database=tmp_database)
    assert result.code == 1
    assert "arbot db upgrade" in result.err
    assert "Traceback" not in result.err


def test_usage_error_exits_2(migrated: str) -> None:
    result = arbot("report", "aging", "--no-such-option", database=migrated)
    assert result.code == 2


def test_bad_date_exits_1_with_one_line_naming_the_option(migrated: str) -> None:
    result = arbot("report", "aging", "--as-of", "2026-13-01", database=migrated)
    assert result.code == 1
    assert result.err.strip().count("\n") == 0
    assert "--as-of" in result.err


def test_period_ending_before_it_starts_is_rejected(migrated: str) -> None:
    result = arbot(
        "report", "kpis", "--from", "2026-11-10", "--to", "2026-11-01", database=migrated
    )
    assert result.code == 1
    assert "--to" in result.err


def test_show_unknown_account_exits_1(migrated: str) -> None:
    result = arbot("show", "A-404", database=migrated)
    assert result.code == 1
    assert "A-404" in result.err
    assert "Traceback" not in result.err


def test_bad_arbot_now_is_reported_by_name(migrated: str) -> None:
    result = arbot("report", "aging", database=migrated, now="yesterday")
    assert result.code == 1
    assert "ARBOT_NOW" in result.err


def test_import_missing_file_exits_1(migrated: str, tmp_path: Path) -> None:
    result = arbot("import", "invoices", str(tmp_path / "nope.csv"), database=migrated)
    assert result.code == 1
    assert "nope.csv" in result.err


def test_import_with_a_bad_row_names_file_line_and_column_and_imports_nothing(
    migrated: str, tmp_path: Path
) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "account_number,name,postal_code,timezone\n"
        "A-1,Ada Ltd,10001,America/New_York\n"
        "A-2,Bob Inc,10002,Mars/Olympus\n",
        encoding="utf-8",
    )
    result = arbot("import", "customers", str(customers), database=migrated)
    assert result.code == 1
    assert result.err.startswith(f"Error: {customers}:3: timezone:")
    assert result.err.strip().count("\n") == 0
    shown = arbot("show", "A-1", database=migrated)
    assert shown.code == 1  # nothing from the file was imported


def test_user_add_generates_a_password_once_and_refuses_a_duplicate(migrated: str) -> None:
    first = arbot("user", "add", "ana@example.com", "--role", "collector", database=migrated)
    assert first.code == 0, first.err
    assert "password:" in first.out
    again = arbot("user", "add", "ANA@example.com", "--role", "manager", database=migrated)
    assert again.code == 1
    assert "already exists" in again.err


def test_user_add_reads_a_password_from_stdin(migrated: str) -> None:
    result = arbot(
        "user",
        "add",
        "mo@example.com",
        "--role",
        "manager",
        "--password-stdin",
        database=migrated,
        stdin="correct horse battery\n",
    )
    assert result.code == 0, result.err
    assert "password:" not in result.out


def test_user_add_rejects_an_unknown_role_as_usage_error(migrated: str) -> None:
    result = arbot("user", "add", "x@example.com", "--role", "boss", database=migrated)
    assert result.code == 2


def test_show_gives_the_account_language_in_text_and_json(migrated: str, tmp_path: Path) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "account_number,name,postal_code,timezone,language\n"
        "A-1,Ada Ltd,10001,America/New_York,es\n"
        "A-2,Bob Inc,10002,America/New_York,en\n",
        encoding="utf-8",
    )
    imported = arbot("import", "customers", str(customers), database=migrated)
    assert imported.code == 0, imported.err
    shown = arbot("show", "A-1", database=migrated)
    assert shown.code == 0, shown.err
    assert "language es" in shown.out.splitlines()[0]
    as_json = arbot("show", "A-2", "--json", database=migrated)
    assert json.loads(as_json.out)["language"] == "en"
