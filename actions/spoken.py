"""Amounts, dates, counts and shares in what the customer wrote, read in their language.

The conversation's language is the ``language`` slot (``en`` or ``es``; absent or anything
else is English, SPEC §14). Texts are read in that language first and then in the other one
(:data:`bot.policy.spoken.READING_ORDER`), since customers mix the two.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TypeVar

from rasa_sdk import Tracker

from actions.language import language_of
from bot.policy.relative_amounts import Share, relative_amount
from bot.policy.spoken import READING_ORDER, parse_amount, parse_count, parse_date

_T = TypeVar("_T")


def language(tracker: Tracker) -> str:
    """The conversation's language: ``es`` when the slot says so, else ``en``
    (:func:`actions.language.language_of`)."""
    return language_of(tracker)


def amount(text: str, lang: str) -> Decimal | None:
    """The amount of money ``text`` names ("$350", "trescientos cincuenta"), or None."""
    return _first(lang, lambda each: parse_amount(text, each))


def count(text: str, lang: str) -> int | None:
    """The small whole number ``text`` names ("6 months", "seis meses"), or None."""
    return _first(lang, lambda each: parse_count(text, each))


def day(text: str, today: date, lang: str) -> date | None:
    """The date ``text`` names relative to the customer's ``today``, or None."""
    return _first(lang, lambda each: parse_date(text, today, each))


def share(text: str, lang: str) -> Share | None:
    """The share of what is owed ``text`` names ("half", "la mitad"), or None."""
    return _first(lang, lambda each: relative_amount(text, each))


def _first(lang: str, read: Callable[[str], _T | None]) -> _T | None:
    for each in READING_ORDER.get(lang, READING_ORDER["en"]):
        found = read(each)
        if found is not None:
            return found
    return None
