"""Carrier keywords are recognised only as the whole message, in any case."""

from __future__ import annotations

import pytest

from bot.policy.keywords import Keyword, carrier_keyword, keyword_language, keyword_on


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("STOP", Keyword.STOP),
        ("stop", Keyword.STOP),
        ("  Stop.  ", Keyword.STOP),
        ("STOPALL", Keyword.STOP),
        ("unsubscribe", Keyword.STOP),
        ("Cancel", Keyword.STOP),
        ("end", Keyword.STOP),
        ("QUIT!", Keyword.STOP),
        ("revoke", Keyword.STOP),
        ("optout", Keyword.STOP),
        ("START", Keyword.START),
        ("unstop", Keyword.START),
        ("help", Keyword.HELP),
        ("INFO", Keyword.HELP),
    ],
)
def test_a_keyword_alone_is_recognised(body: str, expected: Keyword) -> None:
    assert carrier_keyword(body) is expected


@pytest.mark.parametrize(
    "body",
    ["stop texting me", "please stop", "help me pay", "start a plan", "", "s t o p", "opt out"],
)
def test_a_sentence_with_a_keyword_in_it_is_not_a_keyword(body: str) -> None:
    assert carrier_keyword(body) is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("ALTO", Keyword.STOP),
        ("parar", Keyword.STOP),
        ("Parar.", Keyword.STOP),
        ("BAJA", Keyword.STOP),
        ("cancelar", Keyword.STOP),
        ("NO MAS", Keyword.STOP),
        ("no más", Keyword.STOP),
        ("No  Más!", Keyword.STOP),
        ("AYUDA", Keyword.HELP),
        ("ayuda", Keyword.HELP),
    ],
)
def test_a_spanish_keyword_alone_is_recognised(body: str, expected: Keyword) -> None:
    assert carrier_keyword(body) is expected


@pytest.mark.parametrize(
    "body", ["no más mensajes por favor", "necesito ayuda", "parar de pagar", "no", "mas"]
)
def test_a_spanish_sentence_with_a_keyword_in_it_is_not_a_keyword(body: str) -> None:
    assert carrier_keyword(body) is None


@pytest.mark.parametrize(
    ("body", "language"),
    [
        ("PARAR", "es"),
        ("no más", "es"),
        ("AYUDA", "es"),
        ("STOP", "en"),
        ("help", "en"),
        ("hi", None),
    ],
)
def test_a_keyword_tells_its_language(body: str, language: str | None) -> None:
    assert keyword_language(body) == language


@pytest.mark.parametrize(
    ("channel", "body", "expected"),
    [
        ("sms", "STOP", Keyword.STOP),
        ("web", "parar", Keyword.STOP),
        ("telegram", "PARAR", Keyword.STOP),
        ("telegram", "ayuda", Keyword.HELP),
        ("telegram", "stop", None),  # /stop is the command there; the word goes to the bot
        ("telegram", "help", None),
    ],
)
def test_telegram_obeys_only_the_spanish_words(
    channel: str, body: str, expected: Keyword | None
) -> None:
    assert keyword_on(channel, body) is expected
