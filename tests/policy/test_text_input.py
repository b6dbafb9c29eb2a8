"""bot.policy.text_input: what a column cannot hold becomes U+FFFD, the rest stays."""

from __future__ import annotations

import pytest

from bot.policy.text_input import REPLACEMENT, storable


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("A-7\x00' --", f"A-7{REPLACEMENT}' --"),
        ("\x00\x00", REPLACEMENT * 2),
        ("A\ud800B\udfff", f"A{REPLACEMENT}B{REPLACEMENT}"),
        ("'; DROP TABLE accounts; --", "'; DROP TABLE accounts; --"),
        ("% _ \\ \t\r\n", "% _ \\ \t\r\n"),
        ("emoji \U0001f600 and é", "emoji \U0001f600 and é"),
        ("", ""),
    ],
)
def test_only_nul_and_lone_surrogates_are_replaced(typed: str, kept: str) -> None:
    assert storable(typed) == kept
    assert storable(kept).encode("utf-8").decode("utf-8") == kept
