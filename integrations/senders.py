"""Outbound messages and the providers that carry them (SPEC §7).

A :class:`MessageSender` puts one message on one channel and says what the provider made
of it. There is one real sender per provider — Twilio SMS
(:mod:`integrations.twilio_sms`), Telegram (:mod:`integrations.telegram_bot`) — and
:class:`OutboxSender`, the default, which sends nothing: the message stays in the
transcript with provider ``outbox``, where ``arbot outbox`` lists it for development and
tests. Senders do not touch the database; :mod:`bot.services.delivery` records every
message before it is handed to a sender and records the receipt after.

Errors of a provider's library are translated here, at the adapter, into
:class:`~bot.errors.DeliveryFailed` (``retryable`` tells whether a later attempt may
succeed); nothing else escapes a sender.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from integrations.rasa import Button


@dataclass(frozen=True)
class Outbound:
    """One message to one customer.

    Attributes:
        channel: ``sms`` or ``telegram`` (a ``web`` customer is reached by SMS).
        address: the phone number (E.164) or the Telegram chat id.
        text: the message as written; an SMS sender turns ``buttons`` into numbered
            options, a Telegram sender into an inline keyboard.
        key: the idempotency key the message was recorded under; a provider that
            understands one is given it.
        plain: the message as a text-only channel shows it, numbered options and their
            last line in the customer's language (the body as recorded); blank: made
            from ``text`` and ``buttons``.
    """

    channel: str
    address: str
    text: str
    buttons: tuple[Button, ...] = ()
    key: str = ""
    plain: str = ""


@dataclass(frozen=True)
class Receipt:
    """What the provider made of a message: its id there and the delivery status."""

    provider_id: str
    status: str


class MessageSender(Protocol):
    """Puts messages on one provider."""

    #: ``twilio``, ``telegram`` or ``outbox``: stored with every message it carries
    provider: str

    async def send(self, message: Outbound) -> Receipt:
        """Sends one message.

        Raises:
            DeliveryFailed: the provider refused the message or could not be reached.
        """
        ...

    async def aclose(self) -> None:
        """Releases connections; the sender is not used afterwards."""
        ...


class OutboxSender:
    """The development provider: accepts every message and sends nothing.

    The transcript row the delivery service wrote is the outbox; ``arbot outbox`` lists
    the rows whose provider is ``outbox``.
    """

    provider = "outbox"

    async def send(self, message: Outbound) -> Receipt:
        """Accepts the message as delivered, under a new ``OB…`` id."""
        return Receipt(provider_id=f"OB{uuid.uuid4().hex}", status="delivered")

    async def aclose(self) -> None:
        """Nothing to release."""
