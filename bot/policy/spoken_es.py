"""Spanish amounts and counts: "trescientos cincuenta", "$350", "1.240,50", "seis meses".

Pure; the Spanish side of :mod:`bot.policy.spoken`. The readings chosen where writing varies:

* Digits: both "1.240,50" (Spain, most of Latin America) and "1,240.50" (Mexico, the US) are
  1,240.50. A separator followed by exactly three digits groups thousands ("12.345" and
  "12,345" are 12,345); one followed by one or two digits at the end is the decimal point
  ("350,5" is 350.50, "1,25" is 1.25).
* Words are read only when they spell one well-formed number ("mil doscientos cincuenta"
  is 1,250); price-style pairs such as "doce cincuenta" are not numbers in Spanish and are
  not guessed. Cents need "con" or "centavos": "doce con cincuenta" is 12.50.
* Dollars only: an amount in another currency ("350 pesos", "200 euros") is not an amount.
* In a sentence ("puedo pagar 300 el 15") the one amount is taken; numbers that are dates
  ("el 15", "15 de enero", "15/1") or counts ("en 2 semanas", "6 meses") are not amounts,
  and two amounts are None rather than a guess.
"""

from __future__ import annotations

import re
from decimal import Decimal

from bot.policy.money import cents
from bot.policy.numbers_es import MONTHS, NUMBER_WORDS, fold, words_value
from bot.policy.spoken_en import MAX_SPOKEN_AMOUNT

_CURRENCY = r"(?:dolares|dolar|dolaritos|dlls?|dls|usd|us\$|bucks?|verdes)"
_OTHER_CURRENCY = re.compile(
    r"\b(?:pesos?|euros?|quetzal(?:es)?|lempiras?|colones|bolivares|cordobas?)\b"
)
_FILLER = re.compile(
    r"^(?:(?:unos|como|mas o menos|aproximadamente|aprox|solo|solamente|nada mas|"
    r"apenas|alrededor de|cerca de)\s+)+"
)
_NUMERAL = r"\d+(?:[.,]\d+)*"
_DIGITS = re.compile(r"\$?\s*(?P<num>" + _NUMERAL + r")\s*(?P<scale>k|mil)?")
_CON_CENTS = re.compile(
    r"(?P<whole>.+?)\s*(?:" + _CURRENCY + r"\s*)?con\s+(?P<cents>.+?)(?:\s*centavos?)?"
)
_ONLY_CENTS = re.compile(r"(?P<cents>.+?)\s*centavos?")
#: a unit after a number makes it a count or a time, not money ("6 meses", "2 semanas")
_UNIT_AFTER = re.compile(
    r"^\s*(?:de\s+)?(?:dias?|semanas?|mes(?:es)?|anos?|cuotas?|pagos?|plazos?|"
    r"mensualidades|mensualidad|partes?|quincenas?|veces|horas?)\b"
)
#: words before a number that make it a day of the month ("el 15", "del 15") or a time
#: ("a las 10"); "los 300" is an amount ("le mando los 300")
_DAY_BEFORE = re.compile(r"\b(?:el|dia|del|al|hasta el|para el|a las?|las)\s*$")
_MONTH_AFTER = re.compile(r"^\s*(?:de\s+)?(?:[a-z]{3,10})\b")
_IN_SENTENCE = re.compile(
    r"(?<![\w/.,$-])(?P<dollar>\$\s*)?(?P<num>" + _NUMERAL + r")(?:\s*(?P<scale>k|mil)\b)?"
)


def names_other_currency(text: str) -> bool:
    """Whether ``text`` names a currency other than the dollar ("350 pesos")."""
    return _OTHER_CURRENCY.search(clean(text)) is not None


def parse_amount_es(text: str) -> Decimal | None:
    """An amount of money in Spanish ("trescientos cincuenta", "$350", "1.240,50"), or None.

    See :func:`holds_numbers` for when None is final.
    """
    t = clean(text)
    if not t or _OTHER_CURRENCY.search(t):
        return None
    whole = _whole_amount(t)
    if whole is not None:
        return whole
    found = _amounts_in_sentence(t)
    return cents(found[0]) if len(found) == 1 else None


def holds_numbers(text: str) -> bool:
    """Whether the Spanish reading saw numbers in ``text`` (amounts, dates or counts).

    When it did, its answer stands: "el 15" and "6 meses" are no amounts, and reading them
    again as English would make them 15 and 6.
    """
    return bool(_numbers(clean(text)))


def parse_count_es(text: str) -> int | None:
    """A small whole number in Spanish, such as a plan's months ("6", "seis", "seis meses")."""
    t = clean(text)
    numbers = [(value, unit) for value, _, unit in _numbers(t) if value == int(value)]
    with_unit = [value for value, unit in numbers if unit]
    chosen = with_unit if with_unit else [value for value, _ in numbers]
    if len(chosen) != 1 or chosen[0] >= 1000:
        return None
    return int(chosen[0])


def clean(text: str) -> str:
    """Folded (see :func:`bot.policy.numbers_es.fold`), without ¡¿!?; and outer dots."""
    t = re.sub(r"[¡¿!?;\"]+", " ", fold(text))
    return re.sub(r"\s+", " ", t).strip(" .,")


def digits_value(numeral: str) -> Decimal | None:
    """A number written in digits with either convention ("1.240,50", "1,240.50")."""
    parts = re.split(r"([.,])", numeral)
    groups, separators = parts[0::2], parts[1::2]
    decimals = ""
    if separators and len(groups[-1]) in (1, 2):
        decimals = groups.pop()
        point = separators.pop()
        if point in separators:
            return None  # "1.240.5": one kind of separator cannot be both
    if separators and (
        len(set(separators)) > 1
        or not 1 <= len(groups[0]) <= 3
        or any(len(g) != 3 for g in groups[1:])
    ):
        return None
    value = Decimal(f"{''.join(groups)}.{decimals or '0'}")
    return value if value <= MAX_SPOKEN_AMOUNT else None


def _whole_amount(t: str) -> Decimal | None:
    """The amount when the whole (cleaned) text is one, with or without cents."""
    if (m := _CON_CENTS.fullmatch(t)) is not None or (m := _ONLY_CENTS.fullmatch(t)):
        whole = _plain(m["whole"]) if "whole" in m.groupdict() else Decimal(0)
        part = _plain(m["cents"])
        if whole is not None and part is not None and part == int(part) < 100:
            return cents(whole + part / 100)
    return _plain(t)


def _plain(t: str) -> Decimal | None:
    t = _FILLER.sub("", t.strip())
    t = re.sub(r"^(?:\$|" + _CURRENCY + r")\s*|\s*(?:de\s+)?" + _CURRENCY + r"$", "", t).strip()
    if (m := _DIGITS.fullmatch(t)) is not None:
        value = _scaled(digits_value(m["num"]), m["scale"])
        return None if value is None else cents(value)
    said = words_value(t.split())
    return None if said is None else cents(Decimal(said))


def _scaled(value: Decimal | None, scale: str | None) -> Decimal | None:
    """``value`` times a thousand for "k"/"mil" ("2 mil"); None past what can be owed."""
    if value is None or not scale:
        return value
    return value * 1000 if value * 1000 <= MAX_SPOKEN_AMOUNT else None


def _amounts_in_sentence(t: str) -> list[Decimal]:
    """The amounts a sentence holds, leaving out dates and counts."""
    return [value for value, dated, unit in _numbers(t) if not dated and not unit]


def _numbers(t: str) -> list[tuple[Decimal, bool, bool]]:
    """Each number in ``t``: (value, reads as a day of the month, has a count/time unit)."""
    found: list[tuple[Decimal, bool, bool]] = []
    taken: list[range] = []
    for m in _IN_SENTENCE.finditer(t):
        after = t[m.end() :]
        if re.match(r"[\w/%]|[.,]\d", after):
            continue  # "15/1", "1ro", "10%" and the like are not plain numbers
        value = _scaled(digits_value(m["num"]), m["scale"])
        if value is not None:
            taken.append(range(m.start(), m.end()))
            found.append(_classified(t, m.start(), after, value, bool(m["dollar"])))
    for start, end, said in _word_runs(t):
        if not any(start in span for span in taken):
            found.append(_classified(t, start, t[end:], Decimal(said), dollar=False))
    return found


def _classified(
    t: str, start: int, after: str, value: Decimal, dollar: bool
) -> tuple[Decimal, bool, bool]:
    month = _MONTH_AFTER.match(after)
    dated = not dollar and (
        _DAY_BEFORE.search(t[:start]) is not None
        or (month is not None and month.group().split()[-1] in MONTHS)
    )
    return value, dated, not dollar and _UNIT_AFTER.match(after) is not None


def _word_runs(t: str) -> list[tuple[int, int, int]]:
    """(start, end, value) of each run of number words that spells a number.

    A lone "un"/"una" is an article ("una semana", "un pago"), not a number.
    """
    runs: list[tuple[int, int, int]] = []
    words = list(re.finditer(r"[a-z]+", t))
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and words[j].group() in NUMBER_WORDS:
            j += 1
        run = [w.group() for w in words[i:j]]
        while run and run[-1] == "y":
            run.pop()
        if run and run[0] != "y" and run not in (["un"], ["una"]):
            value = words_value(run)
            if value is not None:
                runs.append((words[i].start(), words[i + len(run) - 1].end(), value))
        i = max(j, i + 1)
    return runs
