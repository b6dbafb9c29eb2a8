"""The HTTP client the twilio library talks through: httpx, at a configurable base URL.

twilio's ``Client`` builds every URL on ``https://api.twilio.com`` and hands the request to
its ``http_client``. :class:`HttpxTwilioClient` is one of twilio's
:class:`~twilio.http.AsyncHttpClient` s: it sends the request with httpx (the HTTP library
the rest of arbot uses, with its timeouts and connection pool) to ``api_url`` instead of
Twilio's host, so the tests run the real library against a local server that speaks the
Twilio API (SPEC §7), and a deployment may go through a proxy.

A refused message's ``Retry-After`` is not part of twilio's exception, so the client
remembers the header of the last answer in a context variable (:func:`last_retry_after`):
each asyncio task has its own, so concurrent sends never read each other's.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

import httpx
from twilio.http import AsyncHttpClient
from twilio.http.response import Response

#: the base URL twilio's Client writes into every request
TWILIO_API = "https://api.twilio.com"
#: a message is sent in well under a second; a webhook answer waits for it
DEFAULT_TIMEOUT = httpx.Timeout(5.0, connect=2.0)

_logger = logging.getLogger("twilio.http_client")
_retry_after: ContextVar[str | None] = ContextVar("twilio_retry_after", default=None)


def last_retry_after() -> str | None:
    """The ``Retry-After`` header of the last Twilio answer in this task, if it had one."""
    return _retry_after.get()


class HttpxTwilioClient(AsyncHttpClient):
    """twilio's asynchronous HTTP client, on httpx, at ``api_url``.

    Args:
        api_url: where Twilio's API is (``ARBOT_TWILIO_API_URL``); requests for
            ``https://api.twilio.com`` go there instead.
        timeout: per request, unless twilio asks for another.
    """

    def __init__(self, api_url: str = TWILIO_API, timeout: httpx.Timeout = DEFAULT_TIMEOUT):
        super().__init__(_logger, is_async=True)
        self.api_url = api_url.rstrip("/")
        self._http = httpx.AsyncClient(timeout=timeout)

    async def request(  # type: ignore[override]  # twilio's own async base does this
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        """Sends one request of the twilio library; returns twilio's response type.

        Raises:
            httpx.TransportError: the request could not be sent or answered (the caller
                tells apart "never sent" from "outcome unknown").
        """
        _retry_after.set(None)
        options: dict[str, Any] = {"timeout": timeout} if timeout is not None else {}
        answer = await self._http.request(
            method,
            self.rewrite(url),
            params=params,  # type: ignore[arg-type]  # twilio's values are str or list
            data=data,
            headers=headers,
            auth=auth,
            follow_redirects=allow_redirects,
            **options,
        )
        _retry_after.set(answer.headers.get("retry-after"))
        return Response(answer.status_code, answer.text, answer.headers)

    def rewrite(self, url: str) -> str:
        """``url`` on ``api_url`` when it is one of Twilio's API URLs."""
        if url.startswith(TWILIO_API):
            return self.api_url + url[len(TWILIO_API) :]
        return url

    async def aclose(self) -> None:
        """Closes the connection pool."""
        await self._http.aclose()
