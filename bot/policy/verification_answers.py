"""Both verification answers in one message, in any order (SPEC §5 Verification).

Customers often answer "what is your account number?" with everything at once:
``12345 02139``, ``zip is 02139 acct 10042``, ``02139, account 10042``. :func:`readings`
finds the two values and says which is which where the message does — a label before a
value (``acct``, ``account``, ``zip``, ``postal code``), the NLU entities, a shape only one
of them can have — and otherwise gives both ways round, the likelier first, for the caller
to try against the account data. A five-digit account number and a US ZIP look alike; the
database, not a guess, tells them apart.

Pure: text in, readings out. A message that is not plainly two answers gives no reading,
and the form goes on one question at a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ACCOUNT_LABELS = frozenset({"account", "acct", "acc", "acnt", "a/c"})
_POSTAL_LABELS = frozenset({"zip", "zipcode", "postal", "postcode", "post"})
#: words that may stand between a label and its value ("account number is", "zip code:")
_FILLERS = frozenset({"number", "num", "no", "nr", "is", "it's", "its", "code", "#", "id", "="})
#: UK and Canadian postcodes are two words; read as one value ("SW1A 1AA", "K1A 0B6")
_TWO_WORD_POSTCODE = re.compile(
    r"\b([A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}|[A-Z]\d[A-Z]\s\d[A-Z]\d)\b", re.IGNORECASE
)
_JOINER = "~"  # holds a two-word postcode together while the message is split into words
_SPLIT = re.compile(r"[\s,;:!?()]+")
#: an amount, a date or an ordinal is not an account number or a postal code
_NOT_A_CODE = re.compile(r"^\$|\d[.,/]\d|^\d+(st|nd|rd|th)$|[.,/]$", re.IGNORECASE)
_US_ZIP = re.compile(r"\d{5}(-?\d{4})?")
_MAX_POSTAL_CHARS = 10
#: an unlabelled value has at least this many digits (a last 4, a ZIP, an account number)
_MIN_BARE_DIGITS = 4

ACCOUNT, POSTAL = "account", "postal"
_TWO = 2  # answers in a message that gives both


@dataclass(frozen=True)
class Reading:
    """One way to read a message: the account number and the postal code it gives."""

    account: str
    postal_code: str


@dataclass(frozen=True)
class _Value:
    text: str
    label: str | None  # ACCOUNT, POSTAL or None


def readings(
    text: str,
    *,
    account_entity: str | None = None,
    postal_entity: str | None = None,
) -> list[Reading]:
    """The ways ``text`` can give both answers, the likelier first; empty when it does not.

    Args:
        text: the customer's message.
        account_entity: the ``account_number`` entity NLU found in it, if any.
        postal_entity: the ``postal_code`` entity NLU found in it, if any.
    """
    values = _values(text)
    labelled = {value.label: value.text for value in values if value.label is not None}
    if len(values) != _TWO:
        if len(labelled) == _TWO and sum(v.label is not None for v in values) == _TWO:
            return [Reading(labelled[ACCOUNT], labelled[POSTAL])]
        return []
    first, second = values
    if first.label is not None and first.label == second.label:
        return []
    if first.label == POSTAL or second.label == ACCOUNT:
        return [Reading(second.text, first.text)]
    if first.label == ACCOUNT or second.label == POSTAL:
        return [Reading(first.text, second.text)]
    both = [Reading(first.text, second.text), Reading(second.text, first.text)]
    both = [r for r in both if _can_be_postal(r.postal_code)]
    return sorted(both, key=lambda r: _unlikeliness(r, account_entity, postal_entity))


def can_be_account(value: str) -> bool:
    """Whether an ``account_number`` NLU found can be one: at least the last 4 digits.

    "i paid 300 on the 10th" gives no account number, whatever the model tags.
    """
    return sum(ch.isdigit() for ch in value) >= _MIN_BARE_DIGITS


def _values(text: str) -> list[_Value]:
    """The code-like values of ``text``, each with the label standing before it."""
    joined = _TWO_WORD_POSTCODE.sub(lambda m: m.group(1).replace(" ", _JOINER), text)
    words = [w.strip(".") for w in _SPLIT.split(joined) if w.strip(".")]
    values: list[_Value] = []
    label: str | None = None
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if len(word) == 1 and word.isalpha() and following[:1].isdigit():
            words[index + 1] = word + following  # "A 1003" is account A1003
            continue
        lowered = word.lower().rstrip("#")
        if lowered in _ACCOUNT_LABELS:
            label = ACCOUNT
        elif lowered in _POSTAL_LABELS:
            label = POSTAL
        elif lowered in _FILLERS:
            continue
        elif _is_value(word, labelled=label is not None):
            values.append(_Value(word.replace(_JOINER, " ").lstrip("#"), label))
            label = None
        else:
            label = None
    return values


def _is_value(word: str, *, labelled: bool) -> bool:
    if _NOT_A_CODE.search(word):
        return False
    digits = sum(ch.isdigit() for ch in word)
    return digits >= 1 if labelled else digits >= _MIN_BARE_DIGITS


def _can_be_postal(text: str) -> bool:
    return len(re.sub(r"[\s-]", "", text)) <= _MAX_POSTAL_CHARS


def _unlikeliness(
    reading: Reading, account_entity: str | None, postal_entity: str | None
) -> tuple[int, int]:
    """Sort key: what NLU said disagrees, then the postal code does not look like a ZIP."""
    against = 0
    if account_entity is not None and _same(account_entity, reading.postal_code):
        against += 1
    if postal_entity is not None and _same(postal_entity, reading.account):
        against += 1
    looks_wrong = 0 if _US_ZIP.fullmatch(reading.postal_code) else 1
    return against, looks_wrong


def _same(a: str, b: str) -> bool:
    return re.sub(r"[\s-]", "", a).upper() == re.sub(r"[\s-]", "", b).upper()
