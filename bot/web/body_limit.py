"""A cap on request bodies (``ARBOT_MAX_BODY_BYTES``): larger ones are refused with 413.

Nothing the web app takes — a webhook's form or JSON, an API call, a console form — comes
near 64 KiB, so a larger body is someone filling the server's memory or disk (a form is
parsed into memory; a multipart upload is spooled to a temporary file). The limit is
enforced in front of every route, before any of them reads a byte:

* a ``Content-Length`` above the limit is answered 413 at once; the body is never read;
* a body sent without one (chunked) is counted as it arrives, and the request is refused
  as soon as the count passes the limit — the rest is never read.

Routes that take more — the integration API's batches of up to 1,000 objects — are given
their own, larger limit by path prefix (``larger``); every other route keeps the default.

The answer is JSON like the app's other input errors:
``{"error": "body: larger than 65536 bytes", "field": "body"}``.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(Exception):  # noqa: N818 - named for the condition, like starlette's
    """The body grew past the limit while the app was reading it."""


class BodyLimit:
    """ASGI middleware refusing request bodies larger than ``max_bytes`` with 413."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, larger: Mapping[str, int] | None = None
    ) -> None:
        if max_bytes < 1:
            raise ValueError(f"max_bytes: {max_bytes} is not a positive number of bytes")
        self.app = app
        self.max_bytes = max_bytes
        self.larger = dict(larger or {})

    def limit(self, path: str) -> int:
        """The limit of a request to ``path``."""
        for prefix, limit in self.larger.items():
            if path.startswith(prefix):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope.get("path", ""))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await self._refuse(limit, receive, send, scope)
            return
        received = 0
        answered = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal answered
            answered = answered or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if answered:  # too late for a 413: the server ends the connection
                raise
            await self._refuse(limit, receive, send, scope)

    async def _refuse(self, limit: int, receive: Receive, send: Send, scope: Scope) -> None:
        response = JSONResponse(
            {"error": f"body: larger than {limit} bytes", "field": "body"},
            status_code=413,
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    """The declared length of the body; None when absent or not a number (the server
    refuses a malformed one before the app sees it)."""
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
