"""Venting is recognised as a complaint; requests and answers are not."""

from __future__ import annotations

import pytest

from bot.policy.complaints import is_complaint


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
