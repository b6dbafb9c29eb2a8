"""Both verification answers in one message (bot.policy.verification_answers)."""

from __future__ import annotations

import pytest

from bot.policy.verification_answers import Reading, can_be_account, readings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zip is 02139 acct 10042", [Reading("10042", "02139")]),
        ("02139, account 10042", [Reading("10042", "02139")]),
        ("account 10042 zip 02139", [Reading("10042", "02139")]),
        ("acct# 10042 zip: 02139", [Reading("10042", "02139")]),
        ("my account number is A-1003 and my zip code is 02110", [Reading("A-1003", "02110")]),
        ("postcode SW1A 1AA account 10042", [Reading("10042", "SW1A 1AA")]),
        ("account 10042, 02139 and 55555 zip 02139", [Reading("10042", "02139")]),
    ],
    ids=["zip-first", "comma-account-last", "account-first", "punctuation", "sentence", "uk",
         "extra-number"],
)  # fmt: skip
def test_a_label_says_which_answer_is_which(text: str, expected: list[Reading]) -> None:
    assert readings(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12345 02139", [Reading("12345", "02139"), Reading("02139", "12345")]),
        ("A-1003 02110", [Reading("A-1003", "02110"), Reading("02110", "A-1003")]),
        ("02110 A-1003", [Reading("A-1003", "02110"), Reading("02110", "A-1003")]),
        ("02110 1003", [Reading("1003", "02110"), Reading("02110", "1003")]),
        ("A 1003 02110", [Reading("A1003", "02110"), Reading("02110", "A1003")]),
    ],
    ids=["two-zips-in-order", "account-first", "zip-first", "last-4-after-zip", "spaced-account"],
)
def test_without_labels_both_ways_are_given_the_zip_shaped_postal_code_first(
    text: str, expected: list[Reading]
) -> None:
    assert readings(text) == expected


def test_the_nlu_entities_decide_the_order_of_two_look_alikes() -> None:
    assert readings("12345 02139", account_entity="02139") == [
        Reading("02139", "12345"),
        Reading("12345", "02139"),
    ]
    assert readings("12345 02139", postal_entity="12345")[0] == Reading("02139", "12345")


@pytest.mark.parametrize(
    "text",
    [
        "10042",
        "zip 02139",
        "I'll pay 300 on the 15th",
        "$1200 02139",
        "account 12345 and 12/5",
        "12345 02139 55555",
        "zip 02139 zip 02140",
        "who is this?",
        "",
    ],
)
def test_a_message_that_is_not_plainly_both_answers_gives_no_reading(text: str) -> None:
    assert readings(text) == []


@pytest.mark.parametrize(
    ("value", "can_be"),
    [("300", False), ("10", False), ("A-12", False), ("1003", True), ("A-1003", True)],
)
def test_an_account_number_has_at_least_its_last_four_digits(value: str, can_be: bool) -> None:
    assert can_be_account(value) is can_be
