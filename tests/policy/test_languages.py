"""Choosing the language of an answer (SPEC §14)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.policy.languages import choose, folded, guess, normalise, requested


@pytest.mark.parametrize(
    "text",
    [
        "hola cuánto debo en mi cuenta",
        "quiero pagar el viernes",
        "no puedo pagar todo este mes",
        "necesito hablar con una persona",
        "ya pague la factura la semana pasada",
        "quiero hacer un payment plan por favor",
    ],
)
def test_a_clear_spanish_message_is_guessed_spanish(text: str) -> None:
    assert guess(text) == "es"


@pytest.mark.parametrize(
    "text",
    [
        "how much do I owe",
        "I will pay 300 on Friday",
        "can I talk to a person",
        "I already paid that invoice last week",
        "this is not my debt",
    ],
)
def test_a_clear_english_message_is_guessed_english(text: str) -> None:
    assert guess(text) == "en"


@pytest.mark.parametrize("text", ["hola", "sí", "no", "300", "el viernes", "plan", "ok thanks"])
def test_fewer_than_three_words_are_never_guessed(text: str) -> None:
    assert guess(text) is None


@pytest.mark.parametrize("text", ["A-104321 02110 300", "plan plan plan", "Juan Pérez López"])
def test_a_message_without_telling_words_is_not_guessed(text: str) -> None:
    assert guess(text) is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("español", "es"),
        ("Español", "es"),
        ("espanol", "es"),
        ("en español por favor", "es"),
        ("En español, por favor!", "es"),
        ("quiero hablar en español", "es"),
        ("spanish please", "es"),
        ("english please", "en"),
        ("English", "en"),
        ("en inglés por favor", "en"),
        ("in english", "en"),
    ],
)
def test_a_request_for_a_language_is_recognised(text: str, language: str) -> None:
    assert requested(text) == language


@pytest.mark.parametrize(
    "text",
    ["I speak english at work", "mi hijo habla español y inglés", "how much do I owe", ""],
)
def test_a_sentence_that_mentions_a_language_is_no_request(text: str) -> None:
    assert requested(text) is None


def test_the_account_language_wins_over_the_message() -> None:
    assert choose("how much do I owe", account="es", conversation=None) == ("es", False)
    assert choose("cuánto debo en mi cuenta", account="en", conversation=None) == ("en", False)


def test_a_request_wins_over_the_account_and_is_a_switch() -> None:
    assert choose("english please", account="es", conversation="es") == ("en", True)
    assert choose("en español por favor", account="en", conversation="en") == ("es", True)


def test_an_unknown_sender_gets_the_language_of_a_clear_message() -> None:
    assert choose("hola cuánto debo en mi cuenta", account=None, conversation=None) == (
        "es",
        False,
    )


def test_an_unknown_sender_keeps_the_conversation_language_on_a_short_reply() -> None:
    assert choose("sí", account=None, conversation="es") == ("es", False)


def test_an_unknown_sender_with_nothing_clear_gets_english() -> None:
    assert choose("300", account=None, conversation=None) == ("en", False)


@pytest.mark.parametrize(("tag", "code"), [("es-MX", "es"), ("EN", "en"), ("fr", None), ("", None)])
def test_stored_tags_are_normalised(tag: str, code: str | None) -> None:
    assert normalise(tag) == code


def test_folding_removes_accents_and_case() -> None:
    assert folded("No más") == "NO MAS"


@given(st.text(max_size=80))
def test_the_choice_is_always_english_or_spanish(text: str) -> None:
    language, _ = choose(text, account=None, conversation=None)
    assert language in {"en", "es"}
