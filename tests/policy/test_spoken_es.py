"""Spanish amounts, counts and shares (bot.policy.spoken with ``language="es"``, SPEC §14)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from num2words import num2words

from bot.policy.relative_amounts import Share, relative_amount
from bot.policy.spoken import READING_ORDER, parse_amount, parse_count


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        # words
        ("trescientos cincuenta", "350.00"),
        ("Trescientos Cincuenta", "350.00"),
        ("TRESCIENTOS DÓLARES", "300.00"),
        ("mil doscientos", "1200.00"),
        ("mil doscientos cincuenta", "1250.00"),
        ("mil quinientos cincuenta y cinco", "1555.00"),
        ("mil", "1000.00"),
        ("dos mil", "2000.00"),
        ("cien", "100.00"),
        ("cien dólares", "100.00"),
        ("ciento cincuenta", "150.00"),
        ("quinientos", "500.00"),
        ("quinientos dolares", "500.00"),
        ("setecientos setenta y siete", "777.00"),
        ("novecientos noventa y nueve", "999.00"),
        ("doscientas", "200.00"),
        ("veintiuno", "21.00"),
        ("veintiún mil", "21000.00"),
        ("dieciséis", "16.00"),
        ("dieciseis", "16.00"),
        ("cuarenta dólares", "40.00"),
        ("doscientos mil", "200000.00"),
        ("cien mil", "100000.00"),
        ("un millón", "1000000.00"),
        ("dos millones trescientos mil", "2300000.00"),
        # digits and currency
        ("350", "350.00"),
        ("$350", "350.00"),
        ("$ 350", "350.00"),
        ("350 dólares", "350.00"),
        ("350 dolares", "350.00"),
        ("350 dls", "350.00"),
        ("350 USD", "350.00"),
        ("US$350", "350.00"),
        ("300 bucks", "300.00"),
        ("2 mil", "2000.00"),
        ("2k", "2000.00"),
        # both conventions for separators
        ("1.240,50", "1240.50"),
        ("1,240.50", "1240.50"),
        ("$1.240,50", "1240.50"),
        ("1.240", "1240.00"),
        ("1,240", "1240.00"),
        ("12.345", "12345.00"),
        ("2.500.000", "2500000.00"),
        ("350,50", "350.50"),
        ("350,5", "350.50"),
        ("350.5", "350.50"),
        ("1,25", "1.25"),
        # cents need "con" or "centavos"
        ("doce con cincuenta", "12.50"),
        ("doce dólares con cincuenta centavos", "12.50"),
        ("350 con 50", "350.50"),
        ("cincuenta centavos", "0.50"),
        # fillers
        ("unos 400", "400.00"),
        ("como 300 dólares", "300.00"),
        ("más o menos 250", "250.00"),
        ("solo 100", "100.00"),
        # an amount in a sentence
        ("puedo pagar 300 el viernes", "300.00"),
        ("le pago 300 el 15", "300.00"),
        ("pago $500 el 15 de enero", "500.00"),
        ("pago 500 el 15/1", "500.00"),
        ("te mando trescientos el viernes", "300.00"),
        ("pago trescientos el quince", "300.00"),
        ("puedo dar 2 mil a fin de mes", "2000.00"),
        ("quiero pagar 1.240,50 mañana", "1240.50"),
        ("pago 200 en dos semanas", "200.00"),
        ("¿puedo pagar 150 dólares?", "150.00"),
        ("te pago 300 bucks", "300.00"),
        ("le mando los 300 el viernes", "300.00"),
        ("pago 300 mañana a las 10", "300.00"),
        ("pago 300 con tarjeta el viernes", "300.00"),
        ("i can do 300 on friday", "300.00"),  # English, read after Spanish
        # not amounts
        ("", None),
        ("el viernes", None),
        ("la mitad", None),
        ("todo", None),
        ("350 pesos", None),  # dollars only
        ("trescientos pesos", None),
        ("200 euros", None),
        ("doce cincuenta", None),  # price-style pairs are not Spanish numbers
        ("dos dos", None),
        ("mil mil", None),
        ("ciento", None),
        ("300 o 400", None),
        ("el 15", None),
        ("15/1", None),
        ("15 de enero", None),
        ("en dos semanas", None),
        ("una semana", None),
        ("6 meses", None),
        ("seis cuotas", None),
        ("1.240.5", None),
        ("INV-2044", None),
    ],
)
def test_parse_amount_in_spanish(text: str, amount: str | None) -> None:
    assert parse_amount(text, "es") == (None if amount is None else Decimal(amount))


@pytest.mark.parametrize(
    ("text", "english", "spanish"),
    [
        ("1,25", None, "1.25"),  # a decimal comma only in Spanish
        ("12.345", None, "12345.00"),
        ("trescientos cincuenta", None, "350.00"),
        ("twelve fifty", "1250.00", "1250.00"),  # English words still read in Spanish
        ("350 pesos", None, None),  # another currency is no amount in either language
    ],
)
def test_the_language_decides_the_reading(
    text: str, english: str | None, spanish: str | None
) -> None:
    assert parse_amount(text, "en") == (None if english is None else Decimal(english))
    assert parse_amount(text, "es") == (None if spanish is None else Decimal(spanish))


def test_each_language_is_read_first_in_its_conversations() -> None:
    assert READING_ORDER == {"en": ("en", "es"), "es": ("es", "en")}


@given(st.integers(min_value=0, max_value=999_999))
def test_any_number_written_in_spanish_words_round_trips(number: int) -> None:
    words = num2words(number, lang="es")  # written by another library, not by the parser

    assert parse_amount(words, "es") == Decimal(number)
    assert parse_amount(f"{words} dólares", "es") == Decimal(number)
    assert parse_amount(f"puedo pagar {words} el viernes", "es") == Decimal(number)


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_digits_round_trip_in_both_conventions(value: Decimal) -> None:
    us = f"{value:,.2f}"
    spain = us.replace(",", " ").replace(".", ",").replace(" ", ".")

    assert parse_amount(f"${us}", "es") == value
    assert parse_amount(spain, "es") == value
    assert parse_amount(f"{spain} dólares", "es") == value


@given(st.integers(min_value=1, max_value=999))
def test_counts_in_spanish_words_round_trip(number: int) -> None:
    words = num2words(number, lang="es")

    assert parse_count(words, "es") == number
    assert parse_count(f"en {words} meses", "es") == number


@given(st.text())
def test_any_text_is_read_or_refused_without_error(text: str) -> None:
    amount = parse_amount(text, "es")
    count = parse_count(text, "es")
    assert amount is None or amount >= 0
    assert count is None or 0 <= count < 1000


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("6", 6),
        ("seis", 6),
        ("6 meses", 6),
        ("seis meses", 6),
        ("doce", 12),
        ("veinticuatro", 24),
        ("en doce pagos", 12),
        ("diez cuotas", 10),
        ("$100 al mes por 6 meses", 6),
        ("100 dólares al mes durante seis meses", 6),
        ("6 months", 6),  # English, read after Spanish
        ("tres o cuatro", None),
        ("3 o 4", None),
        ("", None),
        ("algunos", None),
    ],
)
def test_parse_count_in_spanish(text: str, count: int | None) -> None:
    assert parse_count(text, "es") == count


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("todo", Share.BALANCE),
        ("pago todo el viernes", Share.BALANCE),
        ("todo lo que debo", Share.BALANCE),
        ("el total", Share.BALANCE),
        ("el resto", Share.BALANCE),
        ("lo que falta", Share.BALANCE),
        ("el saldo completo", Share.BALANCE),
        ("la cantidad completa", Share.BALANCE),
        ("la mitad", Share.HALF_BALANCE),
        ("mitad", Share.HALF_BALANCE),
        ("puedo pagar la mitad el 15", Share.HALF_BALANCE),
        ("el 50%", Share.HALF_BALANCE),
        ("la mitad de lo vencido", Share.HALF_PAST_DUE),
        ("lo vencido", Share.PAST_DUE),
        ("lo atrasado", Share.PAST_DUE),
        ("el mínimo", Share.MINIMUM),
        ("el minimo", Share.MINIMUM),
        ("lo menos que pueda", Share.MINIMUM),
        ("half", Share.HALF_BALANCE),  # English, read after Spanish
        ("all of it", Share.BALANCE),
        # not a share: a number, nothing relative, a negation or a limit
        ("300", None),
        ("el viernes", None),
        ("", None),
        ("eso es todo lo que tengo", None),
        ("Eso es todo lo que tengo", None),
        ("200, es todo lo que puedo", None),
        ("solo tengo 200", None),
        ("no puedo pagar todo", None),
        ("no puedo pagar todo de una vez", None),
        ("no tengo para todo", None),
    ],
)
def test_the_share_a_spanish_phrase_names(text: str, share: Share | None) -> None:
    assert relative_amount(text, "es") is share


def test_english_conversations_read_shares_in_english_only() -> None:
    assert relative_amount("la mitad") is None
    assert relative_amount("la mitad", "en") is None
    assert relative_amount("half", "en") is Share.HALF_BALANCE
