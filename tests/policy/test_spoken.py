"""What customers write for amounts, dates and counts (bot.policy.spoken)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.policy.spoken import parse_amount, parse_count, parse_date

WEDNESDAY = date(2026, 11, 25)
SUNDAY = date(2026, 11, 22)
FRIDAY = date(2026, 11, 27)
NEW_YEARS_EVE = date(2026, 12, 31)  # a Thursday


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("$1,250", "1250.00"),
        ("1250.00", "1250.00"),
        ("1,250", "1250.00"),
        ("300 bucks", "300.00"),
        ("$75", "75.00"),
        ("725.50", "725.50"),
        ("$2,300.50", "2300.50"),
        ("$1000", "1000.00"),
        ("400 dollars", "400.00"),
        ("2k", "2000.00"),
        ("about $450", "450.00"),
        ("USD 60", "60.00"),
        # words
        ("twelve fifty", "1250.00"),  # price-style: 12|50 is 1,250, never 12.50
        ("two fifty", "250.00"),
        ("one twenty five", "125.00"),
        ("twelve oh five", "1205.00"),
        ("five hundred dollars", "500.00"),
        ("two hundred", "200.00"),
        ("two hundred dollars", "200.00"),
        ("three hundred", "300.00"),
        ("a hundred bucks", "100.00"),
        ("one hundred and fifty", "150.00"),
        ("twelve hundred", "1200.00"),
        ("twenty-five hundred", "2500.00"),
        ("two thousand five hundred", "2500.00"),
        ("five grand", "5000.00"),
        ("3 hundred", "300.00"),
        ("forty dollars", "40.00"),
        ("sixty dollars", "60.00"),
        ("ninety bucks", "90.00"),
        ("twelve dollars and fifty cents", "12.50"),
        ("fifty cents", "0.50"),
        # an amount in a sentence
        ("i can do 300 on friday", "300.00"),
        ("$300 on the 15th", "300.00"),
        ("can pay 200 next week", "200.00"),
        # not amounts
        ("", None),
        ("friday", None),
        ("half", None),
        ("the whole thing", None),
        ("one five", None),
        ("five five", None),
        ("a", None),
        ("1,25", None),
        ("12.345", None),
        ("12/15", None),
        ("the 15th", None),
        ("INV-2044", None),
        ("300 or 400", None),
        ("two hundred hundred", None),
    ],
)
def test_parse_amount(text: str, amount: str | None) -> None:
    assert parse_amount(text) == (None if amount is None else Decimal(amount))


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_digits_round_trip(value: Decimal) -> None:
    assert parse_amount(f"${value:,.2f}") == value
    assert parse_amount(f"{value:.2f}") == value


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        # relative days
        ("today", WEDNESDAY, WEDNESDAY),
        ("tonight", WEDNESDAY, WEDNESDAY),
        ("tomorrow", WEDNESDAY, date(2026, 11, 26)),
        ("tmrw", WEDNESDAY, date(2026, 11, 26)),
        ("the day after tomorrow", WEDNESDAY, date(2026, 11, 27)),
        ("tmrw", NEW_YEARS_EVE, date(2027, 1, 1)),
        ("in 3 days", WEDNESDAY, date(2026, 11, 28)),
        ("in two weeks", WEDNESDAY, date(2026, 12, 9)),
        ("in a week", NEW_YEARS_EVE, date(2027, 1, 7)),
        ("in a month", date(2027, 1, 31), date(2027, 2, 28)),
        ("two weeks from now", WEDNESDAY, date(2026, 12, 9)),
        # weekdays: bare = next one strictly after today
        ("friday", WEDNESDAY, FRIDAY),
        ("fri", WEDNESDAY, FRIDAY),
        ("FRIDAY", WEDNESDAY, FRIDAY),
        ("monday", WEDNESDAY, date(2026, 11, 30)),
        ("wednesday", WEDNESDAY, date(2026, 12, 2)),
        ("friday", FRIDAY, date(2026, 12, 4)),
        ("this friday", WEDNESDAY, FRIDAY),
        ("this friday", FRIDAY, FRIDAY),
        ("this coming friday", FRIDAY, date(2026, 12, 4)),
        ("friday", NEW_YEARS_EVE, date(2027, 1, 1)),
        # next <weekday> = that day of next Sunday-to-Saturday week
        ("next friday", WEDNESDAY, date(2026, 12, 4)),
        ("next fri", WEDNESDAY, date(2026, 12, 4)),
        ("next friday", SUNDAY, date(2026, 12, 4)),
        ("next friday", date(2026, 11, 28), date(2026, 12, 4)),
        ("next monday", FRIDAY, date(2026, 11, 30)),
        ("next thurs", WEDNESDAY, date(2026, 12, 3)),
        ("next tues", NEW_YEARS_EVE, date(2027, 1, 5)),
        # weeks and weekends
        ("next week", WEDNESDAY, date(2026, 11, 30)),
        ("next week", SUNDAY, date(2026, 11, 30)),
        ("next week", NEW_YEARS_EVE, date(2027, 1, 4)),
        ("this weekend", WEDNESDAY, date(2026, 11, 28)),
        ("this weekend", SUNDAY, SUNDAY),
        ("after the weekend", WEDNESDAY, date(2026, 11, 30)),
        ("after the weekend", SUNDAY, date(2026, 11, 23)),
        ("end of the week", WEDNESDAY, FRIDAY),
        # days of the month: next one on or after today
        ("the 15th", WEDNESDAY, date(2026, 12, 15)),
        ("the 25th", WEDNESDAY, WEDNESDAY),
        ("the 30th", WEDNESDAY, date(2026, 11, 30)),
        ("the 15th", date(2026, 12, 20), date(2027, 1, 15)),
        ("15th", date(2026, 11, 10), date(2026, 11, 15)),
        ("on the 9th", WEDNESDAY, date(2026, 12, 9)),
        ("the 31st", date(2026, 11, 5), date(2026, 11, 30)),
        ("the fifteenth", WEDNESDAY, date(2026, 12, 15)),
        ("the 3rd of next month", WEDNESDAY, date(2026, 12, 3)),
        ("the 3rd of next month", date(2026, 12, 2), date(2027, 1, 3)),
        # end of month
        ("end of month", WEDNESDAY, date(2026, 11, 30)),
        ("end of the month", WEDNESDAY, date(2026, 11, 30)),
        ("eom", date(2027, 2, 3), date(2027, 2, 28)),
        ("end of the month", date(2028, 2, 3), date(2028, 2, 29)),
        ("end of next month", NEW_YEARS_EVE, date(2027, 1, 31)),
        ("next month", NEW_YEARS_EVE, date(2027, 1, 1)),
        # calendar dates: nearest such date, explicit year kept
        ("12/15", WEDNESDAY, date(2026, 12, 15)),
        ("11/30", WEDNESDAY, date(2026, 11, 30)),
        ("1/9", date(2026, 12, 20), date(2027, 1, 9)),
        ("12/15/2027", WEDNESDAY, date(2027, 12, 15)),
        ("12/15/27", WEDNESDAY, date(2027, 12, 15)),
        ("dec 3rd", WEDNESDAY, date(2026, 12, 3)),
        ("Dec. 3", WEDNESDAY, date(2026, 12, 3)),
        ("december 3", WEDNESDAY, date(2026, 12, 3)),
        ("3rd of december", WEDNESDAY, date(2026, 12, 3)),
        ("3 dec", WEDNESDAY, date(2026, 12, 3)),
        ("jan 9th", date(2026, 12, 20), date(2027, 1, 9)),
        ("jan 9th", NEW_YEARS_EVE, date(2027, 1, 9)),
        ("nov 1", date(2026, 11, 20), date(2026, 11, 1)),
        ("dec 30", date(2027, 1, 2), date(2026, 12, 30)),
        ("feb 14", WEDNESDAY, date(2027, 2, 14)),
        ("march 2nd", WEDNESDAY, date(2027, 3, 2)),
        ("2026-12-03", WEDNESDAY, date(2026, 12, 3)),
        ("sept 3, 2027", WEDNESDAY, date(2027, 9, 3)),
        # in a sentence
        ("I WILL PAY FRIDAY STOP BUGGING ME", WEDNESDAY, FRIDAY),
        ("$300 on the 15th", WEDNESDAY, date(2026, 12, 15)),
        # not dates
        ("", WEDNESDAY, None),
        ("payday", WEDNESDAY, None),
        ("soon", WEDNESDAY, None),
        ("$300", WEDNESDAY, None),
        ("13/45", WEDNESDAY, None),
        ("feb 30", WEDNESDAY, None),
        ("2026-02-30", WEDNESDAY, None),
        ("the 32nd", WEDNESDAY, None),
        ("i may pay", WEDNESDAY, None),
        ("in 99999999 days", WEDNESDAY, None),
        ("in 5000 months", WEDNESDAY, None),
        ("tomorrow", date.max, None),
        ("next month", date.max, None),
    ],
)
def test_parse_date(text: str, today: date, expected: date | None) -> None:
    assert parse_date(text, today) == expected


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_weekday_names_land_within_the_next_two_weeks(today: date) -> None:
    for phrase in ("friday", "next friday", "this friday", "monday", "next monday"):
        found = parse_date(phrase, today)
        assert found is not None
        assert today <= found <= today + timedelta(days=13)
        assert found.weekday() == (4 if "friday" in phrase else 0)


@given(st.text(), st.dates())
def test_any_text_parses_or_is_refused_without_error(text: str, today: date) -> None:
    assert parse_amount(text) is None or parse_amount(text) >= 0
    assert parse_date(text, today) is None or isinstance(parse_date(text, today), date)
    assert parse_count(text) is None or parse_count(text) >= 0


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("6", 6),
        ("six", 6),
        ("6 months", 6),
        ("twelve", 12),
        ("ten payments", 10),
        ("$100 a month for 6 months", 6),
        ("3 or 4", None),
        ("", None),
        ("some", None),
    ],
)
def test_parse_count(text: str, count: int | None) -> None:
    assert parse_count(text) == count


def test_an_amount_larger_than_the_database_holds_is_not_an_amount() -> None:
    assert parse_amount("100000000000000000000000000") is None
    assert parse_amount("999999999999999 thousand") is None
    assert parse_amount("999999999999.99") == Decimal("999999999999.99")
