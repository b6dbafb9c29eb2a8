"""No brute force through the web chat, on the live stack (issue 13, point 5).

The web chat takes any string as its sender, so the lock per sender and account alone let
anyone try postal codes for a known account number without end: 15 wrong codes for one
account from 6 senders, then the right code from a 7th was accepted and the balance shown.
The limit per account across senders (10 failures in 24 h) locks the account's chat
verification: the 7th sender's right code is refused, nothing about the account is said,
one ``verification_failed`` case names the account, and the sender is told how to reach a
person. Account A-1011 (postal code 95501) is used by no other e2e test.
"""

from __future__ import annotations

from sqlalchemy import func, select

from bot.db.models import Account, Escalation, Message, VerificationAttempt
from tests.e2e.chat import say
from tests.e2e.conftest import Stack

ACCOUNT, POSTAL = "A-1011", "95501"
ON_FILE = "+17075550111"
#: wrong codes per sender: the first three senders hit their own lock on the third
TRIES = (3, 3, 3, 2, 2, 2)


def _account_id(stack: Stack) -> int:
    with stack.db.connect() as connection:
        found = connection.scalar(select(Account.id).where(Account.account_number == ACCOUNT))
    assert found is not None
    return found


def test_rotating_web_senders_cannot_brute_force_an_accounts_postal_code(stack: Stack) -> None:
    account_id = _account_id(stack)
    wrong = (f"9{n:04d}" for n in range(100))
    answers: list[str] = []
    for number, tries in enumerate(TRIES):
        sender = f"+1555013{number:04d}"
        asked = " ".join(say(stack, sender, "how much do I owe?")).lower()
        assert "account number" in asked, asked
        answers.append(" ".join(say(stack, sender, f"{ACCOUNT} {next(wrong)}")))
        answers += [" ".join(say(stack, sender, next(wrong))) for _ in range(tries - 1)]
    assert len(answers) == 15
    assert all("$" not in answer for answer in answers)
    assert "postal code" in answers[0].lower()  # only the postal code is asked again

    seventh = "+15550139999"
    say(stack, seventh, "how much do I owe?")
    refused = " ".join(say(stack, seventh, f"{ACCOUNT} {POSTAL}"))
    again = " ".join(say(stack, seventh, "what is my balance", f"{ACCOUNT} {POSTAL}"))

    assert "locked" in refused.lower(), refused
    assert "agent" in refused.lower()  # how to reach a person
    assert "verified" not in refused.lower()
    assert "$" not in refused + again
    owner = " ".join(say(stack, ON_FILE, "how much do I owe?", f"{ACCOUNT[-4:]} {POSTAL}"))
    assert "$" not in owner, owner  # even the phone on file waits out the lock

    with stack.db.connect() as connection:
        succeeded = connection.scalar(
            select(func.count())
            .select_from(VerificationAttempt)
            .where(VerificationAttempt.account_id == account_id, VerificationAttempt.succeeded)
        )
        failed = connection.scalar(
            select(func.count())
            .select_from(VerificationAttempt)
            .where(VerificationAttempt.account_id == account_id, ~VerificationAttempt.succeeded)
        )
        cases = connection.execute(
            select(Escalation.account_id, Escalation.named_account, Escalation.status).where(
                Escalation.reason == "verification_failed",
                (Escalation.named_account == ACCOUNT) | (Escalation.account_id == account_id),
            )
        ).all()
        disclosed = connection.scalar(
            select(func.count())
            .select_from(Message)
            .where(Message.address == seventh, Message.body.contains("$"))
        )
    assert succeeded == 0
    assert failed == 10  # the lock stops the counting: refused answers are not recorded
    assert [tuple(case) for case in cases] == [(None, ACCOUNT, "open")]  # one, not per sender
    assert disclosed == 0
