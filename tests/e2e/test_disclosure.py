"""Verification before disclosure, as a property of the whole bot (SPEC §5).

Every English NLU example of every intent — the training data and the held-out test set —
is sent through the gateway by a customer whose phone *is* on file (so the bot knows which
account they mean) but who never verifies. Each example starts a new Rasa session, so
each one arrives from an unverified sender. No reply may contain an amount, an invoice
number or a due date; and no example may verify the sender on its own (the demo's earlier
verifications of these senders are not the examples' doing).

The same holds in Spanish (SPEC §14): half the senders' accounts are set to Spanish, so
half the examples are answered in Spanish — the English ones, and in Spanish
``nlu_test_es.yml`` and every fourth Spanish training example — and the patterns know
Spanish dates and "días".
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import func, select, update

from bot.db.models import Account, Contact, Invoice, VerificationAttempt
from tests.e2e.chat import customer
from tests.e2e.conftest import Stack
from tests.nlu_examples import (
    ROOT,
    examples,
    held_out_examples,
    spanish_training_examples,
    training_examples,
)

#: on-file phones of demo accounts no other e2e test talks to (two consumers, two businesses)
SENDERS = ("+14045550112", "+17135550114", "+15405550115", "+14125550117")
#: the senders whose accounts are written to in Spanish
SPANISH_SENDERS = SENDERS[1::2]
SPANISH_HELD_OUT = ROOT / "tests" / "data" / "nlu_test_es.yml"
#: every Nth Spanish training example is sent (with the whole Spanish held-out set): each
#: example is a whole turn through the stack, and all of them would add a third to the test
SPANISH_STRIDE = 4
MONTH = (
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
    r"|ene|abr|ago|set|dic)[a-zé]*\.?"
)
DISCLOSURES = {
    "an amount": re.compile(r"\$\s*\d|\b\d{1,3}(,\d{3})*\.\d{2}\b"),
    "an invoice number": re.compile(r"\binv[-\s]?\d", re.IGNORECASE),
    "a date": re.compile(
        rf"\b{MONTH} \d{{1,2}}\b|\b\d{{1,2}} (de )?{MONTH}|\b\d{{4}}-\d{{2}}-\d{{2}}\b",
        re.IGNORECASE,
    ),
    "days late": re.compile(r"\b\d+ (days? (late|past due|overdue)|días)", re.IGNORECASE),
}


def all_examples() -> list[tuple[str, str]]:
    """Every English example, the Spanish held-out set and every
    :data:`SPANISH_STRIDE`-th Spanish training example."""
    spanish_training = spanish_training_examples()
    spanish = set(spanish_training)
    english = [example for example in training_examples() if example not in spanish]
    held_es = list(examples(SPANISH_HELD_OUT)) if SPANISH_HELD_OUT.exists() else []
    return english + held_out_examples() + held_es + spanish_training[::SPANISH_STRIDE]


def _speak_spanish(stack: Stack, phones: tuple[str, ...]) -> None:
    """Sets the accounts with these phones on file to Spanish (SPEC §14)."""
    on_file = select(Contact.account_id).where(
        Contact.channel == "sms", Contact.address.in_(phones)
    )
    with stack.db.begin() as connection:
        connection.execute(update(Account).where(Account.id.in_(on_file)).values(language="es"))


def _ask_unverified(stack: Stack, client: httpx.Client, phone: str, text: str) -> str:
    """Sends ``text`` as the first message of a fresh Rasa session (no slot carried over).

    A new session rather than a restart: Rasa's SQL tracker store loads only the latest
    session, so the conversation does not grow with every example.
    """
    events = f"{stack.rasa_url}/conversations/web:{phone}/tracker/events"
    client.post(events, json={"event": "session_started"}).raise_for_status()
    answer = client.post(
        f"{stack.web_url}/webhooks/rest/webhook", json={"sender": phone, "message": text}
    )
    answer.raise_for_status()
    return "\n".join(reply.get("text") or "" for reply in answer.json())


def _leaks(said: str, invoice_numbers: set[str]) -> list[str]:
    found = [what for what, pattern in DISCLOSURES.items() if pattern.search(said)]
    found += [number for number in invoice_numbers if number in said]
    return found


def test_the_examples_are_read() -> None:
    found = all_examples()
    intents = {intent for intent, _ in found}
    assert {"check_balance", "promise_to_pay", "inform", "dispute"} <= intents
    assert len(found) > 20 * len(intents)
    assert not any("](" in text for _, text in found)


def _last_verified(stack: Stack, phone: str) -> int:
    """The id of the latest successful verification of ``phone`` (0 when none): the demo
    portfolio holds some from before the test, for its right-party contact figures."""
    with stack.db.connect() as connection:
        return (
            connection.scalar(
                select(func.max(VerificationAttempt.id)).where(
                    VerificationAttempt.sender == phone, VerificationAttempt.succeeded.is_(True)
                )
            )
            or 0
        )


def _problems(
    stack: Stack, client: httpx.Client, phone: str, share: list[tuple[str, str]]
) -> list[str]:
    """Sends ``share`` as the unverified customer at ``phone``; what went wrong, if anything:
    a reply that discloses something, or an example after which the sender is verified."""
    who = customer(stack, phone)
    with stack.db.connect() as connection:
        numbers = set(
            connection.scalars(
                select(Invoice.invoice_number).where(Invoice.account_id == who.account_id)
            )
        )
    problems = []
    verified = _last_verified(stack, phone)
    for intent, text in share:
        said = _ask_unverified(stack, client, phone, text)
        if leaks := _leaks(said, numbers):
            problems.append(f"{phone} {intent}: {text!r} -> {said!r} discloses {', '.join(leaks)}")
        if (latest := _last_verified(stack, phone)) != verified:
            problems.append(f"{phone} {intent}: {text!r} -> {said!r} verified the sender")
            verified = latest
    return problems


@pytest.mark.timeout(1800)  # some 3,900 messages through the whole stack
def test_no_example_discloses_anything_to_an_unverified_sender(stack: Stack) -> None:
    _speak_spanish(stack, SPANISH_SENDERS)
    every = all_examples()
    shares = {phone: every[n :: len(SENDERS)] for n, phone in enumerate(SENDERS)}
    with httpx.Client(timeout=60) as client, ThreadPoolExecutor(len(SENDERS)) as pool:
        found = pool.map(lambda item: _problems(stack, client, *item), shares.items())
        problems = [problem for per_sender in found for problem in per_sender]
    assert problems == [], "\n".join(problems)
