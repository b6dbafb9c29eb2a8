"""A local server that speaks Twilio's Messages API, for tests of the real twilio client.

``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` takes the form fields Twilio
takes (To, From or MessagingServiceSid, Body, StatusCallback …) behind HTTP basic auth
(account SID and auth token) and answers as Twilio does: 201 with the message resource
(``sid`` ``SM…``, ``status`` ``queued``, to, from, body …), or an error object
``{"code", "message", "more_info", "status"}`` — 401 (20003) for wrong credentials, 400
for a missing To (21604), From (21603) or Body (21602), or a body over 1,600 characters
(21617).

:meth:`FakeTwilio.fail` queues answers for the next requests (500 twice, then the normal
201; a 429 with ``Retry-After``; a 400 with a Twilio error code; None for a normal answer
before a failure); :meth:`FakeTwilio.fail_for` answers every request with one failure for
a while (an outage, a rate limit lasting T seconds), after the queued answers are used up.
Every request is counted, every refusal is kept with its status, and every accepted
message is recorded with its form fields and SID, and when it arrived
(:attr:`FakeTwilio.accepted_at`, ``time.monotonic()``).
"""

from __future__ import annotations

import base64
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.asgi_server import serving

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-auth-token"
FROM = "+16175550000"
API_VERSION = "2010-04-01"
MAX_BODY = 1600


@dataclass(frozen=True)
class Failure:
    """One programmed error answer.

    Attributes:
        status: the HTTP status (400, 429, 500 …).
        code: the Twilio error code in the answer.
        message: the error message in the answer.
        retry_after: the ``Retry-After`` header, if any.
    """

    status: int
    code: int
    message: str = "Programmed failure"
    retry_after: str | None = None


SERVER_ERROR = Failure(500, 20500, "Internal Server Error")
BAD_GATEWAY = Failure(502, 20502, "Bad Gateway")
INVALID_TO = Failure(400, 21211, "The 'To' number is not a valid phone number.")


def too_many_requests(retry_after: str | None = None) -> Failure:
    """Twilio's rate limit answer."""
    return Failure(429, 20429, "Too Many Requests", retry_after)


@dataclass
class FakeTwilio:
    """One Twilio account's Messages API, with what it accepted and what it should do next."""

    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    url: str = ""
    accepted: list[dict[str, str]] = field(default_factory=list)
    #: when each accepted message arrived (``time.monotonic()``), index for index
    accepted_at: list[float] = field(default_factory=list)
    #: the status of every request answered with an error, in order
    refused: list[int] = field(default_factory=list)
    requests: int = 0
    _failures: deque[Failure | None] = field(default_factory=deque)
    _outage: tuple[Failure, float] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, *failures: Failure | None) -> None:
        """The next requests are answered with ``failures`` in order (None: normally)."""
        with self._lock:
            self._failures.extend(failures)

    def fail_for(self, seconds: float, failure: Failure) -> None:
        """Every request of the next ``seconds`` is answered with ``failure``.

        Answers queued by :meth:`fail` come first; a later call replaces the window.
        """
        with self._lock:
            self._outage = (failure, time.monotonic() + seconds)

    def heal(self) -> None:
        """Ends the :meth:`fail_for` window and drops the answers :meth:`fail` queued."""
        with self._lock:
            self._failures.clear()
            self._outage = None

    def reset(self) -> None:
        """Forgets what was sent and what was programmed."""
        with self._lock:
            self.accepted.clear()
            self.accepted_at.clear()
            self.refused.clear()
            self._failures.clear()
            self._outage = None
            self.requests = 0

    def bodies(self) -> list[str]:
        """The body of every accepted message, in order."""
        return [message["Body"] for message in self.accepted]

    def app(self) -> Starlette:
        """The ASGI app serving this account's API."""
        path = f"/{API_VERSION}/Accounts/{{sid}}/Messages.json"
        return Starlette(routes=[Route(path, self._create, methods=["POST"])])

    async def _create(self, request: Request) -> JSONResponse:
        form = {key: str(value) for key, value in (await request.form()).items()}
        with self._lock:
            self.requests += 1
            failure = self._failures.popleft() if self._failures else self._outage_failure()
        refused = failure or self._refusal(request, form)
        if refused is not None:
            with self._lock:
                self.refused.append(refused.status)
            return _error(refused)
        message = self._resource(request.path_params["sid"], form)
        with self._lock:
            self.accepted.append({**form, "Sid": message["sid"]})
            self.accepted_at.append(time.monotonic())
        return JSONResponse(message, status_code=201)

    def _outage_failure(self) -> Failure | None:
        """The failure of the :meth:`fail_for` window while it lasts (the lock is held)."""
        if self._outage is None:
            return None
        failure, until = self._outage
        if time.monotonic() >= until:
            self._outage = None
            return None
        return failure

    def _refusal(self, request: Request, form: dict[str, str]) -> Failure | None:
        """The error Twilio would answer this request with, if any."""
        expected = f"{self.account_sid}:{self.auth_token}".encode()
        credentials = request.headers.get("authorization", "")
        if credentials != "Basic " + base64.b64encode(expected).decode():
            return Failure(401, 20003, "Authenticate")
        if request.path_params["sid"] != self.account_sid:
            return Failure(404, 20404, "The requested resource was not found")
        if not form.get("To"):
            return Failure(400, 21604, "A 'To' phone number is required.")
        if not form.get("From") and not form.get("MessagingServiceSid"):
            return Failure(400, 21603, "A 'From' phone number is required.")
        if not form.get("Body") and not form.get("MediaUrl"):
            return Failure(400, 21602, "Message body is required.")
        if len(form.get("Body", "")) > MAX_BODY:
            return Failure(
                400, 21617, "The concatenated message body exceeds the 1600 character limit."
            )
        return None

    def _resource(self, account_sid: str, form: dict[str, str]) -> dict[str, Any]:
        sid = "SM" + uuid.uuid4().hex
        now = format_datetime(datetime.now(timezone.utc))
        base = f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}"
        body = form.get("Body", "")
        return {
            "account_sid": account_sid,
            "api_version": API_VERSION,
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "num_media": "0",
            "num_segments": str(max(1, -(-len(body) // 153))),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "queued",
            "subresource_uris": {"media": f"{base}/Media.json"},
            "to": form["To"],
            "uri": f"{base}.json",
        }


def _error(failure: Failure) -> JSONResponse:
    headers = {"Retry-After": failure.retry_after} if failure.retry_after is not None else None
    payload = {
        "code": failure.code,
        "message": failure.message,
        "more_info": f"https://www.twilio.com/docs/errors/{failure.code}",
        "status": failure.status,
    }
    return JSONResponse(payload, status_code=failure.status, headers=headers)


@contextmanager
def fake_twilio() -> Iterator[FakeTwilio]:
    """A :class:`FakeTwilio` served over HTTP until the block ends (``url`` is set)."""
    fake = FakeTwilio()
    with serving(fake.app()) as url:
        fake.url = url
        yield fake
