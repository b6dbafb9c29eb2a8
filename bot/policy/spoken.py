"""What customers write for amounts, dates and counts, in English or Spanish (SPEC §5, §14).

NLU extracts spans ("$1,250", "next fri", "trescientos cincuenta", "el 15"); these functions
normalise them — or a bare reply that holds one — and return ``None`` when the text is not
one. ``language`` is the conversation's (``en`` or ``es``; anything else reads as English):

* ``en`` reads English only, as :mod:`bot.policy.spoken_en` describes ("1,25" is no amount).
* ``es`` reads Spanish as :mod:`bot.policy.spoken_es` and :mod:`bot.policy.dates_es`
  describe, then — since customers mix the two ("el next friday", "twelve fifty") —
  English, unless the Spanish reading saw the text's numbers ("el 15" is a date there).

:data:`READING_ORDER` is the order a conversation's texts are tried in: its language first,
then the other one. In either language an amount in another currency ("350 pesos") is not
an amount: the customer is asked again rather than read as owing dollars.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.policy import spoken_en
from bot.policy.dates_es import parse_date_es
from bot.policy.spoken_en import MAX_SPOKEN_AMOUNT
from bot.policy.spoken_es import (
    holds_numbers,
    names_other_currency,
    parse_amount_es,
    parse_count_es,
)

__all__ = ["MAX_SPOKEN_AMOUNT", "READING_ORDER", "parse_amount", "parse_count", "parse_date"]

#: the languages a conversation's texts are read in, its own first
READING_ORDER = {"en": ("en", "es"), "es": ("es", "en")}


def parse_amount(text: str, language: str = "en") -> Decimal | None:
    """An amount of money ("$1,250", "twelve fifty", "trescientos cincuenta"), or None.

    A sentence is searched for one amount ("i can do 300 on friday", "pago 300 el 15");
    with more than one the answer is None rather than a guess.
    """
    if names_other_currency(text):
        return None
    if language == "es":
        found = parse_amount_es(text)
        if found is not None or holds_numbers(text):
            return found
    return spoken_en.parse_amount(text)


def parse_count(text: str, language: str = "en") -> int | None:
    """A small whole number such as the months of a plan ("6", "six", "seis meses")."""
    if language == "es":
        found = parse_count_es(text)
        if found is not None:
            return found
    return spoken_en.parse_count(text)


def parse_date(text: str, today: date, language: str = "en") -> date | None:
    """The calendar date a phrase means, relative to the customer's ``today``, or None."""
    if language == "es":
        found = parse_date_es(text, today)
        if found is not None:
            return found
    return spoken_en.parse_date(text, today)
