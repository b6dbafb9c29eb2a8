"""Posting one signed webhook body to one receiver over HTTP (SPEC §15).

The poster does not touch the database and does not decide retries: it answers the
receiver's status code, or raises :class:`~bot.errors.DeliveryFailed` when no answer came
(unreachable, timed out, a broken connection) — httpx's errors are translated here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import httpx

from bot.errors import DeliveryFailed

#: seconds a receiver has to answer
TIMEOUT = 10.0


class WebhookPoster(Protocol):
    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int: ...

    async def aclose(self) -> None: ...


class HttpWebhookPoster:
    """Posts with one pooled httpx client (``transport`` lets tests answer in-process)."""

    def __init__(self, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._client = httpx.AsyncClient(
            timeout=TIMEOUT, transport=transport, follow_redirects=False
        )

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        """The receiver's status code.

        Raises:
            DeliveryFailed: no answer came (retryable).
        """
        try:
            response = await self._client.post(url, content=body, headers=dict(headers))
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"webhook {url}: {type(exc).__name__}", retryable=True) from None
        return response.status_code

    async def aclose(self) -> None:
        await self._client.aclose()
