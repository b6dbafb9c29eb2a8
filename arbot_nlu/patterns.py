"""Rule-based entity patterns for the spaCy ``entity_ruler`` (SPEC §5 entity names).

They follow the span conventions of ``data/nlu``: an amount covers its currency words
("$300", "300 bucks", "five hundred dollars"), a date covers its modifiers ("next fri",
"the 15th", "end of the month"), invoice and account numbers and postal codes are single
tokens. ``installments`` is left to DIET: its span is the bare number before "months".
"""

from __future__ import annotations

from typing import Any

Pattern = dict[str, Any]

NUMBER = r"^\d{1,3}(,\d{3})+(\.\d{1,2})?$|^\d+(\.\d{1,2})?$"
WORD_NUMBERS = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred",
    "thousand", "a", "and",
]  # fmt: skip
CURRENCY_WORDS = ["dollars", "dollar", "bucks", "buck", "usd"]
WEEKDAYS = [
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "weds", "thu", "thur", "thurs", "fri", "sat", "sun",
]  # fmt: skip
MONTHS = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec",
]  # fmt: skip
ORDINAL = r"^\d{1,2}(st|nd|rd|th)?$"
RELATIVE_DAYS = ["today", "tomorrow", "tmrw", "tmr", "tommorow", "tomorow", "tonight", "payday"]


def _label(label: str, patterns: list[list[Pattern]]) -> list[dict[str, Any]]:
    return [{"label": label, "pattern": pattern} for pattern in patterns]


def amount_patterns() -> list[dict[str, Any]]:
    number = {"TEXT": {"REGEX": NUMBER}}
    words = {"LOWER": {"IN": WORD_NUMBERS}, "OP": "+"}
    currency = {"LOWER": {"IN": CURRENCY_WORDS}}
    return _label(
        "amount",
        [
            [{"ORTH": "$"}, number],
            [{"TEXT": {"REGEX": r"^\$\d[\d,]*(\.\d{1,2})?$"}}],
            [number, currency],
            [words, currency],
            [{"TEXT": {"REGEX": r"^\d{1,3}(,\d{3})+(\.\d{2})?$"}}],
            [{"TEXT": {"REGEX": r"^\d+\.\d{2}$"}}],
        ],
    )


def date_patterns() -> list[dict[str, Any]]:
    weekday = {"LOWER": {"IN": WEEKDAYS}}
    return _label(
        "date",
        [
            [weekday],
            [{"LOWER": {"IN": ["next", "this"]}}, weekday],
            [{"LOWER": {"IN": RELATIVE_DAYS}}],
            [{"LOWER": "end"}, {"LOWER": "of"}, {"LOWER": "the", "OP": "?"}, {"LOWER": "month"}],
            [{"LOWER": "eom"}],
            [{"LOWER": "the"}, {"TEXT": {"REGEX": r"^\d{1,2}(st|nd|rd|th)$"}}],
            [{"LOWER": {"IN": MONTHS}}, {"TEXT": {"REGEX": ORDINAL}}],
            [{"TEXT": {"REGEX": r"^\d{1,2}/\d{1,2}(/\d{2,4})?$"}}],
            [{"TEXT": {"REGEX": r"^\d{4}-\d{2}-\d{2}$"}}],
            [{"LOWER": "next"}, {"LOWER": {"IN": ["week", "month"]}}],
            [
                {"LOWER": "in"},
                {"LOWER": {"IN": WORD_NUMBERS + ["a", "few"]}, "OP": "+"},
                {"LOWER": {"IN": ["days", "weeks", "day", "week"]}},
            ],
            [{"LOWER": "in"}, {"IS_DIGIT": True}, {"LOWER": {"IN": ["days", "weeks"]}}],
        ],
    )


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
    """Every pattern, identifiers first so "A-1003" is never read as an amount."""
    return [*identifier_patterns(), *amount_patterns(), *date_patterns()]
