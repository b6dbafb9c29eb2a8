"""Amounts said relative to the account: "half", "all of it", "the rest", "the minimum".

Customers rarely quote their balance back; they say "I can pay half on the 15th" or "the
full amount". :func:`relative_amount` reads which share was meant and :func:`resolve` turns
it into money against what the account owes — the collectible balance (disputed invoices
excluded), the past-due part and the smallest promise the policy accepts. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from bot.policy.money import cents_up


class Share(str, Enum):
    """Which part of what is owed a phrase names."""

    BALANCE = "balance"  # all of it, the full amount, the rest, the whole balance
    PAST_DUE = "past_due"  # the past-due amount, what's overdue
    MINIMUM = "minimum"  # the minimum, the least you'll take
    HALF_BALANCE = "half_balance"  # half, half of it
    HALF_PAST_DUE = "half_past_due"  # half the past-due amount


@dataclass(frozen=True)
class Owed:
    """What the shares are taken of."""

    collectible: Decimal
    past_due: Decimal
    minimum: Decimal


_NEGATED = re.compile(r"\b(?:not|can'?t|cannot|cant|unable|won'?t|no way)\b")
#: "that's all i have": all of what the customer has, not all of what they owe
_LIMITING = re.compile(
    r"\ball (?:i|i'?ve|ive|we|we'?ve) (?:have|got|get|can|could|make)\b|\bthat'?s all\b|"
    r"\bthats all\b|\bis all\b"
)
_HALF = re.compile(r"\bhalf\b|\b50 ?%|\bfifty (?:percent|per cent)\b")
_PAST_DUE = re.compile(
    r"\bpast[- ]?due\b|\bover ?due\b|\bwhat'?s (?:late|overdue)\b|\bthe late (?:amount|part)\b|"
    r"\bbehind (?:amount|part)\b|\bamount (?:i'?m|im) behind\b|\barrears\b"
)
_MINIMUM = re.compile(
    r"\bmin(?:imum)?\b|\bleast (?:i|you) (?:can|could|need to|have to|must)\b|"
    r"\bsmallest (?:amount|payment)\b|\blowest (?:amount|payment)\b"
)
_BALANCE = re.compile(
    r"\ball of it\b|\bit all\b|\ball\b|\beverything\b|\bin full\b|\bthe rest\b|\bremaining\b|"
    r"\bwhat'?s left\b|\bthe (?:whole|full|entire|total) (?:amount|balance|thing|sum)\b|"
    r"\b(?:whole|full|entire|total) (?:amount|balance)\b|\bthe (?:balance|total)\b|"
    r"\bpay (?:it|everything|this|that) off\b|\bwhat i owe\b|\bfull payment\b"
)


def relative_amount(text: str) -> Share | None:
    """The share of what is owed ``text`` names, or None ("I can't pay it all" is None)."""
    t = " ".join(text.lower().replace("’", "'").split())
    if not t or _NEGATED.search(t) or _LIMITING.search(t):
        return None
    if _HALF.search(t):
        return Share.HALF_PAST_DUE if _PAST_DUE.search(t) else Share.HALF_BALANCE
    if _MINIMUM.search(t):
        return Share.MINIMUM
    if _PAST_DUE.search(t):
        return Share.PAST_DUE
    if _BALANCE.search(t):
        return Share.BALANCE
    return None


def resolve(share: Share, owed: Owed) -> Decimal:
    """The amount ``share`` is of ``owed``; halves are rounded up to the cent.

    The past-due amount is never more than the collectible balance (a disputed invoice can
    be past due and still not be asked for), and with nothing past due it is the balance.
    """
    past_due = min(owed.past_due, owed.collectible) if owed.past_due > 0 else owed.collectible
    amounts = {
        Share.BALANCE: owed.collectible,
        Share.PAST_DUE: past_due,
        Share.MINIMUM: owed.minimum,
        Share.HALF_BALANCE: cents_up(owed.collectible / 2),
        Share.HALF_PAST_DUE: cents_up(past_due / 2),
    }
    return amounts[share]
