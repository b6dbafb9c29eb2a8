"""Spanish number words ("trescientos cincuenta", "veintiún mil") → int, and calendar words.

Pure. Texts are compared without accents or case (:func:`fold`), since customers often type
"dolares", "proximo" or "manana". A sequence of words that is not one well-formed Spanish
number ("doce cincuenta", "dos dos", "mil mil") is None, never a guess.
"""

from __future__ import annotations

import re
import unicodedata

# fmt: off
_UNITS_WORDS = (
    "cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez",
    "once", "doce", "trece", "catorce", "quince", "dieciseis", "diecisiete", "dieciocho",
    "diecinueve", "veinte", "veintiuno", "veintidos", "veintitres", "veinticuatro",
    "veinticinco", "veintiseis", "veintisiete", "veintiocho", "veintinueve",
)
_TENS_WORDS = ("treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa")
_HUNDREDS_WORDS = (
    "ciento", "doscientos", "trescientos", "cuatrocientos", "quinientos", "seiscientos",
    "setecientos", "ochocientos", "novecientos",
)
# fmt: on
#: 0–29: each is one word ("veintitrés"); "un"/"una" before a noun or "mil"
BELOW_THIRTY = {word: n for n, word in enumerate(_UNITS_WORDS)}
BELOW_THIRTY.update({"un": 1, "una": 1, "veintiun": 21, "veintiuna": 21})
TENS = {word: 10 * n for n, word in enumerate(_TENS_WORDS, 3)}
HUNDREDS = {word: 100 * n for n, word in enumerate(_HUNDREDS_WORDS, 1)}
HUNDREDS.update({"cien": 100, **{w[:-2] + "as": v for w, v in HUNDREDS.items() if v > 100}})
_MILLION = {"millon", "millones"}
# fmt: off
_MONTH_WORDS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
    "octubre", "noviembre", "diciembre",
)
# fmt: on
#: month names folded (no accents), with the usual abbreviations ("ene", "sept", "dic")
MONTHS = {word: n for n, word in enumerate(_MONTH_WORDS, 1)}
MONTHS.update({word[:3]: n for word, n in list(MONTHS.items())})
MONTHS.update({"setiembre": 9, "sept": 9, "set": 9})
#: weekday names folded, Monday 0 as in :meth:`datetime.date.weekday`
WEEKDAYS = {
    word: n
    for n, word in enumerate(
        ("lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo")
    )
}
#: every word a Spanish number is written with
NUMBER_WORDS = frozenset({*BELOW_THIRTY, *TENS, *HUNDREDS, "y", "mil", *_MILLION})


def fold(text: str) -> str:
    """Lower case, without accents ("Mañana" → "manana"), curly quotes and runs of spaces."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("’", "'"))
    plain = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return re.sub(r"\s+", " ", plain).strip()


def words_value(words: list[str]) -> int | None:
    """The number ``words`` spell ("mil", "doscientos", "cincuenta" → 1250), or None."""
    if not words or any(w not in NUMBER_WORDS for w in words):
        return None
    if sum(w == "mil" for w in words) > 1 or sum(w in _MILLION for w in words) > 1:
        return None  # "mil mil": never well formed
    millions, rest = _split(words, _MILLION)
    thousands, units = _split(rest, {"mil"})
    total = 0
    if millions is not None:
        value = _below_thousand(millions) if millions else None
        if value is None or value == 0 or (value == 1) != (words[len(millions)] == "millon"):
            return None
        total += value * 1_000_000
    if thousands is not None:
        value = _below_thousand(thousands) if thousands else 1
        if value is None or value == 0 or thousands in (["uno"], ["una"]):
            return None
        total += value * 1000
    if units:
        value = _below_thousand(units)
        if value is None or (value == 0 and total):
            return None
        total += value
    elif millions is None and thousands is None:
        return None
    return total


def _split(words: list[str], scale: set[str]) -> tuple[list[str] | None, list[str]]:
    """(the words before the scale word, the words after); (None, words) without one."""
    at = next((i for i, w in enumerate(words) if w in scale), None)
    if at is None:
        return None, words
    return words[:at], words[at + 1 :]


def _below_thousand(words: list[str]) -> int | None:
    """0–999 written out: [hundreds] [tens [y unit] | 0–29]."""
    value, rest = 0, words
    if rest and rest[0] in HUNDREDS:
        if rest[0] == "cien" and len(rest) > 1:
            return None  # "cien veinte": it is "ciento veinte"
        value, rest = HUNDREDS[rest[0]], rest[1:]
        if value == 100 and not rest and words[0].startswith("cient"):
            return None  # "ciento" alone is not a number
    if not rest:
        return value if words else None
    if len(rest) == 1 and rest[0] in BELOW_THIRTY:
        below = BELOW_THIRTY[rest[0]]
        return None if value and below == 0 else value + below
    if rest[0] in TENS:
        if len(rest) == 1:
            return value + TENS[rest[0]]
        if len(rest) == 3 and rest[1] == "y" and 1 <= BELOW_THIRTY.get(rest[2], 0) <= 9:
            return value + TENS[rest[0]] + BELOW_THIRTY[rest[2]]
    return None
