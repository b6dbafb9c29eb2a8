"""An identifier named by the word before it takes that word's label (arbot_nlu/cues.py)."""

from __future__ import annotations

import pytest

from arbot_nlu.cues import apply_cues, cued_identifiers

RULES = "SpacyEntityExtractor"

CUED: dict[str, list[tuple[str, str]]] = {
    # accounts: the noun, "número de", "no.", "cta", the last four digits
    "la cuenta 10034": [("10034", "account_number")],
    "mi número de cuenta es 10034": [("10034", "account_number")],
    "No. de cuenta: A-1003": [("A-1003", "account_number")],
    "cuenta A 1003": [("A 1003", "account_number")],
    "cta. 1003": [("1003", "account_number")],
    "mi cuenta termina en 4417": [("4417", "account_number")],
    "terminacion 4417": [("4417", "account_number")],
    "los ultimos 4 digitos son 8842": [("8842", "account_number")],
    "numero de cliente 20377": [("20377", "account_number")],
    "account number 12345": [("12345", "account_number")],
    # invoices: "factura", "folio", "no.", "núm.", "#", prefixes, lists
    "factura No. 2044": [("2044", "invoice_number")],
    "factura núm. 2044": [("2044", "invoice_number")],
    "n° de factura 2044": [("2044", "invoice_number")],
    "folio 55210": [("55210", "invoice_number")],
    "folio F-2044": [("F-2044", "invoice_number")],
    "la factura #77031": [("#77031", "invoice_number")],
    "factura INV-1003-01": [("INV-1003-01", "invoice_number")],
    "las facturas 2044 y 2045": [("2044", "invoice_number"), ("2045", "invoice_number")],
    "invoice 30019": [("30019", "invoice_number")],
    # postal codes
    "cp:06600": [("06600", "postal_code")],
    "código postal 06600": [("06600", "postal_code")],
    "C.P. 06600": [("06600", "postal_code")],
    "zip code 30303": [("30303", "postal_code")],
    # not identifiers
    "me doy cuenta": [],
    "la cuenta de 1500": [],  # "de": an amount
    "la factura, 350": [],
    "la factura es de 2044": [],
    "cuenta 350": [],  # three bare digits: more likely money
    "cuenta 1,500": [],
    "factura 300.50": [],
    "factura del 15 de enero": [],
    "la factura inv 55210": [],  # the ruler's, whole
    "pago 10034 el viernes": [],  # no noun
}


@pytest.mark.parametrize(("text", "expected"), CUED.items(), ids=list(CUED))
def test_an_identifier_after_its_noun_is_found_with_the_nouns_label(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert [(text[a:b], label) for a, b, label in cued_identifiers(text)] == expected


def _entity(text: str, part: str, label: str, extractor: str) -> dict[str, object]:
    start = text.index(part)
    return {
        "entity": label,
        "start": start,
        "end": start + len(part),
        "value": part,
        "extractor": extractor,
    }


def test_a_five_digit_number_after_folio_is_an_invoice_not_a_postal_code() -> None:
    text = "el folio 55210 no es mio"
    found = apply_cues(text, [_entity(text, "55210", "postal_code", RULES)], RULES, "cues")
    assert [(e["value"], e["entity"]) for e in found] == [("55210", "invoice_number")]


def test_an_account_after_cuenta_replaces_what_diet_made_of_it() -> None:
    text = "la cuenta 4410"
    found = apply_cues(text, [_entity(text, "4410", "amount", "DIETClassifier")], RULES, "cues")
    assert [(e["value"], e["entity"], e["extractor"]) for e in found] == [
        ("4410", "account_number", "cues")
    ]


def test_an_amount_the_rules_found_after_cuenta_stays_an_amount() -> None:
    text = "abono a la cuenta 1500 dolares"
    amount = _entity(text, "1500 dolares", "amount", RULES)
    assert apply_cues(text, [amount], RULES, "cues") == [amount]


def test_the_other_entities_are_kept_in_order() -> None:
    text = "pago $300 el viernes de la factura 2044"
    kept = [_entity(text, "$300", "amount", RULES), _entity(text, "el viernes", "date", RULES)]
    found = apply_cues(text, list(kept), RULES, "cues")
    assert [(e["value"], e["entity"]) for e in found] == [
        ("$300", "amount"),
        ("el viernes", "date"),
        ("2044", "invoice_number"),
    ]
