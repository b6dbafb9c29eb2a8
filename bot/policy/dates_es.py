"""Spanish date phrases ("el viernes", "el 15", "fin de mes", "pasado mañana") → a date.

Pure; the Spanish side of :mod:`bot.policy.spoken`, with ``today`` the customer's local date.
Accents and case do not matter ("el proximo viernes", "manana"). The readings chosen:

* "viernes" / "el viernes" / "el próximo viernes" / "el viernes que viene": the next Friday
  strictly after today — in Spanish "próximo" is the one coming, unlike English "next
  friday". "este viernes": that day of the current week, today included, else the next one.
  "el viernes de la semana que viene" / "de la próxima semana": the Friday of next week.
* "la próxima semana" / "la semana que viene": the Monday of next week, and "el próximo
  mes" / "el mes que viene": the 1st of next month — as their English counterparts, weeks
  running Sunday to Saturday as on US calendars.
* "este fin de semana" / "el próximo fin de semana": the coming Saturday (today on a
  weekend); "fin de la semana": Friday; "después del fin de semana": the next Monday.
* "el 15" / "el día 15" / "el quince": the next 15th on or after today, a day the month lacks
  being its last day; "el 15 del mes que viene": the 15th of next month.
* "el 15 de enero", "15/1" (day/month, the Spanish order): the nearest such date, as in
  English, so "15/1" in late December is next January; an explicit year is kept. A pair
  that is no day/month ("12/15") is left to the English reading (month/day).
* "fin de mes" / "a fin de mes" / "a finales de mes": the last day of this month; "fin del
  mes que viene": the last day of next month.
* "mañana" is tomorrow but "por la mañana" is a time of day ("el viernes por la mañana" is
  Friday). "el día de pago", "la quincena", "pronto" name no date: None.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from bot.policy.calendar_days import (
    clamped,
    coming_weekday,
    end_of_month,
    months_later,
    nearest,
    next_day_of_month,
    next_month,
    safe_date,
    sunday_of_next_week,
    weekday_of_next_week,
)
from bot.policy.numbers_es import BELOW_THIRTY, MONTHS, NUMBER_WORDS, WEEKDAYS, words_value
from bot.policy.spoken_es import clean

_Build = Callable[[re.Match[str], date], "date | None"]
#: "en N días/semanas/meses" further out than this is not a payment date
_MAX_AHEAD = {"dia": 3660, "semana": 520, "mes": 120}
_WD = "|".join(WEEKDAYS)
_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_WORDS = sorted(
    [w for w, n in BELOW_THIRTY.items() if n >= 1] + ["primero", "treinta y uno", "treinta"],
    key=len,
    reverse=True,
)
_DAY = r"(?P<day>\d{1,2})(?:(?:ro|o|vo|mo|to)\b|[º°]|\b)|(?P<dayw>" + "|".join(_DAY_WORDS) + r")\b"
_NUMBER_WORD = "|".join(sorted(NUMBER_WORDS - {"y"}, key=len, reverse=True))
_COUNT_WORDS = r"(?:" + _NUMBER_WORD + r")(?: (?:" + _NUMBER_WORD + r"|y))*"
_NEXT = r"(?:que viene|proxim[oa]|entrante|siguiente)"
_NEXT_WEEK = r"(?:la )?(?:semana " + _NEXT + r"|proxima semana|otra semana|siguiente semana)"
_NEXT_MONTH = r"(?:el )?(?:mes " + _NEXT + r"|proximo mes|otro mes|siguiente mes)"
#: a time of day, not "tomorrow": "el viernes por la mañana"
_TIME_OF_DAY = re.compile(r"\b(?:por|en|de|a) la (?:manana|tarde|noche)\b|\ben la madrugada\b")


def parse_date_es(text: str, today: date) -> date | None:
    """The calendar date a Spanish phrase means, relative to the customer's ``today``."""
    t = _TIME_OF_DAY.sub(" ", clean(text))
    for pattern, build in _RULES:
        match = pattern.search(t)
        if match is not None:
            try:
                return build(match, today)
            except (ValueError, OverflowError):  # beyond the calendar (year 1 or 9999)
                return None
    return None


def _day_number(match: re.Match[str]) -> int:
    if match["day"]:
        return int(match["day"])
    return 1 if match["dayw"] == "primero" else words_value(match["dayw"].split()) or 0


def _weekday(match: re.Match[str], today: date) -> date:
    wanted = WEEKDAYS[match["wd"]]
    if match["nextweek"]:
        return weekday_of_next_week(wanted, today)
    return coming_weekday(wanted, today, today_counts=bool(match["this"]))


def _in(match: re.Match[str], today: date) -> date | None:
    said = match["n"]
    if said.isdigit():
        n: int | None = int(said)
    elif said in ("un par de", "par de"):
        n = 2
    else:
        n = words_value(said.split())
    unit = match["unit"]
    if n is None or n > _MAX_AHEAD[unit]:
        return None
    if unit == "mes":
        return months_later(today, n)
    return today + timedelta(days=n * (7 if unit == "semana" else 1))


def _month_day(match: re.Match[str], today: date) -> date | None:
    month, day = MONTHS[match["mon"]], _day_number(match)
    if match["year"]:
        return safe_date(int(match["year"]), month, day)
    return nearest(month, day, today)


def _numeric(match: re.Match[str], today: date) -> date | None:
    day, month, year = int(match["d"]), int(match["m"]), match["y"]
    if year:
        return safe_date(int(year) + (2000 if len(year) == 2 else 0), month, day)
    return nearest(month, day, today)


def _day_of_next_month(match: re.Match[str], today: date) -> date | None:
    day = _day_number(match)
    return clamped(*next_month(today), day) if 1 <= day <= 31 else None


def _weekend(today: date) -> date:
    return today if today.weekday() >= 5 else today + timedelta(days=5 - today.weekday())


_RULES: tuple[tuple[re.Pattern[str], _Build], ...] = tuple(
    (re.compile(pattern), build)
    for pattern, build in (
        (
            r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b",
            lambda m, t: safe_date(int(m["y"]), int(m["m"]), int(m["d"])),
        ),
        # day/month; a pair that is no day/month ("12/15") is left to the English reading
        (
            r"(?<![\w/])(?P<d>[12]\d|3[01]|0?[1-9])/(?P<m>1[0-2]|0?[1-9])"
            r"(?:/(?P<y>\d{4}|\d{2}))?(?![\w/])",
            _numeric,
        ),
        (r"\bpasado (?:manana|mnn)\b", lambda m, t: t + timedelta(days=2)),
        (r"\b(?:manana|mnn)\b", lambda m, t: t + timedelta(days=1)),
        (
            r"\b(?:hoy|hoy mismo|esta (?:noche|tarde|manana)|ahorita|ahora mismo)\b",
            lambda m, t: t,
        ),
        (
            r"\b(?:en|dentro de|de aqui a) (?P<n>\d+|un par de|par de|" + _COUNT_WORDS + r") "
            r"(?P<unit>dia|semana|mes)(?:s|es)?\b",
            _in,
        ),
        (
            r"\b(?:fin|final|finales|ultimo dia) del? " + _NEXT_MONTH + r"\b",
            lambda m, t: end_of_month(t, following=True),
        ),
        (
            r"\b(?:fin|final|finales|ultimo dia) del? (?:este |el )?mes\b",
            lambda m, t: end_of_month(t),
        ),
        (
            r"\b(?:despues del|pasando el|pasado el) (?:fin de semana|finde)\b",
            lambda m, t: t + timedelta(days=(0 - t.weekday()) % 7 or 7),
        ),
        (
            r"\b(?:fin|final|finales) de la semana\b|\bfinales de semana\b",
            lambda m, t: t + timedelta(days=(4 - t.weekday()) % 7),
        ),
        (r"\b(?:fin de semana|finde)\b", lambda m, t: _weekend(t)),
        (r"\b(?:el )?(?:dia )?(?:" + _DAY + r") del? " + _NEXT_MONTH + r"\b", _day_of_next_month),
        (
            r"\b(?:" + _DAY + r") (?:de )?(?P<mon>" + _MON + r")\b(?:,? (?:de(?:l)? )?"
            r"(?P<year>\d{4})\b)?",
            _month_day,
        ),
        (
            r"\b(?P<mon>" + _MON + r")\.? (?P<day>\d{1,2})\b(?P<dayw>)(?:,? (?P<year>\d{4})\b)?",
            _month_day,
        ),
        (
            r"\b(?:el|para el|hasta el) (?:dia )?(?:" + _DAY + r")",
            lambda m, t: next_day_of_month(_day_number(m), t),
        ),
        (
            r"\b(?P<this>est[ea] )?(?:(?:el|la) )?(?:proxim[oa] )?(?P<wd>" + _WD + r")\b"
            r"(?: " + _NEXT + r")?(?P<nextweek> de " + _NEXT_WEEK + r")?",
            _weekday,
        ),
        (r"\b" + _NEXT_WEEK + r"\b", lambda m, t: sunday_of_next_week(t) + timedelta(days=1)),
        (r"\b" + _NEXT_MONTH + r"\b", lambda m, t: date(*next_month(t), 1)),
    )
)
