"""Spanish entity patterns for the spaCy ``entity_ruler`` (SPEC §14), beside the English
ones of :mod:`arbot_nlu.patterns` in the same (English-tokenized) pipeline.

The span conventions are those of ``data/nlu/es_*.yml``:

- an amount covers its currency sign or words ("$350", "350 dólares", "300 dlls",
  "trescientos cincuenta", "quinientos dólares", "mil doscientos");
- a date covers its article and modifiers ("el viernes", "el próximo lunes", "el 15",
  "el día 15 de diciembre", "fin de mes", "pasado mañana", "la próxima semana",
  "la semana que viene", "mañana en la tarde", "hace 3 días", "en dos semanas",
  "dentro de un mes") but not a
  preposition that only places it ("para [el viernes]", "antes [del 15]", "a [fin de mes]",
  "en [marzo]");
- accents are optional: people text "proxima", "sabado", "dolares".

Bare numbers stay with DIET, as in English; so does ``installments`` ("6 meses").
"""

from __future__ import annotations

from typing import Any

Pattern = dict[str, Any]

UNITS_ES = [
    "uno", "un", "una", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve",
    "diez", "once", "doce", "trece", "catorce", "quince", "dieciséis", "dieciseis",
    "diecisiete", "dieciocho", "diecinueve", "veinte", "veintiuno", "veintiún", "veintidós",
    "veintidos", "veintitrés", "veintitres", "veinticuatro", "veinticinco", "veintiséis",
    "veintiseis", "veintisiete", "veintiocho", "veintinueve", "treinta", "cuarenta",
    "cincuenta", "sesenta", "setenta", "ochenta", "noventa",
]  # fmt: skip
HUNDREDS_ES = [
    "cien", "ciento", "doscientos", "trescientos", "cuatrocientos", "quinientos",
    "seiscientos", "setecientos", "ochocientos", "novecientos",
]  # fmt: skip
CURRENCY_ES = [
    "dólares", "dolares", "dólar", "dolar", "dlls", "dls", "dlrs", "usd", "varos", "bucks",
]  # fmt: skip
WEEKDAYS_ES = [
    "lunes", "martes", "miércoles", "miercoles", "jueves", "viernes", "sábado", "sabado",
    "domingo",
]  # fmt: skip
MONTHS_ES = [
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
    "setiembre", "octubre", "noviembre", "diciembre", "ene", "dic", "sept",
]  # fmt: skip
#: the full names, safe on their own ("ene" and "dic" are not)
BARE_MONTHS_ES = MONTHS_ES[:13]
NEXT_ES = ["próximo", "proximo", "próxima", "proxima", "siguiente"]
DAY_WORDS_ES = [
    "primero", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez",
    "once", "doce", "trece", "catorce", "quince", "dieciséis", "dieciseis", "veinte",
    "veinticinco", "treinta",
]  # fmt: skip
DAY_OF_MONTH = r"^(0?[1-9]|[12]\d|3[01])(ro|°|º)?$"
PARTS_OF_DAY_ES = ["mañana", "manana", "tarde", "noche", "mediodía", "mediodia"]
PERIOD_UNITS_ES = ["día", "dia", "días", "dias", "semana", "semanas", "mes", "meses"]
#: "en 6 meses" is a plan's length (installments), not a date: "en" takes days and weeks
SHORT_UNITS_ES = PERIOD_UNITS_ES[:6]


def _in(words: list[str], op: str | None = None) -> Pattern:
    token: Pattern = {"LOWER": {"IN": words}}
    if op:
        token["OP"] = op
    return token


def _label(label: str, patterns: list[list[Pattern]]) -> list[dict[str, Any]]:
    return [{"label": label, "pattern": pattern} for pattern in patterns]


def amount_patterns_es() -> list[dict[str, Any]]:
    """ "$350" is English's; here "350 dólares", "300dlls", "trescientos cincuenta y cinco",
    "mil doscientos", "dos mil", "quinientos dólares". A bare "mil" is not an amount
    ("mil gracias"), nor does an amount end on "y" ("trescientos y ya")."""
    number = {"TEXT": {"REGEX": r"^\d{1,3}(,\d{3})+(\.\d{1,2})?$|^\d+(\.\d{1,2})?$"}}
    currency = _in(CURRENCY_ES)
    more = _in([*UNITS_ES, *HUNDREDS_ES, "mil"], "*")
    and_unit = [{"LOWER": "y"}, _in(UNITS_ES)]
    starts = [
        [_in(HUNDREDS_ES), more],
        [{"LOWER": "mil"}, _in([*UNITS_ES, *HUNDREDS_ES], "+")],
        [_in(UNITS_ES), {"LOWER": "mil"}, more],
    ]
    spelled = [*starts, *[[*start, *and_unit] for start in starts]]
    with_currency = [[_in(UNITS_ES), more], [{"LOWER": "mil"}], *spelled]
    return _label(
        "amount",
        [
            [number, currency],
            [{"TEXT": {"REGEX": r"^\d+(\.\d{1,2})?(dlls|dls|usd)$"}}],
            [{"IS_DIGIT": True}, {"LOWER": "mil"}, _in(CURRENCY_ES, "?")],
            *spelled,
            *[[*words, currency] for words in with_currency],
            *[[*words, *and_unit, currency] for words in [[_in(UNITS_ES), more]]],
        ],
    )


def _time_of_day() -> list[Pattern]:
    """ "en la tarde", "por la mañana": optional after a day."""
    return [_in(["en", "por"]), {"LOWER": "la"}, _in(PARTS_OF_DAY_ES)]


def _relative_es() -> list[list[Pattern]]:
    """ "mañana", "pasado mañana", "el próximo viernes", "la semana que viene"."""
    weekday = _in(WEEKDAYS_ES)
    the = _in(["el", "este", "esta"], "?")
    week_or_month = _in(["semana", "mes", "quincena"])
    day = [_in(["hoy", "mañana", "manana", "ayer", "anteayer", "antier"])]
    within = [_in(["en", "dentro"]), {"LOWER": "de", "OP": "?"}]
    return [
        [the, weekday],
        [the, weekday, *_time_of_day()],
        [_in(["el", "este"], "?"), _in(NEXT_ES), weekday],
        [the, weekday, _in([*NEXT_ES, "pasado"])],
        [the, weekday, {"LOWER": "que"}, {"LOWER": "viene"}],
        [*day],
        [*day, *_time_of_day()],
        [{"LOWER": "pasado"}, _in(["mañana", "manana"])],
        [{"LOWER": "pasado"}, _in(["mañana", "manana"]), *_time_of_day()],
        [_in(["hoy", "mañana", "manana"]), _in(["mismo", "temprano"])],
        [{"LOWER": "esta"}, _in(["tarde", "noche", "semana", "quincena"])],
        [{"LOWER": "este"}, {"LOWER": "mes"}],
        [{"LOWER": "este"}, {"LOWER": "fin"}, {"LOWER": "de"}, {"LOWER": "semana"}],
        [_in(["el", "la"]), _in(NEXT_ES), week_or_month],
        [_in(["el", "la"]), week_or_month, _in([*NEXT_ES, "pasado", "pasada"])],
        [_in(["el", "la"]), week_or_month, {"LOWER": "que"}, {"LOWER": "viene"}],
        [_in(["el", "la"], "?"), {"LOWER": "otra"}, {"LOWER": "semana"}],
        [{"LOWER": "el"}, {"LOWER": "fin"}, {"LOWER": "de"}, {"LOWER": "semana"}],
        [_in(["fin", "fines", "finales"]), _in(["de", "del"]), {"LOWER": "mes"}],
        [_in(["fin", "fines", "finales"]), {"LOWER": "de"}, {"LOWER": "este"}, {"LOWER": "mes"}],
        [{"LOWER": "el"}, {"LOWER": "fin"}, {"LOWER": "de"}, {"LOWER": "mes"}],
        [*within, _in(UNITS_ES), _in(SHORT_UNITS_ES)],
        [*within, {"IS_DIGIT": True}, _in(SHORT_UNITS_ES)],
        [{"LOWER": "dentro"}, {"LOWER": "de"}, _in(UNITS_ES), _in(PERIOD_UNITS_ES)],
        [{"LOWER": "dentro"}, {"LOWER": "de"}, {"IS_DIGIT": True}, _in(PERIOD_UNITS_ES)],
        [{"LOWER": "hace"}, _in([*UNITS_ES, "unos", "unas"]), _in(PERIOD_UNITS_ES)],
        [{"LOWER": "hace"}, {"IS_DIGIT": True}, _in(PERIOD_UNITS_ES)],
        [_in(["el", "la"]), _in(["día", "dia"]), {"LOWER": "de"}, {"LOWER": "pago"}],
        [{"LOWER": "la"}, {"LOWER": "quincena"}],
    ]  # fmt: skip


def _day_of_month_es() -> list[list[Pattern]]:
    """ "el 15", "el día 15", "el quince", "el 15 de diciembre", "15 de dic", "marzo 3"."""
    number = {"TEXT": {"REGEX": DAY_OF_MONTH}}
    day = _in(["día", "dia"], "?")
    of_month = [_in(["de", "del"]), _in(MONTHS_ES)]
    of_next = [_in(["de", "del"]), {"LOWER": "mes"}, _in([*NEXT_ES, "entrante"])]
    of_this = [{"LOWER": "de"}, {"LOWER": "este"}, {"LOWER": "mes"}]
    of_coming = [{"LOWER": "del"}, {"LOWER": "mes"}, {"LOWER": "que"}, {"LOWER": "viene"}]
    the_day = [{"LOWER": "el"}, day, number]
    the_word = [{"LOWER": "el"}, day, _in(DAY_WORDS_ES)]
    return [
        the_day,
        the_word,
        *[[*start, *end] for start in (the_day, the_word) for end in (of_month, of_next)],
        *[[*start, *end] for start in (the_day, the_word) for end in (of_this, of_coming)],
        [number, *of_month],
        [_in(MONTHS_ES), number],
        [_in(BARE_MONTHS_ES)],
    ]


def date_patterns_es() -> list[dict[str, Any]]:
    return _label("date", [*_relative_es(), *_day_of_month_es()])


def spanish_patterns() -> list[dict[str, Any]]:
    return [*amount_patterns_es(), *date_patterns_es()]
