"""Who is talking: the channel and address inside Rasa's sender id.

The gateway sends every message to Rasa with ``sender = "<channel>:<address>"``
(docs/conversations.md), so ``sms:+16175550101`` is the phone +16175550101 on SMS and
``telegram:550118`` a Telegram chat. Actions read identity from here, never from free text.
"""

from __future__ import annotations

from dataclasses import dataclass

CHANNELS = ("sms", "telegram", "web")
#: the channel of a sender id without a known channel prefix (``rasa shell``'s "default")
FALLBACK_CHANNEL = "web"


@dataclass(frozen=True)
class Sender:
    """A customer's channel and address on it (phone number or chat id)."""

    channel: str
    address: str


def parse_sender(sender_id: str) -> Sender:
    """Splits ``"<channel>:<address>"``.

    An id without a known channel prefix — Rasa's own tools use ``"default"`` — is taken as
    an address on the ``web`` channel, so the bot still answers; the gateway never sends one.
    """
    channel, sep, address = sender_id.partition(":")
    if sep and channel in CHANNELS and address:
        return Sender(channel, address)
    return Sender(FALLBACK_CHANNEL, sender_id)
