"""``arbot report rolls|contact|forecast`` (SPEC §13): shapes, CSV and bad input."""

from __future__ import annotations

import pytest

from tests.cli.runner import arbot


@pytest.fixture
def migrated(tmp_database: str) -> str:
    assert arbot("db", "upgrade", database=tmp_database).code == 0
    return tmp_database


def test_each_report_prints_the_json_shape_of_the_spec(migrated: str) -> None:
    rolls = arbot("report", "rolls", "--month", "2026-10", "--json", database=migrated).json()
    forecast = arbot("report", "forecast", "--as-of", "2026-11-02", "--json", database=migrated)
    contact = arbot("report", "contact", "--from", "2026-10-01", "--to", "2026-10-31", "--json",
                    database=migrated).json()  # fmt: skip
    assert rolls == {
        "month": "2026-10",
        "roll_rates": dict.fromkeys(("current", "1-30", "31-60", "61-90", "91-120")),
        "cure_rate": None,
    }
    weeks = forecast.json()["weeks"]
    assert (forecast.json()["as_of"], len(weeks), weeks[1]) == (
        "2026-11-02", 13, {"start": "2026-11-09", "committed": "0.00", "expected": "0.00"}
    )  # fmt: skip
    assert (contact["right_party_contact_rate"], contact["promise_conversion"]) == (None, None)


def test_the_forecast_downloads_as_csv_one_row_a_week(migrated: str) -> None:
    printed = arbot("report", "forecast", "--as-of", "2026-11-02", "--csv", database=migrated)
    lines = printed.out.splitlines()
    assert lines[0] == "week,start,committed,expected"
    assert lines[1] == "1,2026-11-02,0.00,0.00"
    assert len(lines) == 14


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("rolls", "--month", "2026-13"), "--month"),
        (("forecast", "--as-of", "someday"), "--as-of"),
        (("contact", "--from", "2026-11-10", "--to", "2026-11-01"), "--to"),
    ],
)
def test_bad_input_exits_1_naming_the_option(
    migrated: str, args: tuple[str, ...], option: str
) -> None:
    result = arbot("report", *args, database=migrated)
    assert result.code == 1
    assert result.err.strip().count("\n") == 0
    assert option in result.err
