"""Amounts said relative to the account: which share, and how much it is."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.policy.relative_amounts import Owed, Share, relative_amount, resolve


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("half", Share.HALF_BALANCE),
        ("I get paid on the 15th, can I pay half then", Share.HALF_BALANCE),
        ("half of it", Share.HALF_BALANCE),
        ("50% now", Share.HALF_BALANCE),
        ("half the past due amount", Share.HALF_PAST_DUE),
        ("all of it", Share.BALANCE),
        ("i'll pay it all friday", Share.BALANCE),
        ("the full amount", Share.BALANCE),
        ("The Whole Balance", Share.BALANCE),
        ("the rest", Share.BALANCE),
        ("everything", Share.BALANCE),
        ("pay it off", Share.BALANCE),
        ("the past-due amount", Share.PAST_DUE),
        ("whats overdue", Share.PAST_DUE),
        ("the minimum", Share.MINIMUM),
        ("min", Share.MINIMUM),
        ("the least i can pay", Share.MINIMUM),
        # not a share: a number, nothing relative, or a negation
        ("300", None),
        ("on friday", None),
        ("", None),
        ("I can't pay it all at once", None),
        ("thats all i have", None),
        ("that's all i can do", None),
        ("50 is all i've got", None),
        ("not the full amount", None),
    ],
)
def test_the_share_a_phrase_names(text: str, share: Share | None) -> None:
    assert relative_amount(text) is share


OWED = Owed(collectible=Decimal("1250.00"), past_due=Decimal("950.00"), minimum=Decimal("237.50"))


@pytest.mark.parametrize(
    ("share", "owed", "amount"),
    [
        (Share.BALANCE, OWED, "1250.00"),
        (Share.PAST_DUE, OWED, "950.00"),
        (Share.MINIMUM, OWED, "237.50"),
        (Share.HALF_BALANCE, OWED, "625.00"),
        (Share.HALF_PAST_DUE, OWED, "475.00"),
        # halves round up to the cent
        (Share.HALF_BALANCE, Owed(Decimal("100.01"), Decimal(0), Decimal("0.01")), "50.01"),
        # nothing past due: the past-due share is the balance
        (Share.PAST_DUE, Owed(Decimal("300.00"), Decimal(0), Decimal("0.01")), "300.00"),
        # a disputed past-due invoice is not asked for: never more than the collectible
        (Share.PAST_DUE, Owed(Decimal("200.00"), Decimal("500.00"), Decimal("50")), "200.00"),
    ],
)
def test_a_share_resolves_against_what_is_owed(share: Share, owed: Owed, amount: str) -> None:
    assert resolve(share, owed) == Decimal(amount)
