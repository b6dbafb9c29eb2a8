"""Identifiers named by the word before them (SPEC §5, §14): "la cuenta 10034", "factura
No. 2044", "folio 55210", "cp: 06600", "account number 12345", "terminación 4417".

The ``entity_ruler`` reads an identifier by its form alone: "A-1003" is an account number,
"INV-2044" an invoice number and any 5-digit number a postal code; a bare "2044" is left to
DIET. But people, in Spanish above all, give a number after the noun that says what it is
("cuenta", "número de cuenta", "factura", "folio", "código postal"), and that noun outweighs
the form: "folio 55210" is an invoice, whatever its five digits look like. So, after the
other extractors, a number or code right after such a noun (with only "número", "no.", "es",
"la", ":" ... between them) gets the noun's label, in place of what overlapped it, and so do
the ones listed after it ("facturas 2044 y 2045"). An amount or date the rules found is
left alone ("la cuenta 300 dólares").

Plain Python on Rasa's entity dicts, so the app env's tests can import it.
"""

from __future__ import annotations

import re
from typing import Any

Entity = dict[str, Any]

_NUMBER_OF = r"(?:(?:n[uú]mero|num|n[uú]m|no|nro|n[º°o])\.?\s*(?:de|del)\s+)?"
#: the nouns, Spanish and English, each with its label; plural too ("las facturas"). Not
#: "inv": the ruler reads "inv 55210" whole, as the training data annotates it.
CUES: tuple[tuple[str, str], ...] = (
    ("postal_code", r"c[oó]digos?\s+postal(?:es)?|c\.\s?p\.?|cp|zip(?:\s*code)?|postal\s+code"),
    (
        "account_number",
        _NUMBER_OF + r"(?:cuentas?|cta|ctas|cliente|account|acct|acc)"
        r"|terminaci[oó]n|termina\s+en|terminada\s+en|ending\s+in"
        r"|(?:los\s+)?[uú]ltimos\s+(?:4|cuatro)(?:\s+d[ií]gitos)?|last\s+(?:4|four)(?:\s+digits)?",
    ),
    ("invoice_number", _NUMBER_OF + r"(?:facturas?|fact|fac|folios?|invoices?)"),
)
#: words that may stand between the noun and the number
_FILLER = (
    r"(?:[\s:.]+|(?:n[uú]mero|numero|num|n[uú]m|no|nro|n[º°o]|number|es|son|la|el|mi|con"
    r"|is|are|my|the)(?!\w))*"
)
#: "10034", "A-1003", "A 1003", "FAC-2044", "INV2044", "#77031", "INV-1003-01"; bare digits
#: from four on ("la cuenta 350" is more likely money than an account)
_ID = (
    r"(?P<id>#\s?\d{3,}(?:-\d+)*|[A-Za-z]{1,4}-\d{3,}(?:-\d+)*|(?-i:[A-Z]{1,4})\s?\d{3,}(?:-\d+)*"
    r"|[a-z]{1,4}\d{3,}(?:-\d+)*|\d{4,}(?:-\d+)*)(?![\w-]|[.,]\d)"
)
_AND = r"\s*(?:,|\by\b|\be\b|\band\b|&)\s*(?:la|el|the)?\s*"
_CUED = re.compile(
    r"(?<!\w)(?:" + "|".join(f"(?P<{label}>{cue})" for label, cue in CUES) + r")(?!\w)" + _FILLER,
    re.IGNORECASE,
)
_FIRST = re.compile(_ID, re.IGNORECASE)
_NEXT = re.compile(_AND + _ID, re.IGNORECASE)
#: what the rules find exactly and a cue never overrides
_RULE_KINDS = frozenset({"amount", "date"})


def cued_identifiers(text: str) -> list[tuple[int, int, str]]:
    """The ``(start, end, label)`` of every identifier named by the noun before it."""
    found = []
    for cue in _CUED.finditer(text):
        label = cue.lastgroup or ""
        matched = _FIRST.match(text, cue.end())
        while matched:
            found.append((matched.start("id"), matched.end("id"), label))
            matched = _NEXT.match(text, matched.end())
    return found


def apply_cues(
    text: str, entities: list[Entity], rule_extractor: str, extractor: str
) -> list[Entity]:
    """Returns ``entities`` with each cued identifier under its noun's label.

    Args:
        text: the message.
        entities: what the extractors found (Rasa's dicts: ``start``, ``end``, ``entity``,
            ``extractor`` ...), already resolved.
        rule_extractor: the rule-based extractor, whose amounts and dates stay.
        extractor: the name set on the entities this adds.
    """
    for start, end, label in cued_identifiers(text):
        overlapping = [e for e in entities if e["start"] < end and start < e["end"]]
        if any(
            e["entity"] in _RULE_KINDS and e.get("extractor") == rule_extractor for e in overlapping
        ):
            continue
        entities = [e for e in entities if e not in overlapping]
        entities.append(
            {
                "entity": label,
                "start": start,
                "end": end,
                "value": text[start:end],
                "extractor": extractor,
            }
        )
    return sorted(entities, key=lambda e: (e["start"], e["end"]))
