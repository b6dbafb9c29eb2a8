"""CSV downloads (bot.services.csv_export): a header always, no formula ever runs."""

from __future__ import annotations

import csv
import io

import pytest

from bot.services.csv_export import csv_text, safe_cell


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-12.50", "-12.50"),  # a plain negative number stays a number
        ("-3", "-3"),
        ("Ada = Supply", "Ada = Supply"),  # only the first character matters
        ("", ""),
        ("1250.00", "1250.00"),
    ],
)
def test_a_cell_that_would_be_a_formula_gets_a_leading_apostrophe(cell: str, written: str) -> None:
    assert safe_cell(cell) == written


def test_csv_has_the_header_and_the_guarded_rows() -> None:
    text = csv_text(
        [{"account": "=cmd|' /C calc'!A0", "amount": "-5.00"}, {"account": "Ada", "amount": "1"}],
        ["account", "amount"],
    )

    assert text.splitlines()[0] == "account,amount"
    assert list(csv.DictReader(io.StringIO(text))) == [
        {"account": "'=cmd|' /C calc'!A0", "amount": "-5.00"},
        {"account": "Ada", "amount": "1"},
    ]


def test_an_empty_table_still_has_its_header() -> None:
    assert csv_text([], ["status", "attempts"]) == "status,attempts\r\n"


def test_a_row_with_an_unknown_column_is_refused() -> None:
    with pytest.raises(ValueError, match="oops"):
        csv_text([{"oops": "1"}], ["status"])
