"""Spanish date phrases (bot.policy.spoken.parse_date with ``language="es"``, SPEC §14).

Expected dates are written out by hand from a calendar, for several ``today``s including the
ends of a month, of a year and of a leap February.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.policy.spoken import parse_date

WEDNESDAY = date(2026, 11, 25)
SUNDAY = date(2026, 11, 22)
FRIDAY = date(2026, 11, 27)
SATURDAY = date(2026, 11, 28)
NEW_YEARS_EVE = date(2026, 12, 31)  # a Thursday
JAN_31 = date(2027, 1, 31)  # a Sunday
LEAP_FEB_28 = date(2028, 2, 28)  # a Monday
LEAP_DAY = date(2028, 2, 29)  # a Tuesday


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        # relative days
        ("hoy", WEDNESDAY, WEDNESDAY),
        ("hoy mismo", NEW_YEARS_EVE, NEW_YEARS_EVE),
        ("esta tarde", WEDNESDAY, WEDNESDAY),
        ("esta noche", FRIDAY, FRIDAY),
        ("mañana", WEDNESDAY, date(2026, 11, 26)),
        ("manana", WEDNESDAY, date(2026, 11, 26)),
        ("Mañana", NEW_YEARS_EVE, date(2027, 1, 1)),
        ("MAÑANA", LEAP_FEB_28, LEAP_DAY),
        ("mañana", LEAP_DAY, date(2028, 3, 1)),
        ("mañana por la mañana", WEDNESDAY, date(2026, 11, 26)),
        ("pasado mañana", WEDNESDAY, FRIDAY),
        ("pasado manana", NEW_YEARS_EVE, date(2027, 1, 2)),
        ("pasado mañana", LEAP_FEB_28, date(2028, 3, 1)),
        ("pasado mañana", JAN_31, date(2027, 2, 2)),
        ("en 3 días", WEDNESDAY, SATURDAY),
        ("en tres dias", NEW_YEARS_EVE, date(2027, 1, 3)),
        ("en dos semanas", WEDNESDAY, date(2026, 12, 9)),
        ("en una semana", NEW_YEARS_EVE, date(2027, 1, 7)),
        ("dentro de dos semanas", WEDNESDAY, date(2026, 12, 9)),
        ("en un par de semanas", WEDNESDAY, date(2026, 12, 9)),
        ("de aquí a una semana", SUNDAY, date(2026, 11, 29)),
        ("en quince días", WEDNESDAY, date(2026, 12, 10)),
        ("en un mes", WEDNESDAY, date(2026, 12, 25)),
        ("en un mes", JAN_31, date(2027, 2, 28)),
        ("en 99999999 días", WEDNESDAY, None),
        ("en 5000 meses", WEDNESDAY, None),
        # weekdays: bare, "el" and "próximo" = the next one strictly after today
        ("viernes", WEDNESDAY, FRIDAY),
        ("el viernes", WEDNESDAY, FRIDAY),
        ("El Viernes", WEDNESDAY, FRIDAY),
        ("el viernes", FRIDAY, date(2026, 12, 4)),
        ("el próximo viernes", WEDNESDAY, FRIDAY),
        ("el proximo viernes", FRIDAY, date(2026, 12, 4)),
        ("el viernes que viene", WEDNESDAY, FRIDAY),
        ("el lunes", WEDNESDAY, date(2026, 11, 30)),
        ("lunes", SUNDAY, date(2026, 11, 23)),
        ("el miércoles", WEDNESDAY, date(2026, 12, 2)),
        ("el miercoles", WEDNESDAY, date(2026, 12, 2)),
        ("el sábado", WEDNESDAY, SATURDAY),
        ("el sabado", SATURDAY, date(2026, 12, 5)),
        ("el domingo", SATURDAY, date(2026, 11, 29)),
        ("el martes", NEW_YEARS_EVE, date(2027, 1, 5)),
        ("el viernes", NEW_YEARS_EVE, date(2027, 1, 1)),
        ("el jueves", NEW_YEARS_EVE, date(2027, 1, 7)),
        ("el lunes", LEAP_FEB_28, date(2028, 3, 6)),
        ("el lunes", LEAP_DAY, date(2028, 3, 6)),
        ("el viernes por la mañana", WEDNESDAY, FRIDAY),
        ("el viernes en la tarde", WEDNESDAY, FRIDAY),
        # "este": this week's, today included
        ("este viernes", WEDNESDAY, FRIDAY),
        ("este viernes", FRIDAY, FRIDAY),
        ("este miércoles", WEDNESDAY, WEDNESDAY),
        # that day of next week (Sunday to Saturday, as on US calendars)
        ("el viernes de la semana que viene", WEDNESDAY, date(2026, 12, 4)),
        ("el viernes de la próxima semana", SUNDAY, date(2026, 12, 4)),
        ("el lunes de la semana que viene", FRIDAY, date(2026, 11, 30)),
        ("el martes de la otra semana", WEDNESDAY, date(2026, 12, 1)),
        # weeks and weekends
        ("la próxima semana", WEDNESDAY, date(2026, 11, 30)),
        ("la semana que viene", WEDNESDAY, date(2026, 11, 30)),
        ("la semana que viene", SUNDAY, date(2026, 11, 30)),
        ("la proxima semana", NEW_YEARS_EVE, date(2027, 1, 4)),
        ("la semana próxima", WEDNESDAY, date(2026, 11, 30)),
        ("la otra semana", FRIDAY, date(2026, 11, 30)),
        ("este fin de semana", WEDNESDAY, SATURDAY),
        ("el fin de semana", SUNDAY, SUNDAY),
        ("el fin de semana", SATURDAY, SATURDAY),
        ("el próximo fin de semana", WEDNESDAY, SATURDAY),
        ("el finde", FRIDAY, SATURDAY),
        ("después del fin de semana", WEDNESDAY, date(2026, 11, 30)),
        ("despues del fin de semana", SUNDAY, date(2026, 11, 23)),
        ("a finales de la semana", WEDNESDAY, FRIDAY),
        ("fin de la semana", FRIDAY, FRIDAY),
        # days of the month: the next one on or after today
        ("el 15", WEDNESDAY, date(2026, 12, 15)),
        ("el 25", WEDNESDAY, WEDNESDAY),
        ("el 30", WEDNESDAY, date(2026, 11, 30)),
        ("el día 15", WEDNESDAY, date(2026, 12, 15)),
        ("el dia 9", WEDNESDAY, date(2026, 12, 9)),
        ("el quince", WEDNESDAY, date(2026, 12, 15)),
        ("el primero", WEDNESDAY, date(2026, 12, 1)),
        ("el 1ro", WEDNESDAY, date(2026, 12, 1)),
        ("el 15", NEW_YEARS_EVE, date(2027, 1, 15)),
        ("el 31", NEW_YEARS_EVE, NEW_YEARS_EVE),
        ("el 31", WEDNESDAY, date(2026, 11, 30)),  # November's last day
        ("el 30", JAN_31, date(2027, 2, 28)),
        ("el 29", LEAP_FEB_28, LEAP_DAY),
        ("el 30", LEAP_DAY, LEAP_DAY),
        ("el 32", WEDNESDAY, None),
        ("para el 15", WEDNESDAY, date(2026, 12, 15)),
        ("hasta el 20", WEDNESDAY, date(2026, 12, 20)),
        ("el 15 del mes que viene", WEDNESDAY, date(2026, 12, 15)),
        ("el 3 del próximo mes", NEW_YEARS_EVE, date(2027, 1, 3)),
        ("el 31 del mes que viene", JAN_31, date(2027, 2, 28)),
        # calendar dates: the nearest such date, an explicit year kept
        ("el 15 de enero", WEDNESDAY, date(2027, 1, 15)),
        ("15 de enero", NEW_YEARS_EVE, date(2027, 1, 15)),
        ("el 3 de diciembre", WEDNESDAY, date(2026, 12, 3)),
        ("3 de dic", WEDNESDAY, date(2026, 12, 3)),
        ("primero de diciembre", WEDNESDAY, date(2026, 12, 1)),
        ("1° de diciembre", WEDNESDAY, date(2026, 12, 1)),
        ("1ro de enero", NEW_YEARS_EVE, date(2027, 1, 1)),
        ("el quince de enero", WEDNESDAY, date(2027, 1, 15)),
        ("el martes 1 de diciembre", WEDNESDAY, date(2026, 12, 1)),
        ("el 20 de noviembre", WEDNESDAY, date(2026, 11, 20)),  # past: the rules say so
        ("el 30 de diciembre", date(2027, 1, 2), date(2026, 12, 30)),
        ("el 14 de febrero", WEDNESDAY, date(2027, 2, 14)),
        ("el 29 de febrero", LEAP_FEB_28, LEAP_DAY),
        ("el 29 de febrero", WEDNESDAY, None),  # no leap year near
        ("el 30 de febrero", WEDNESDAY, None),
        ("el 15 de enero de 2028", WEDNESDAY, date(2028, 1, 15)),
        ("15 de septiembre del 2027", WEDNESDAY, date(2027, 9, 15)),
        ("15 de setiembre", WEDNESDAY, date(2026, 9, 15)),
        ("enero 15", WEDNESDAY, date(2027, 1, 15)),
        # numbers: day/month, the Spanish order
        ("15/1", WEDNESDAY, date(2027, 1, 15)),
        ("15/01", NEW_YEARS_EVE, date(2027, 1, 15)),
        ("1/12", WEDNESDAY, date(2026, 12, 1)),
        ("3/12", WEDNESDAY, date(2026, 12, 3)),
        ("5/1", WEDNESDAY, date(2027, 1, 5)),
        ("25/11", WEDNESDAY, WEDNESDAY),
        ("20/11", WEDNESDAY, date(2026, 11, 20)),
        ("31/12/2027", WEDNESDAY, date(2027, 12, 31)),
        ("15/1/27", WEDNESDAY, date(2027, 1, 15)),
        ("12/15", WEDNESDAY, date(2026, 12, 15)),  # no day/month: month/day, as in English
        ("30/2", WEDNESDAY, None),
        ("2026-12-03", WEDNESDAY, date(2026, 12, 3)),
        # end of the month
        ("fin de mes", WEDNESDAY, date(2026, 11, 30)),
        ("a fin de mes", WEDNESDAY, date(2026, 11, 30)),
        ("a finales de mes", NEW_YEARS_EVE, NEW_YEARS_EVE),
        ("fin del mes", date(2027, 2, 3), date(2027, 2, 28)),
        ("al final del mes", date(2028, 2, 3), LEAP_DAY),
        ("el último día del mes", WEDNESDAY, date(2026, 11, 30)),
        ("fin de este mes", WEDNESDAY, date(2026, 11, 30)),
        ("fin del mes que viene", NEW_YEARS_EVE, date(2027, 1, 31)),
        ("a fin del próximo mes", JAN_31, date(2027, 2, 28)),
        ("el próximo mes", NEW_YEARS_EVE, date(2027, 1, 1)),
        ("el mes que viene", WEDNESDAY, date(2026, 12, 1)),
        # in a sentence
        ("pago 300 el viernes", WEDNESDAY, FRIDAY),
        ("te pago el 15 sin falta", WEDNESDAY, date(2026, 12, 15)),
        ("puedo pagar $200 a fin de mes", WEDNESDAY, date(2026, 11, 30)),
        ("LE PAGO EL LUNES", WEDNESDAY, date(2026, 11, 30)),
        ("¿puedo pagar mañana?", WEDNESDAY, date(2026, 11, 26)),
        ("el viernes le mando los 300", WEDNESDAY, FRIDAY),
        ("pago los dos el viernes", WEDNESDAY, FRIDAY),  # "los dos": both, not the 2nd
        ("mañana a las 10", WEDNESDAY, date(2026, 11, 26)),
        # English and mixed texts, read after Spanish
        ("next friday", WEDNESDAY, date(2026, 12, 4)),
        ("el next friday", WEDNESDAY, date(2026, 12, 4)),
        ("tomorrow", WEDNESDAY, date(2026, 11, 26)),
        ("the 15th", WEDNESDAY, date(2026, 12, 15)),
        ("pago friday", WEDNESDAY, FRIDAY),
        ("end of month", WEDNESDAY, date(2026, 11, 30)),
        # not dates
        ("", WEDNESDAY, None),
        ("el día de pago", WEDNESDAY, None),
        ("cuando me paguen", WEDNESDAY, None),
        ("pronto", WEDNESDAY, None),
        ("la quincena", WEDNESDAY, None),
        ("$300", WEDNESDAY, None),
        ("300 dólares", WEDNESDAY, None),
        ("no sé", WEDNESDAY, None),
        ("13/45", WEDNESDAY, None),
        ("mañana", date.max, None),
        ("el mes que viene", date.max, None),
    ],
)
def test_parse_date_in_spanish(text: str, today: date, expected: date | None) -> None:
    assert parse_date(text, today, "es") == expected


@pytest.mark.parametrize(
    ("text", "english", "spanish"),
    [
        ("5/1", date(2027, 5, 1), date(2027, 1, 5)),  # month/day in English, day/month here
        ("next friday", date(2026, 12, 4), date(2026, 12, 4)),
        ("el viernes", None, FRIDAY),
    ],
)
def test_the_language_decides_the_date(
    text: str, english: date | None, spanish: date | None
) -> None:
    assert parse_date(text, WEDNESDAY, "en") == english
    assert parse_date(text, WEDNESDAY, "es") == spanish


#: phrases that name a day to come, and how far ahead it may be at most
_FUTURE = {
    "hoy": 0,
    "mañana": 1,
    "manana": 1,
    "pasado mañana": 2,
    "el viernes": 7,
    "viernes": 7,
    "este viernes": 6,
    "el próximo lunes": 7,
    "el lunes de la semana que viene": 13,
    "la próxima semana": 8,
    "la semana que viene": 8,
    "el fin de semana": 6,
    "después del fin de semana": 7,
    "el 15": 31,
    "el 31": 31,
    "el quince": 31,
    "fin de mes": 30,
    "a fin de mes": 30,
    "el mes que viene": 31,
    "fin del mes que viene": 62,
    "en dos semanas": 14,
    "en tres días": 3,
    "en un mes": 31,
}


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_a_day_to_come_is_never_before_today(today: date) -> None:
    for phrase, most in _FUTURE.items():
        found = parse_date(phrase, today, "es")
        assert found is not None, phrase
        assert today <= found <= today + timedelta(days=most), phrase


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_weekday_names_land_on_that_weekday(today: date) -> None:
    for weekday, name in enumerate(("lunes", "martes", "miércoles", "jueves", "viernes")):
        for phrase in (name, f"el {name}", f"el próximo {name}", f"este {name}"):
            found = parse_date(phrase, today, "es")
            assert found is not None, phrase
            assert found.weekday() == weekday, phrase


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), st.integers(1, 28))
def test_a_day_of_the_month_is_that_day(today: date, day: int) -> None:
    found = parse_date(f"el {day}", today, "es")

    assert found is not None
    assert found.day == day
    assert found >= today
    assert found == parse_date(f"el día {day}", today, "es")


@given(st.text(), st.dates())
def test_any_text_is_a_date_or_refused_without_error(text: str, today: date) -> None:
    found = parse_date(text, today, "es")

    assert found is None or isinstance(found, date)
