"""The handoff summary (SPEC §13): what a collector reads first when they take a case.

Made once, when an escalation opens, from facts the repository reads
(:mod:`bot.repositories.handoff_summaries`): the reason, the customer's last 5 messages,
the intents their messages showed in order, whether the sender was verified, the balance
and past due, the pending promise, the plan and the open disputes, words of hardship,
cease or legal threat, and the earlier escalations.

**Redaction**: nothing about the account — balance, past due, promise, plan, disputes,
the account's earlier cases — unless ``account_facts_allowed``: the sender verified for
the account in this conversation. Whatever opened the case (a chat, the daily review, a
lock), an unverified summary carries only the reason, what the sender wrote and the
sender's own earlier cases with no account; the collector reads the account in the
conversation view's account panel, not in the summary.

Intents are SPEC §5's names. When the case opens in a chat turn, they are the dialogue
engine's own readings of the customer's messages in that conversation, in order
(``SummaryFacts.dialogue_intents``, handed over by the action that opened it). A case
opened elsewhere (the daily review, a payment reversal) has no turn to read them from:
its intents are read from the stored messages by the English and Spanish patterns below —
a summary for a person, not a classifier to act on. Words of hardship, cease and legal
threat are read from the messages either way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bot.policy.complaints import wants_a_person
from bot.policy.keywords import Keyword, carrier_keyword
from bot.policy.money import format_money

LAST_MESSAGES = 5
LINE_CHARS = 160
_HARDSHIP = (
    r"\b(?:lost (?:my )?job|laid off|unemployed|hours (?:got )?cut|hospital|medical|chemo|"
    r"cancer|sick|passed away|died|funeral|can'?t afford|hardship|perdi (?:mi|el) trabajo|"
    r"desemplead[oa]|sin trabajo|enferm[oa]|enfermedad|fallecio|murio|"
    r"no me alcanza|no tengo dinero)\b"
)
_INTENTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("check_balance", r"\b(?:owe|balance|how much|amount due|what do i|cuanto debo|"
                          r"cuanto le debo|saldo|cuanto es|mi deuda)\b"),
        ("claim_paid", r"\b(?:already paid|i paid|paid (?:it|on|by|last)|ya (?:lo |la )?pague|"
                       r"ya hice el pago|ya pagamos)\b"),
        ("request_payment_plan", r"\b(?:plan|installments?|per month|a month|monthly|"
                                 r"cuotas|plazos|pagos? mensual(?:es)?|al mes|por mes)\b"),
        ("promise_to_pay", r"\b(?:i(?:'ll| will| can) pay|pay (?:on|by|next|the|it|\$?\d)|"
                           r"promise|(?:le|les) pago|pagare|puedo pagar|voy a pagar|"
                           r"pago el \w+)\b"),
        ("dispute", r"\b(?:dispute|not mine|never (?:got|received|ordered|delivered)|"
                    r"charged twice|wrong (?:amount|invoice)|damaged|cracked|broken on arrival|"
                    r"no es mia|nunca (?:recibi|llego|pedi)|cobraron dos veces|"
                    r"(?:monto|factura|cobro)(?: \w+){0,2} (?:equivocad[oa]|incorrect[oa])|"
                    r"llego (?:roto|danado)|"
                    r"disputa|reclamo)\b"),
        ("pay_now", r"\b(?:link|pay online|card|enlace|tarjeta|pagar en linea)\b"),
        ("hardship", _HARDSHIP),
        ("request_human", r"\b(?:(?:hablar|habla) con (?:una|un) (?:persona|agente|humano)|"
                          r"persona real|un agente)\b"),
        ("cease_contact", r"\b(?:cease|stop (?:contacting|texting|messaging|calling)|"
                          r"(?:don'?t|do not) (?:contact|text|message|call)|leave me alone|"
                          r"dejen de (?:contactarme|escribirme|llamarme)|no me (?:escriban|"
                          r"contacten|llamen) mas|dejenme en paz)\b"),
    )
)  # fmt: skip
_LEGAL = re.compile(
    r"\b(?:lawyer|attorney|sue|suing|court|legal action|bankrupt\w*|abogad[oa]|demanda\w*|"
    r"tribunal|bancarrota|quiebra)\b"
)


def _plain(text: str) -> str:
    """Lower case, accents dropped, straight apostrophes: how the patterns read a text."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def intents_of(text: str) -> list[str]:
    """The intents one customer message shows, in the order of :data:`_INTENTS`."""
    plain = _plain(text)
    found = [name for name, pattern in _INTENTS if pattern.search(plain)]
    if "request_human" not in found and wants_a_person(text):
        found.append("request_human")
    if carrier_keyword(text) is Keyword.STOP:
        found.append("opt_out")
    return found


def without_repeats(intents: Sequence[str]) -> list[str]:
    """``intents`` with each run of one intent kept once."""
    return [name for n, name in enumerate(intents) if n == 0 or intents[n - 1] != name]


def intents_in_order(texts: Sequence[str]) -> list[str]:
    """Every intent the messages showed, in the order first shown (no repeats in a row)."""
    return without_repeats([name for text in texts for name in intents_of(text)])


@dataclass(frozen=True)
class CustomerMessage:
    at: datetime
    text: str


@dataclass(frozen=True)
class EarlierCase:
    id: int
    reason: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class AccountFacts:
    """What the summary may say about the account (only when allowed)."""

    account_number: str
    balance: Decimal
    past_due: Decimal
    pending_promise: tuple[Decimal, date] | None = None
    plan: dict[str, Any] | None = None
    open_disputes: tuple[dict[str, str], ...] = ()
    earlier: tuple[EarlierCase, ...] = ()


@dataclass(frozen=True)
class SummaryFacts:
    reason: str
    verified: bool
    account_facts_allowed: bool
    messages: tuple[CustomerMessage, ...]
    account: AccountFacts | None = None
    #: the sender's earlier cases that carry no account (always shown)
    sender_earlier: tuple[EarlierCase, ...] = field(default_factory=tuple)
    #: the dialogue engine's intents of the conversation's messages, in order, when the
    #: case opened in a chat turn (None: read from the messages by the patterns)
    dialogue_intents: tuple[str, ...] | None = None


def compose(facts: SummaryFacts) -> dict[str, Any]:
    """The summary document (stored as JSON; ``summary`` in the API)."""
    texts = [m.text for m in facts.messages]
    read = intents_in_order(texts)
    intents = read if facts.dialogue_intents is None else without_repeats(facts.dialogue_intents)
    account = facts.account if facts.account_facts_allowed else None
    earlier = [*(account.earlier if account else ()), *facts.sender_earlier]
    doc: dict[str, Any] = {
        "reason": facts.reason,
        "verified": facts.verified,
        "last_messages": [
            {"at": m.at.isoformat(), "text": m.text} for m in facts.messages[-LAST_MESSAGES:]
        ],
        "intents": intents,
        "account_number": None if account is None else account.account_number,
        "balance": None if account is None else format_money(account.balance),
        "past_due": None if account is None else format_money(account.past_due),
        "pending_promise": None,
        "plan": None if account is None else account.plan,
        "open_disputes": [] if account is None else list(account.open_disputes),
        "hardship": "hardship" in {*intents, *read} or facts.reason == "hardship",
        "cease": bool({"cease_contact", "opt_out"} & {*intents, *read}) or facts.reason == "cease",
        "legal_threat": any(_LEGAL.search(_plain(text)) for text in texts),
        "earlier_escalations": [
            {
                "id": e.id,
                "reason": e.reason,
                "status": e.status,
                "created_at": e.created_at.isoformat(),
            }
            for e in sorted(earlier, key=lambda e: e.id)
        ],
    }
    if account is not None and account.pending_promise is not None:
        amount, due = account.pending_promise
        doc["pending_promise"] = {"amount": format_money(amount), "due_date": due.isoformat()}
    doc["line"] = one_line(doc)
    return doc


def one_line(doc: dict[str, Any]) -> str:
    """The summary as the queue shows it: one line, at most :data:`LINE_CHARS` characters."""
    parts = [doc["reason"].replace("_", " "), "verified" if doc["verified"] else "not verified"]
    if doc["past_due"] is not None:
        parts.append(f"past due {doc['past_due']} of {doc['balance']}")
    if doc["pending_promise"]:
        parts.append(
            f"promise {doc['pending_promise']['amount']} on {doc['pending_promise']['due_date']}"
        )
    if doc["plan"]:
        parts.append(f"plan {doc['plan']['status']}")
    if doc["open_disputes"]:
        parts.append(f"{len(doc['open_disputes'])} open dispute(s)")
    parts += [flag.replace("_", " ") for flag in ("hardship", "cease", "legal_threat") if doc[flag]]
    if doc["earlier_escalations"]:
        parts.append(f"{len(doc['earlier_escalations'])} earlier case(s)")
    if doc["last_messages"]:
        parts.append(f'last: "{doc["last_messages"][-1]["text"]}"')
    line = "; ".join(parts)
    return line if len(line) <= LINE_CHARS else line[: LINE_CHARS - 1] + "…"
