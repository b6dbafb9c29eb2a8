"""Rule-based entity patterns for the spaCy ``entity_ruler`` (SPEC §5 entity names).

They follow the span conventions of ``data/nlu``:

- an amount covers its currency sign or words ("$300", "300 bucks", "five hundred
  dollars", "2 hundred");
- a date covers its modifiers ("next fri", "last tuesday", "tmrw morning", "the 3rd of
  next month", "in two weeks", "3 weeks ago", "over the weekend") but not a preposition
  that only places it ("on [friday]", "by [the 30th]", "in [march]");
- invoice and account numbers and postal codes are whole identifiers ("INV-1003-01",
  "inv 55210", "#10234", "A-1003", "60614-1234", "SW1A 1AA").

Bare numbers ("300", "1003", "6") are left to DIET: only the context tells an amount
from the last digits of an account or a number of installments. ``installments`` is left
to DIET for the same reason. When patterns overlap the ruler keeps the longest span.
"""

from __future__ import annotations

from typing import Any

from arbot_nlu.patterns_es import spanish_patterns

Pattern = dict[str, Any]

NUMBER = r"^\d{1,3}(,\d{3})+(\.\d{1,2})?$|^\d+(\.\d{1,2})?$"
CARDINALS = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
]  # fmt: skip
MULTIPLIERS = ["hundred", "thousand", "grand"]
CURRENCY_WORDS = ["dollars", "dollar", "bucks", "buck", "usd"]
WEEKDAYS = [
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "weds", "thu", "thur", "thurs", "fri", "sat",
]  # fmt: skip
MONTHS = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec",
]  # fmt: skip
#: month names that are safe on their own ("may" and the abbreviations are not)
BARE_MONTHS = [month for month in MONTHS[:12] if month != "may"]
ORDINAL_WORDS = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "fifteenth", "twentieth", "thirtieth",
]  # fmt: skip
DAY_NUMBER = r"^\d{1,2}(st|nd|rd|th)?$"
DAY_ORDINAL = r"^\d{1,2}(st|nd|rd|th)$"
RELATIVE_DAYS = [
    "today", "tomorrow", "tmrw", "tmr", "tmw", "tommorow", "tomorow", "tonight", "yesterday",
    "payday",
]  # fmt: skip
PARTS_OF_DAY = ["morning", "afternoon", "evening", "night", "noon"]
PERIODS = ["week", "month", "weekend"]
UNITS = ["day", "days", "week", "weeks", "month", "months"]


def _label(label: str, patterns: list[list[Pattern]]) -> list[dict[str, Any]]:
    return [{"label": label, "pattern": pattern} for pattern in patterns]


def _in(words: list[str], op: str | None = None) -> Pattern:
    token: Pattern = {"LOWER": {"IN": words}}
    if op:
        token["OP"] = op
    return token


def amount_patterns() -> list[dict[str, Any]]:
    number = {"TEXT": {"REGEX": NUMBER}}
    currency = _in(CURRENCY_WORDS)
    spelled = [_in([*CARDINALS, "a"]), _in([*CARDINALS, *MULTIPLIERS, "and"], "*")]
    hundreds = [_in([*CARDINALS, "a"]), _in(MULTIPLIERS)]
    return _label(
        "amount",
        [
            [{"ORTH": "$"}, number],
            [{"TEXT": {"REGEX": r"^\$\d[\d,]*(\.\d{1,2})?$"}}],
            [number, {"ORTH": "$"}],
            [number, currency],
            [{"LOWER": "usd"}, number],
            [{"TEXT": {"REGEX": r"^\d{1,3}(,\d{3})+(\.\d{2})?$"}}],
            [{"TEXT": {"REGEX": r"^\d+\.\d{2}$"}}],
            [{"TEXT": {"REGEX": r"^\$?\d+(\.\d)?[kK]$"}}],
            [*spelled, currency],
            [*hundreds],
            [*hundreds, {"LOWER": "and", "OP": "?"}, _in(CARDINALS, "+")],
            [{"IS_DIGIT": True}, _in(MULTIPLIERS), _in(CURRENCY_WORDS, "?")],
        ],
    )


def _day_of_month() -> list[list[Pattern]]:
    """ "the 15th", "the first", "the 3rd of next month", "dec 3rd", "3rd of march"."""
    ordinal = {"TEXT": {"REGEX": DAY_ORDINAL}}
    the_day = [{"LOWER": "the"}, ordinal]
    the_word = [{"LOWER": "the"}, _in(ORDINAL_WORDS)]
    of_month = [{"LOWER": "of"}, {"LOWER": {"IN": ["next", "this", "the"]}}, {"LOWER": "month"}]
    of_name = [{"LOWER": "of"}, _in(MONTHS)]
    return [
        the_day,
        [*the_day, *of_month],
        [*the_word, *of_month],
        [*the_day, *of_name],
        [ordinal, *of_name],
        [*the_word, *of_name],
        [_in(MONTHS), {"TEXT": {"REGEX": DAY_NUMBER}}],
        [_in(BARE_MONTHS)],
        [{"LOWER": "payday"}, *the_day],
        [{"TEXT": {"REGEX": r"^\d{1,2}/\d{1,2}(/\d{2,4})?$"}}],
        [{"TEXT": {"REGEX": r"^\d{4}-\d{2}-\d{2}$"}}],
    ]


def _relative() -> list[list[Pattern]]:
    """ "next fri", "last week", "tmrw morning", "in two weeks", "3 weeks ago"."""
    weekday = _in(WEEKDAYS)
    count = _in([*CARDINALS, "a", "few", "couple", "of"], "+")
    return [
        [weekday],
        [_in(["next", "this", "last", "coming"]), weekday],
        [_in(RELATIVE_DAYS)],
        [_in([*RELATIVE_DAYS, "this"]), _in(PARTS_OF_DAY)],
        [_in(["next", "this", "last"]), _in(PERIODS)],
        [_in(["after", "over"]), {"LOWER": "the"}, {"LOWER": "weekend"}],
        [{"LOWER": "end"}, {"LOWER": "of"}, {"LOWER": "the", "OP": "?"}, _in(PERIODS)],
        [{"LOWER": "eom"}],
        [{"LOWER": "in"}, count, _in(UNITS)],
        [{"LOWER": "in"}, {"IS_DIGIT": True}, _in(UNITS)],
        [count, _in(UNITS), {"LOWER": "ago"}],
        [{"IS_DIGIT": True}, _in(UNITS), {"LOWER": "ago"}],
        [{"LOWER": "the"}, {"LOWER": "other"}, {"LOWER": "day"}],
    ]


def date_patterns() -> list[dict[str, Any]]:
    return _label("date", [*_relative(), *_day_of_month()])


def identifier_patterns() -> list[dict[str, Any]]:
    return [
        *_label(
            "invoice_number",
            [
                [{"TEXT": {"REGEX": r"^(?i:inv)-?\d[\d-]*$"}}],
                [{"LOWER": "inv"}, {"TEXT": {"REGEX": r"^\d{3,}$"}}],
                [{"ORTH": "#"}, {"TEXT": {"REGEX": r"^\d{3,}$"}}],
            ],
        ),
        *_label("account_number", [[{"TEXT": {"REGEX": r"^[Aa]-?\d{3,}$"}}]]),
        *_label(
            "postal_code",
            [
                [{"TEXT": {"REGEX": r"^\d{5}(-\d{4})?$"}}],
                [
                    {"TEXT": {"REGEX": r"^[A-Za-z]{1,2}\d[A-Za-z\d]?$"}},
                    {"TEXT": {"REGEX": r"^\d[A-Za-z]{2}$"}},
                ],
            ],
        ),
    ]


def all_patterns() -> list[dict[str, Any]]:
    """Every pattern, identifiers first so "A-1003" is never read as an amount; the
    Spanish ones (:mod:`arbot_nlu.patterns_es`) in the same ruler: one bilingual pipeline."""
    return [*identifier_patterns(), *amount_patterns(), *date_patterns(), *spanish_patterns()]
