"""Twilio SMS: the real sender of the ``sms`` channel (SPEC §7).

A message goes out through the twilio library's Messages API (``messages.create_async``:
To, From, Body, StatusCallback) over :class:`~integrations.twilio_http.HttpxTwilioClient`.
Buttons become numbered options ("1) …", "Reply 1 or 2"); a text longer than one Twilio
message (1,600 characters) is sent as several, cut at the best break
(:func:`bot.policy.sms_text.split_sms`), each its own API call. The receipt is the first
part's: its SID is what the transcript row keeps, and its status callbacks update the row
(the other parts' callbacks name SIDs the database does not know; they are logged).

**At most once.** :mod:`bot.services.delivery` hands each recorded message over once; the
sender then tries again only when Twilio certainly did not take the message:

* Twilio answered 429 (too many requests) or 500 / 503 — the Messages API creates the
  message, with its SID, only when it answers 201, so a refused attempt left nothing to
  deliver;
* the connection could not be opened (nothing reached Twilio).

Up to ``attempts`` tries, waiting ``backoff``, then twice that, and so on, or what
Twilio's ``Retry-After`` asks; a wait longer than ``max_delay`` is not made (the webhook
that sends a reply is waiting too) and the message fails, retryable. When the outcome is
unknown — the request was sent but no answer came (read timeout, dropped connection), or
a gateway answered 502 / 504 for a Twilio that may have acted — the sender does not try
again, and reports a failure that is not retryable, so nothing upstream resends it. 4xx
answers are refusals (a bad number, an opted-out recipient, bad credentials): never
retried. Once a part of a long message was accepted, a later part's failure is not
retryable either: resending would repeat the first part.

Every error of the library or the connection is translated into
:class:`~bot.errors.DeliveryFailed`; nothing else escapes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from twilio.base.exceptions import (
    TwilioException,
    TwilioRestException,
    TwilioServiceException,
)
from twilio.rest import Client

from bot.errors import ConfigError, DeliveryFailed
from bot.policy.sms_text import split_sms
from bot.settings import Settings
from integrations.rasa import BotMessage
from integrations.senders import Outbound, Receipt
from integrations.twilio_http import TWILIO_API, HttpxTwilioClient, last_retry_after

log = logging.getLogger(__name__)

#: where Twilio posts delivery status callbacks (bot.web.twilio)
STATUS_PATH = "/webhooks/twilio/status"
#: answers that say Twilio did not create the message: trying again cannot double it
NOT_ACCEPTED = frozenset({429, 500, 503})
#: nothing reached Twilio: trying again cannot double the message
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class Retry:
    """How a refused message is tried again.

    Attributes:
        attempts: tries in all, the first included.
        backoff: seconds before the second try; each later wait is twice the one before.
        max_delay: the longest wait made (also for ``Retry-After``); beyond it, give up.
    """

    attempts: int = 3
    backoff: float = 0.5
    max_delay: float = 4.0

    def delay(self, attempt: int, retry_after: str | None) -> float | None:
        """Seconds to wait after failed try number ``attempt``; None means give up."""
        if attempt >= self.attempts:
            return None
        wait = _seconds(retry_after)
        if wait is None:
            wait = self.backoff * 2 ** (attempt - 1)
        return wait if wait <= self.max_delay else None


@dataclass(frozen=True)
class _Refused:
    """A try Twilio certainly did not act on: it may be made again."""

    failure: DeliveryFailed
    retry_after: str | None = None


class TwilioSmsSender:
    """Sends SMS through Twilio's Messages API (module docstring: splitting, retries).

    Args:
        account_sid: the Twilio account (``AC…``), also the API user.
        auth_token: the account's auth token, the API password.
        sender: the Twilio number (E.164) messages come from, or a Messaging Service
            SID (``MG…``).
        status_callback: the URL Twilio posts delivery statuses to ("" for none).
        api_url: Twilio's API (a local fake in tests).
        retry: how refused messages are tried again.
        sleep: waits between tries (tests record the waits instead).
    """

    provider = "twilio"

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        sender: str,
        *,
        status_callback: str = "",
        api_url: str = TWILIO_API,
        retry: Retry = Retry(),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._http = HttpxTwilioClient(api_url)
        self._client = Client(  # type: ignore[no-untyped-call]  # twilio leaves it bare
            account_sid, auth_token, http_client=self._http
        )
        self._sender = sender
        self._status_callback = status_callback
        self._retry = retry
        self._sleep = sleep

    @classmethod
    def from_settings(cls, settings: Settings) -> TwilioSmsSender:
        """The sender a deployment configured (``ARBOT_TWILIO_*``, ``ARBOT_PUBLIC_URL``).

        Raises:
            ConfigError: naming every missing setting.
        """
        missing = [
            name
            for name, value in (
                ("ARBOT_TWILIO_ACCOUNT_SID", settings.twilio_account_sid),
                ("ARBOT_TWILIO_AUTH_TOKEN", settings.twilio_auth_token),
                ("ARBOT_TWILIO_FROM", settings.twilio_from),
            )
            if not value
        ]
        if missing:
            raise ConfigError(f"{', '.join(missing)}: needed to send SMS through Twilio")
        return cls(
            settings.twilio_account_sid,
            settings.twilio_auth_token,
            settings.twilio_from,
            status_callback=settings.public_url + STATUS_PATH,
            api_url=settings.twilio_api_url,
        )

    async def send(self, message: Outbound) -> Receipt:
        """Sends ``message`` as one SMS, or several when it is long; the first one's receipt.

        Raises:
            DeliveryFailed: Twilio refused a part or could not be reached (module docstring).
        """
        text = message.plain or BotMessage(message.text, message.buttons).as_plain_text()
        parts = split_sms(text)
        receipts: list[Receipt] = []
        for number, part in enumerate(parts, start=1):
            try:
                receipts.append(await self._send_part(message.address, part))
            except DeliveryFailed as exc:
                if not receipts:
                    raise
                raise DeliveryFailed(
                    f"twilio: part {number} of {len(parts)} not sent after part 1 went out"
                    f" as {receipts[0].provider_id}: {exc}"
                ) from exc
        return receipts[0]

    async def aclose(self) -> None:
        """Closes the connections to Twilio."""
        await self._http.aclose()

    async def _send_part(self, to: str, body: str) -> Receipt:
        attempt = 1
        while True:
            outcome = await self._try(to, body)
            if isinstance(outcome, Receipt):
                return outcome
            wait = self._retry.delay(attempt, outcome.retry_after)
            if wait is None:
                raise outcome.failure
            log.info("twilio refused a message (%s); trying again in %.2fs", outcome.failure, wait)
            await self._sleep(wait)
            attempt += 1

    async def _try(self, to: str, body: str) -> Receipt | _Refused:
        """One Messages API call: the receipt, a refusal worth retrying, or DeliveryFailed."""
        sender = {
            "messaging_service_sid" if self._sender.startswith("MG") else "from_": self._sender
        }
        callback = {"status_callback": self._status_callback} if self._status_callback else {}
        try:
            created = await self._client.messages.create_async(
                to=to.strip(), body=body, **sender, **callback
            )
        except (TwilioRestException, TwilioServiceException) as exc:
            verdict = _verdict(exc, last_retry_after())
            if isinstance(verdict, DeliveryFailed):
                raise verdict from exc
            return verdict
        except NOT_SENT as exc:
            return _Refused(DeliveryFailed(f"twilio: unreachable ({exc!r})", retryable=True))
        except (httpx.HTTPError, TwilioException, ValueError) as exc:  # no readable answer
            raise DeliveryFailed(
                f"twilio: outcome unknown, not sent again ({exc!r})", retryable=False
            ) from exc
        if not created.sid:
            raise DeliveryFailed("twilio: the answer has no message sid", retryable=False)
        return Receipt(provider_id=created.sid, status=str(created.status or "queued"))


def _verdict(
    exc: TwilioRestException | TwilioServiceException, retry_after: str | None
) -> _Refused | DeliveryFailed:
    """What a Twilio error answer means: a refusal to retry, or a final failure."""
    status = exc.status
    if isinstance(exc, TwilioServiceException):
        failure = f"twilio: HTTP {status}, error {exc.code}: {exc.detail or exc.title}"
    else:
        failure = f"twilio: HTTP {status}, error {exc.code}: {exc.msg}"
    if status in NOT_ACCEPTED:
        return _Refused(DeliveryFailed(failure, retryable=True), retry_after)
    if status >= 500:  # a gateway's answer: Twilio may have taken the message
        return DeliveryFailed(f"{failure} (outcome unknown, not sent again)", retryable=False)
    return DeliveryFailed(failure, retryable=False)


def _seconds(retry_after: str | None) -> float | None:
    """``Retry-After`` in seconds (Twilio sends a number of seconds); None if absent or odd."""
    if retry_after is None or not retry_after.strip().isdigit():
        return None
    return float(retry_after.strip())
