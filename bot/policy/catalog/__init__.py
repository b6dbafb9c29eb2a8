"""Message catalogs: every text arbot's own code sends a customer, in English and Spanish
(SPEC §14). One module per language (:mod:`.en`, :mod:`.es`) holds ``TEXTS`` (key to a
:meth:`str.format` text), ``MONTHS`` and ``WEEKDAYS``; :func:`say` picks the text for a language.

The bot's fixed answers are Rasa responses in ``domain.yml`` (a Spanish variation per
response, conditioned on the ``language`` slot) and the reminder bodies are template files
per language (``bot/templates/reminders/<language>/``); ``tests/policy/test_catalog.py``
fails when any text — here, in the domain or in the templates — exists in one language
only, or its placeholders differ between the languages. docs/languages.md says how to add
or change a text.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from types import MappingProxyType

from bot.policy.catalog import en, es
from bot.policy.languages import DEFAULT, normalise

CATALOGS: Mapping[str, Mapping[str, str]] = MappingProxyType({"en": en.TEXTS, "es": es.TEXTS})
MONTHS: Mapping[str, tuple[str, ...]] = MappingProxyType({"en": en.MONTHS, "es": es.MONTHS})
WEEKDAYS: Mapping[str, tuple[str, ...]] = MappingProxyType({"en": en.WEEKDAYS, "es": es.WEEKDAYS})


def language_of(language: str | None) -> str:
    """``language`` as a catalog's key: ``en`` or ``es``; English for anything else."""
    return normalise(language) or DEFAULT


def say(key: str, language: str | None, **fields: object) -> str:
    """The text ``key`` in ``language`` (English when unknown), its fields filled in.

    Raises:
        KeyError: naming the key when no catalog has it, or a field it needs is missing.
    """
    texts = CATALOGS[language_of(language)]
    if key not in texts:
        raise KeyError(f"text {key!r} is not in the {language_of(language)} catalog")
    return texts[key].format(**fields)


def month(number: int, language: str | None) -> str:
    """The short name of month ``number`` (1–12) in ``language``."""
    return MONTHS[language_of(language)][number - 1]


def weekday(number: int, language: str | None) -> str:
    """The name of weekday ``number`` (0 is Monday, as :meth:`date.weekday`) in ``language``."""
    return WEEKDAYS[language_of(language)][number]


def placeholders(text: str) -> frozenset[str]:
    """The names of the fields a :meth:`str.format` text needs."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


#: the collectors' canned replies (catalog keys), offered in the console in each language
CANNED = (
    "canned_looking_into_it",
    "canned_call_back",
    "canned_payment_received",
    "canned_back_to_bot",
)


def canned_replies() -> dict[str, list[tuple[str, str]]]:
    """Per language, ``(choice, text)`` of every canned reply; ``choice`` is
    ``<language>:<key>``, what the console's form sends back (:func:`canned_text`)."""
    return {
        language: [(f"{language}:{key}", texts[key]) for key in CANNED]
        for language, texts in CATALOGS.items()
    }


def canned_text(choice: str) -> str:
    """The canned reply a console form chose (``es:canned_call_back``).

    Raises:
        KeyError: naming the choice when it is no canned reply.
    """
    language, _, key = choice.partition(":")
    if language not in CATALOGS or key not in CANNED:
        raise KeyError(f"canned reply {choice!r} does not exist")
    return CATALOGS[language][key]
