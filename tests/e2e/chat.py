"""Talking to the live stack as a customer, and reading what it recorded."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.db.models import Account, Contact
from tests.e2e.conftest import Stack


@dataclass(frozen=True)
class Customer:
    """A demo customer: their phone on file and the answers that verify them."""

    phone: str
    account_id: int
    account_number: str
    postal_code: str

    @property
    def last4(self) -> str:
        return self.account_number[-4:]


def customer(stack: Stack, phone: str) -> Customer:
    """The demo account whose SMS contact is ``phone``."""
    with stack.db.connect() as connection:
        row = connection.execute(
            select(Account.id, Account.account_number, Account.postal_code)
            .join(Contact, Contact.account_id == Account.id)
            .where(Contact.channel == "sms", Contact.address == phone)
        ).one()
    return Customer(phone, row.id, row.account_number, row.postal_code)


def say(stack: Stack, sender: str, *messages: str) -> list[str]:
    """Sends each message in turn; returns the bot's answer to the last one, one text each."""
    answer: list[str] = []
    for message in messages:
        answer = [reply.get("text") or "" for reply in stack.chat(sender, message)]
    return answer


def verify(stack: Stack, who: Customer, request: str) -> list[str]:
    """Makes ``request`` unverified, answers the two questions; the bot's answer after them."""
    asked = " ".join(say(stack, who.phone, request)).lower()
    assert "account number" in asked, f"not asked to verify: {asked!r}"
    return say(stack, who.phone, who.last4, who.postal_code)
