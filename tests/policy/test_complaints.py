"""Venting is recognised as a complaint; requests and answers are not."""

from __future__ import annotations

import pytest

from bot.policy.complaints import is_complaint, refuses_contact, wants_a_person


@pytest.mark.parametrize(
    "text",
    [
        "this is ridiculous you people keep texting me",
        "Stop harassing me",
        "I'm sick and tired of these messages",
        "this is unacceptable!!",
        "you guys are the worst",
        "so frustrating",
    ],
)
def test_venting_is_a_complaint(text: str) -> None:
    assert is_complaint(text)


@pytest.mark.parametrize(
    "text", ["how much do i owe", "i'll pay 300 friday", "start", "text me again", "02139", ""]
)
def test_requests_and_answers_are_not(text: str) -> None:
    assert not is_complaint(text)


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("im not talking to a robot. get me a real person NOW", True),
        ("are you deaf? a PERSON", True),
        ("i want to speak to a human", True),
        ("are you a real person?", False),
        ("is this a bot or a human?", False),
        ("are you a bot", False),
    ],
)
def test_a_demand_for_a_person_is_told_from_a_question(text: str, wanted: bool) -> None:
    assert wants_a_person(text) is wanted


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("and dont you dare start texting me again", True),
        ("never text me", True),
        ("start texting me again", False),
        ("text me again please", False),
    ],
)
def test_a_refusal_is_never_consent(text: str, refused: bool) -> None:
    assert refuses_contact(text) is refused
