"""Amounts said relative to the account: "half", "all of it", "la mitad", "el resto".

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
from bot.policy.numbers_es import fold


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


@dataclass(frozen=True)
class _Phrases:
    """How one language says each share, and what voids it (a negation, "that's all i have")."""

    negated: re.Pattern[str]
    limiting: re.Pattern[str]
    half: re.Pattern[str]
    past_due: re.Pattern[str]
    minimum: re.Pattern[str]
    balance: re.Pattern[str]


_ENGLISH = _Phrases(
    negated=re.compile(r"\b(?:not|can'?t|cannot|cant|unable|won'?t|no way)\b"),
    # "that's all i have": all of what the customer has, not all of what they owe
    limiting=re.compile(
        r"\ball (?:i|i'?ve|ive|we|we'?ve) (?:have|got|get|can|could|make)\b|\bthat'?s all\b|"
        r"\bthats all\b|\bis all\b"
    ),
    half=re.compile(r"\bhalf\b|\b50 ?%|\bfifty (?:percent|per cent)\b"),
    past_due=re.compile(
        r"\bpast[- ]?due\b|\bover ?due\b|\bwhat'?s (?:late|overdue)\b|"
        r"\bthe late (?:amount|part)\b|\bbehind (?:amount|part)\b|\bamount (?:i'?m|im) behind\b|"
        r"\barrears\b"
    ),
    minimum=re.compile(
        r"\bmin(?:imum)?\b|\bleast (?:i|you) (?:can|could|need to|have to|must)\b|"
        r"\bsmallest (?:amount|payment)\b|\blowest (?:amount|payment)\b"
    ),
    balance=re.compile(
        r"\ball of it\b|\bit all\b|\ball\b|\beverything\b|\bin full\b|\bthe rest\b|"
        r"\bremaining\b|\bwhat'?s left\b|"
        r"\bthe (?:whole|full|entire|total) (?:amount|balance|thing|sum)\b|"
        r"\b(?:whole|full|entire|total) (?:amount|balance)\b|\bthe (?:balance|total)\b|"
        r"\bpay (?:it|everything|this|that) off\b|\bwhat i owe\b|\bfull payment\b"
    ),
)
#: Spanish, matched without accents ("mínimo" and "minimo" alike)
_SPANISH = _Phrases(
    negated=re.compile(r"\b(?:no|nunca|tampoco|imposible|ni)\b"),
    # "eso es todo lo que tengo": all the customer has, not all they owe
    limiting=re.compile(
        r"\btodo lo que (?:tengo|tenemos|puedo|podemos|junte|me alcanza|alcanzo|hay)\b|"
        r"\bes todo\b|\bnada mas tengo\b|\bsolo tengo\b|\bes lo (?:unico|que tengo)\b"
    ),
    half=re.compile(r"\b(?:la )?mitad\b|\b50 ?%|\bcincuenta por ciento\b"),
    past_due=re.compile(
        r"\b(?:lo|la parte|el monto|la cantidad|el saldo|el pago) (?:vencid[oa]|atrasad[oa])\b|"
        r"\blo (?:que esta|que tengo) (?:vencido|atrasado)\b|\bvencid[oa]\b|\batrasad[oa]\b|"
        r"\ben mora\b"
    ),
    minimum=re.compile(
        r"\bminimo\b|\blo menos (?:que|posible)\b|\b(?:la cantidad|el pago) (?:mas )?baj[oa]\b"
    ),
    balance=re.compile(
        r"\btodo\b|\btodito\b|\bel total\b|\bel resto\b|\blo (?:que )?(?:falta|queda|resta)\b|"
        r"\blo restante\b|\b(?:el )?saldo (?:completo|total)\b|\bel saldo\b|"
        r"\b(?:la )?cantidad (?:completa|total)\b|\bcompleto\b|\bla totalidad\b|"
        r"\blo que (?:debo|le debo|les debo|debemos)\b|\bliquidar\b|\bsaldar\b"
    ),
)
_PHRASES = {"en": (_ENGLISH,), "es": (_SPANISH, _ENGLISH)}


def relative_amount(text: str, language: str = "en") -> Share | None:
    """The share of what is owed ``text`` names, or None ("I can't pay it all" is None).

    ``es`` reads Spanish ("la mitad", "todo", "el resto"), then English for mixed texts;
    ``en`` reads English only. A negation or a limit ("eso es todo lo que tengo") in the
    language being read voids the share rather than falling through to the other one.
    """
    t = " ".join(fold(text).split())
    if not t:
        return None
    for phrases in _PHRASES.get(language, (_ENGLISH,)):
        if phrases.negated.search(t) or phrases.limiting.search(t):
            return None
        share = _share(t, phrases)
        if share is not None:
            return share
    return None


def _share(t: str, phrases: _Phrases) -> Share | None:
    if phrases.half.search(t):
        return Share.HALF_PAST_DUE if phrases.past_due.search(t) else Share.HALF_BALANCE
    if phrases.minimum.search(t):
        return Share.MINIMUM
    if phrases.past_due.search(t):
        return Share.PAST_DUE
    if phrases.balance.search(t):
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
