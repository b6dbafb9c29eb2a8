"""Long texts are cut into SMS at the best break, and nothing is lost or goes over the limit."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.policy.sms_text import SMS_MAX_CHARS, split_sms


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("", 10, [""]),
        ("short", 10, ["short"]),
        ("exactly 10", 10, ["exactly 10"]),
        ("  kept as is  ", 20, ["  kept as is  "]),
        ("para one.\n\npara two", 12, ["para one.", "para two"]),
        ("line one\nline two", 12, ["line one", "line two"]),
        ("One. Two is here", 12, ["One. Two is", "here"]),
        ("Sentence one. Two", 15, ["Sentence one.", "Two"]),
        ("Is it? Yes it is", 10, ["Is it?", "Yes it is"]),
        ("alpha beta gamma", 11, ["alpha beta", "gamma"]),
        ("abcdefghij", 4, ["abcd", "efgh", "ij"]),
        ("ab cdefghijkl", 5, ["ab", "cdefg", "hijkl"]),
        ("  lead and trail  ", 9, ["lead and", "trail"]),
    ],
    ids=[
        "empty",
        "short",
        "exactly the limit",
        "a text that fits keeps its blanks",
        "paragraph",
        "line",
        "sentence rather than word",
        "sentence end at the limit",
        "question mark",
        "word",
        "a word longer than the limit",
        "a long word after a short one",
        "blanks around the cuts are dropped",
    ],
)
def test_a_text_is_cut_at_the_best_break(text: str, limit: int, expected: list[str]) -> None:
    assert split_sms(text, limit) == expected


def test_a_paragraph_break_too_early_is_passed_over_for_a_later_line_break() -> None:
    text = "Hi.\n\n" + "word " * 10 + "\nlast line"
    assert split_sms(text, 60)[0] == "Hi.\n\n" + ("word " * 10).rstrip()


def test_a_5000_character_text_takes_four_messages_of_at_most_1600() -> None:
    text = " ".join(["Please pay your balance."] * 209)[:5000]
    parts = split_sms(text)
    assert len(parts) == 4
    assert all(len(part) <= SMS_MAX_CHARS for part in parts)
    assert all(part.endswith(".") for part in parts[:-1])


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="limit: 0"):
        split_sms("text", 0)


_WORD = st.text(alphabet=st.characters(exclude_categories=("Z", "C")), min_size=1, max_size=12)
_BLANKS = st.sampled_from([" ", "  ", "\n", "\n\n", ". ", "! ", "?\n", "\t"])
_TEXT = st.lists(st.tuples(_WORD, _BLANKS), max_size=60).map(
    lambda pairs: "".join(word + blank for word, blank in pairs)
)


# limit 14 and up: every word (at most 12 characters and a full stop) fits in a part
@given(text=_TEXT, limit=st.integers(min_value=14, max_value=80))
def test_the_parts_hold_the_words_in_order_and_none_is_over_the_limit(
    text: str, limit: int
) -> None:
    parts = split_sms(text, limit)
    assert " ".join(parts).split() == text.split()
    assert all(len(part) <= limit for part in parts)


@given(text=st.text(max_size=300), limit=st.integers(min_value=1, max_value=40))
def test_any_text_loses_no_character_but_blanks_at_the_cuts(text: str, limit: int) -> None:
    parts = split_sms(text, limit)
    assert "".join("".join(part.split()) for part in parts) == "".join(text.split())
    assert all(len(part) <= limit for part in parts)
    assert len(parts) == 1 or all(part.strip() for part in parts)
