"""A greeting through the gateway reaches Rasa and comes back, and both sides are recorded."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Message
from integrations.rasa import parse_messages
from tests.e2e.conftest import Stack

SENDER = "+12075550121"  # a demo customer no other e2e test talks to


def test_hi_through_the_gateway_gets_a_reply_and_both_are_in_the_transcript(
    stack: Stack,
) -> None:
    replies = stack.chat(SENDER, "hi")

    assert replies, "the bot did not answer"
    assert all(reply["recipient_id"] == SENDER for reply in replies)
    assert all(reply.get("text") for reply in replies)
    with stack.db.connect() as connection:
        rows = connection.execute(
            select(Message.direction, Message.body)
            .where(Message.channel == "web", Message.address == SENDER)
            .order_by(Message.id)
        ).all()
    assert rows[0] == ("in", "hi")
    assert rows[1:] == [("out", m.as_plain_text()) for m in parse_messages(replies)]
