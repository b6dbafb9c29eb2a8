"""What customers write in English for amounts, dates and counts (SPEC §5 Entities).

NLU extracts spans ("$1,250", "twelve fifty", "next fri", "the 15th"); these functions
normalise them — or a bare reply that holds one — and return ``None`` when the text is not
one. The readings chosen where everyday speech is ambiguous:

Amounts
    * Two number-word groups with no scale word read like prices: "twelve fifty" is 1,250
      and "two fifty" is 250 (never 12.50 or 2.50) — in collections an amount is almost
      always whole dollars, and the read-back lets the customer correct it. Cents need the
      word: "twelve dollars and fifty cents" is 12.50.
    * "k" multiplies by a thousand ("2k"). Shares ("half", "all of it") are not amounts.

Dates (``today`` is the customer's local date)
    * "friday" / "coming friday": the next Friday strictly after today (on a Friday, "today"
      is what people say for today). "this friday": that day of the current week, today
      included, else the next one.
    * "next friday": the Friday of next week, weeks running Sunday to Saturday as on US
      calendars — on Tuesday that is 10 days away, on Saturday or Sunday it is the coming one.
    * "next week": the Monday of next week; "this weekend": the coming Saturday (today on a
      weekend); "after the weekend": the next Monday; "next month": the 1st of next month.
    * "the 15th": the next 15th on or after today; a day the month lacks ("the 31st" in
      November) is that month's last day.
    * "dec 3rd", "12/15" (month/day, US order): the nearest such date, so "jan 9" in late
      December is next January and "nov 1" on Nov 20 is in the past (the promise rules then
      say so instead of jumping a year ahead). An explicit year is kept as written.
    * "end of month" / "eom": the last day of this month.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

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
from bot.policy.money import cents

#: the largest amount a customer can name: what Numeric(14, 2) holds
MAX_SPOKEN_AMOUNT = Decimal("999999999999.99")

# fmt: off
_SMALL_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)
_TENS_WORDS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_ORDINAL_WORDS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth", "twentieth",
)
# fmt: on
_SMALL = {word: n for n, word in enumerate(_SMALL_WORDS)}
_TENS = {word: 10 * n for n, word in enumerate(_TENS_WORDS, 2)}
_SCALES = {"hundred": 100, "thousand": 1000, "grand": 1000}
_NUMBER_WORDS = {*_SMALL, *_TENS, *_SCALES, "oh", "a", "an", "and"}
_CURRENCY = r"(?:dollars?|bucks?|usd)"
_FILLER = re.compile(r"^(?:about|around|approximately|approx|roughly|only|just|like|~)\s+")
_DIGITS = re.compile(r"\$?\s*(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d{1,2}))?\s*(?P<k>k)?")
_IN_SENTENCE = re.compile(
    r"(?<![\w/.,$-])\$?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d{1,2}))?(?P<k>k)?"
    r"(?![\w/%]|\.\d|,\d)"
)
_CENTS = re.compile(
    r"^(?:(?P<dollars>.+?)\s*" + _CURRENCY + r"\s*(?:and\s+)?)?(?P<cents>[\w\s-]+?)\s*cents?$"
)


def parse_amount(text: str) -> Decimal | None:
    """An amount of money in ``text`` ("$1,250", "300 bucks", "twelve fifty"), or None.

    A sentence is searched for one amount written in digits ("i can do 300 on friday");
    with more than one the answer is None rather than a guess.
    """
    t = _clean(text)
    if not t:
        return None
    if (value := _whole_amount(t)) is not None:
        return value
    found = list(_IN_SENTENCE.finditer(t))
    if len(found) == 1:
        m = found[0]
        return _digits_value(m["num"], m["frac"], m["k"])
    return None


def parse_count(text: str) -> int | None:
    """A small whole number such as the months of a plan ("6", "six", "6 months")."""
    t = _clean(text)
    digits = re.findall(r"(?<![\w.,$])\d{1,3}(?![\w.,])", t)
    if len(digits) == 1:
        return int(digits[0])
    if digits:
        return None
    words = [w for w in re.split(r"[\s-]+", t) if w in _NUMBER_WORDS and w not in {"a", "an"}]
    value = _words_value(words) if words else None
    return value if value is not None and value < 1000 else None


def parse_date(text: str, today: date) -> date | None:
    """The calendar date a phrase means, relative to the customer's ``today``, or None."""
    t = _clean(text)
    for pattern, build in _DATE_RULES:
        match = pattern.search(t)
        if match is not None:
            try:
                return build(match, today)
            except (ValueError, OverflowError):  # beyond the calendar (year 1 or 9999)
                return None
    return None


# --- amounts --------------------------------------------------------------------------


def _whole_amount(t: str) -> Decimal | None:
    """The amount when the whole (cleaned) text is one."""
    if (m := _CENTS.fullmatch(t)) is not None:
        dollars = _plain_amount(m["dollars"]) if m["dollars"] else Decimal(0)
        number = _plain_amount(m["cents"])
        if dollars is not None and number is not None and number == int(number) < 100:
            return cents(dollars + number / 100)
    return _plain_amount(t)


def _plain_amount(t: str) -> Decimal | None:
    t = _FILLER.sub("", t.strip())
    t = re.sub(r"^\$\s*|\s*" + _CURRENCY + r"$", "", t).strip()
    if (m := _DIGITS.fullmatch(t)) is not None:
        return _digits_value(m["whole"], m["frac"], m["k"])
    if (m := re.fullmatch(r"(\d+)\s+(hundred|thousand|grand)", t)) is not None:
        scaled = Decimal(int(m[1]) * _SCALES[m[2]])
        return cents(scaled) if scaled <= MAX_SPOKEN_AMOUNT else None
    words = re.split(r"[\s-]+", t)
    if all(w in _NUMBER_WORDS for w in words):
        value = _words_value(words)
        return None if value is None else cents(Decimal(value))
    return None


def _digits_value(whole: str, frac: str | None, k: str | None) -> Decimal | None:
    value = Decimal(f"{whole.replace(',', '')}.{frac or '0'}")
    value = value * 1000 if k else value
    # more than the database can hold (and more than anyone owes): not an amount
    return cents(value) if value <= MAX_SPOKEN_AMOUNT else None


def _words_value(words: list[str]) -> int | None:
    """Number words: "two hundred and five", "a hundred", or price-style "twelve fifty"."""
    words = [w for w in words if w != "and"]
    if not words:
        return None
    if any(w in _SCALES for w in words):
        return _scaled(words)
    groups = _groups(words)
    if groups is None or len(groups) > 2:
        return None
    if len(groups) == 1:
        return groups[0][0]
    (first, _), (second, two_digit) = groups
    return first * 100 + second if two_digit else None


def _groups(words: list[str]) -> list[tuple[int, bool]] | None:
    """Splits scale-free words into groups below 100: (value, written with two digits)."""
    groups: list[tuple[int, bool]] = []
    open_tens = False  # the last group is "twenty"…"ninety" or "oh" and may take a unit
    for word in words:
        if word in {"a", "an"}:
            return None
        if word == "oh":
            groups.append((0, True))
            open_tens = True
        elif word in _TENS:
            groups.append((_TENS[word], True))
            open_tens = True
        elif 1 <= _SMALL[word] <= 9 and open_tens:
            value, _ = groups[-1]
            groups[-1] = (value + _SMALL[word], True)
            open_tens = False
        else:
            groups.append((_SMALL[word], _SMALL[word] >= 10))
            open_tens = False
    return groups


def _scaled(words: list[str]) -> int | None:
    total, hundreds, below = 0, 0, 0
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if word in {"a", "an", "oh"}:
            if word == "oh" or following not in _SCALES or hundreds or below:
                return None
            below = 1
        elif word in _TENS:
            if below:
                return None
            below = _TENS[word]
        elif word in _SMALL:
            unit = _SMALL[word]
            if below and not (below % 10 == 0 and below >= 20 and unit < 10):
                return None
            below += unit
        elif word == "hundred":
            if hundreds or not 0 < (below or 1) < 100:
                return None
            hundreds, below = (below or 1) * 100, 0
        else:  # thousand, grand
            if total:
                return None
            total, hundreds, below = (hundreds + below or 1) * 1000, 0, 0
    return total + hundreds + below


def _clean(text: str) -> str:
    t = text.lower().replace("’", "'")
    t = re.sub(r"[!?;\"]+", " ", t)
    return re.sub(r"\s+", " ", t).strip(" .,")


# --- dates ----------------------------------------------------------------------------

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_NAMES = {
    **{day: i for i, day in enumerate(_WEEKDAYS)},
    **dict.fromkeys(("mon",), 0),
    **dict.fromkeys(("tue", "tues"), 1),
    **dict.fromkeys(("wed", "weds"), 2),
    **dict.fromkeys(("thu", "thur", "thurs"), 3),
    **dict.fromkeys(("fri",), 4),
    **dict.fromkeys(("sat",), 5),
    **dict.fromkeys(("sun",), 6),
}
_MONTH_NAMES = {
    **{calendar.month_name[m].lower(): m for m in range(1, 13)},
    **{calendar.month_abbr[m].lower(): m for m in range(1, 13)},
    "sept": 9,
}
_ORDINALS = {word: n for n, word in enumerate(_ORDINAL_WORDS, 1)}
_ORDINALS.update({f"twenty {w}": 20 + n for w, n in list(_ORDINALS.items()) if n < 10})
_ORDINALS.update({"thirtieth": 30, "thirty first": 31})
_AMOUNT_WORDS = {**_SMALL, **_TENS, "a": 1, "an": 1, "one": 1, "couple of": 2, "couple": 2}

_WD = "|".join(sorted(_WEEKDAY_NAMES, key=len, reverse=True))
_MON = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
_ORD = "|".join(sorted((w.replace(" ", "[ -]") for w in _ORDINALS), key=len, reverse=True))
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_TOMORROW = r"(?:tomorrow|tmrw|tmr|tmw|tomorow|tommorow|tommorrow|2morrow|2moro)"
_COUNT = r"(?P<n>\d+|" + "|".join(sorted(_AMOUNT_WORDS, key=len, reverse=True)) + ")"

#: "in N days/weeks/months" further out than this is not a payment date
_MAX_AHEAD = {"day": 3660, "week": 520, "month": 120}
_Build = Callable[[re.Match[str], date], "date | None"]


def _weekday(match: re.Match[str], today: date) -> date:
    wanted = _WEEKDAY_NAMES[match["wd"]]
    which = (match["which"] or "").strip()
    if which == "next":
        return weekday_of_next_week(wanted, today)
    return coming_weekday(wanted, today, today_counts=which == "this")


def _in(match: re.Match[str], today: date) -> date | None:
    text = match["n"].replace("couple of", "couple")
    n = int(text) if text.isdigit() else _AMOUNT_WORDS[text]
    unit = match["unit"]
    if n > _MAX_AHEAD[unit]:
        return None
    if unit == "month":
        return months_later(today, n)
    return today + timedelta(days=n * (7 if unit == "week" else 1))


def _month_day(match: re.Match[str], today: date) -> date | None:
    month, day = _MONTH_NAMES[match["mon"]], int(match["day"])
    if match["year"]:
        return safe_date(int(match["year"]), month, day)
    return nearest(month, day, today)


def _numeric(match: re.Match[str], today: date) -> date | None:
    month, day, year = int(match["m"]), int(match["d"]), match["y"]
    if year:
        return safe_date(int(year) + (2000 if len(year) == 2 else 0), month, day)
    return nearest(month, day, today)


_DATE_RULES: tuple[tuple[re.Pattern[str], _Build], ...] = tuple(
    (re.compile(pattern), build)
    for pattern, build in (
        (
            r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b",
            lambda m, t: safe_date(int(m["y"]), int(m["m"]), int(m["d"])),
        ),
        (r"(?<![\w/])(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?(?![\w/])", _numeric),
        (r"\bday after " + _TOMORROW + r"\b", lambda m, t: t + timedelta(days=2)),
        (r"\b" + _TOMORROW + r"\b", lambda m, t: t + timedelta(days=1)),
        (r"\b(?:today|tonight|tonite|this (?:morning|afternoon|evening))\b", lambda m, t: t),
        (r"\bin " + _COUNT + r" (?P<unit>day|week|month)s?\b", _in),
        (r"\b" + _COUNT + r" (?P<unit>day|week|month)s? from (?:now|today)\b", _in),
        (r"\bend of next month\b", lambda m, t: end_of_month(t, following=True)),
        (r"\b(?:end of (?:the |this )?month|eom|month end)\b", lambda m, t: end_of_month(t)),
        (
            r"\b(?:end of (?:the |this )?week|eow)\b",
            lambda m, t: t + timedelta(days=(4 - t.weekday()) % 7),
        ),
        (
            r"\b(?:the )?" + _DAY + r" of next month\b",
            lambda m, t: (
                clamped(*next_month(t), int(m["day"])) if 1 <= int(m["day"]) <= 31 else None
            ),
        ),
        (
            r"\b(?P<mon>" + _MON + r")\.? " + _DAY + r"\b(?:,? (?P<year>\d{4})\b)?",
            _month_day,
        ),
        (
            r"\b" + _DAY + r" (?:of )?(?P<mon>" + _MON + r")\b(?:,? (?P<year>\d{4})\b)?",
            _month_day,
        ),
        (
            r"\bthe (?P<ord>" + _ORD + r")\b",
            lambda m, t: next_day_of_month(_ORDINALS[m["ord"].replace("-", " ")], t),
        ),
        (
            r"(?:\bthe |(?<![\w$.,/]))(?P<day>\d{1,2})(?:st|nd|rd|th)\b|\bthe (?P<bare>\d{1,2})\b",
            lambda m, t: next_day_of_month(int(m["day"] or m["bare"]), t),
        ),
        (r"\bnext week\b", lambda m, t: sunday_of_next_week(t) + timedelta(days=1)),
        (r"\bnext weekend\b", lambda m, t: sunday_of_next_week(t) + timedelta(days=6)),
        (
            r"\bafter the weekend\b",
            lambda m, t: t + timedelta(days=(0 - t.weekday()) % 7 or 7),
        ),
        (
            r"\b(?:this |the )?weekend\b",
            lambda m, t: t if t.weekday() >= 5 else t + timedelta(days=5 - t.weekday()),
        ),
        (r"\bnext month\b", lambda m, t: date(*next_month(t), 1)),
        (
            r"\b(?P<which>next |this coming |coming |this )?(?P<wd>" + _WD + r")\b",
            _weekday,
        ),
    )
)
