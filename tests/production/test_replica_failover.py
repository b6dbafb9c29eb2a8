"""A conversation survives the death of its Rasa replica (production profile, live).

The customer's conversation starts on its home replica (the first of the sender's ranking),
gets verified and has a promise read back; the home replica is killed; the customer's
"yes" is answered by the other replica, which finds the verification and the promise's
slots in the shared PostgreSQL tracker store, and records the promise.
"""

from __future__ import annotations

import signal
from datetime import date
from decimal import Decimal

from sqlalchemy import select, text

from bot.db.models import Account, Contact, Promise
from bot.services.chat import TROUBLE_REPLY
from integrations.replicas import rank
from tests.production.conftest import ProductionStack

PHONE = "+12135550104"  # James: 890.40 past due, Los Angeles (demo portfolio)


def test_the_other_replica_carries_on_the_conversation_when_its_replica_dies(
    production: ProductionStack,
) -> None:
    stack = production
    with stack.db.connect() as connection:
        james = connection.execute(
            select(Account.id, Account.account_number, Account.postal_code)
            .join(Contact, Contact.account_id == Account.id)
            .where(Contact.channel == "sms", Contact.address == PHONE)
        ).one()
    sender_id = f"web:{PHONE}"
    home, other = rank(stack.settings.rasa_urls, sender_id)
    home_name = f"rasa-{stack.settings.rasa_urls.index(home) + 1}"

    asked = " ".join(stack.chat(PHONE, "i can pay $300 on friday")).lower()
    assert "account number" in asked, asked
    stack.chat(PHONE, james.account_number[-4:])
    readback = " ".join(stack.chat(PHONE, james.postal_code))
    assert "$300.00" in readback, readback
    assert "Nov 27" in readback, readback

    web = stack.processes["web"]
    assert "passed over" not in web.tail(), "a replica failed before the kill"
    replica = stack.processes[home_name].popen
    replica.send_signal(signal.SIGKILL)
    replica.wait(timeout=30)

    done = " ".join(stack.chat(PHONE, "yes"))

    assert done != TROUBLE_REPLY
    assert "recorded" in done, done
    # the gateway tried the customer's own replica first, found it gone, and went on
    assert f"Rasa at {home} is passed over for a while: ConnectError" in web.tail()
    with stack.db.connect() as connection:
        promises = connection.execute(
            select(Promise.amount, Promise.due_date, Promise.status).where(
                Promise.account_id == james.id
            )
        ).all()
        stored = connection.execute(
            text("select count(*) from events where sender_id = :sender"), {"sender": sender_id}
        ).scalar_one()
    assert [tuple(row) for row in promises] == [(Decimal("300.00"), date(2026, 11, 27), "pending")]
    assert stored > 0  # Rasa's events are in the shared PostgreSQL database
    slots = stack.tracker(other, sender_id)["slots"]
    assert slots["verified"] is True
    assert slots["account_number"] == james.account_number
