"""A local server that speaks the Telegram Bot API, for tests of the real PTB client.

Every method is served at ``/bot<token>/<method>`` as Telegram does, taking form-encoded
or JSON parameters (PTB sends forms, with JSON values for objects) and answering
``{"ok": true, "result": ...}`` — or, for a wrong token, an unknown method or a
programmed failure, ``{"ok": false, "error_code": ..., "description": ...}``.

Served methods: getMe, sendMessage (recorded; answers a Message with increasing
``message_id``), answerCallbackQuery (recorded), setWebhook, deleteWebhook and getUpdates
(serves the queued updates from ``offset`` on and forgets those before it; it does not
wait). :meth:`FakeTelegram.fail` queues failures for a method: flood control (429 with
``parameters.retry_after``), a blocked bot (403), a missing chat (400) or a server error
(500). The helpers at the end build the update JSON Telegram posts to a webhook.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

TOKEN = "123456:TEST-token"
BOT_USERNAME = "arbot_test_bot"
#: the chat date Telegram would stamp (any fixed instant will do)
DATE = 1_795_000_000

FAILURES: dict[str, tuple[int, str]] = {
    "flood": (429, "Too Many Requests: retry after {retry_after}"),
    "blocked": (403, "Forbidden: bot was blocked by the user"),
    "chat_not_found": (400, "Bad Request: chat not found"),
    "server_error": (500, "Internal Server Error"),
}


@dataclass
class FakeTelegram:
    """The Bot API of one bot, with what it was asked and what it should do next."""

    token: str = TOKEN
    sent: list[dict[str, Any]] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    webhook: dict[str, Any] | None = None
    failures: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    _next_message_id: int = 1
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def api_url(self, base_url: str) -> str:
        """The ``base_url`` PTB is given: the server's address up to the token."""
        return f"{base_url}/bot"

    def fail(self, method: str, kind: str, *, times: int = 1, retry_after: int = 1) -> None:
        """The next ``times`` calls of ``method`` fail as ``kind`` (a key of FAILURES)."""
        if kind not in FAILURES:
            raise ValueError(f"kind: {kind!r} is not one of {', '.join(FAILURES)}")
        self.failures.setdefault(method, []).extend([(kind, retry_after)] * times)

    def queue(self, *updates: dict[str, Any]) -> None:
        """Updates for getUpdates to serve."""
        self.updates.extend(updates)

    def reset(self) -> None:
        """Forgets everything (a module-scoped server shared by tests)."""
        with self._lock:
            self.sent.clear()
            self.answered.clear()
            self.calls.clear()
            self.updates.clear()
            self.failures.clear()
            self.webhook = None

    def app(self) -> Starlette:
        """The ASGI app to serve (``tests.asgi_server.serving``)."""
        return Starlette(routes=[Route("/bot{token}/{method}", self._endpoint, methods=["POST"])])

    async def _endpoint(self, request: Request) -> JSONResponse:
        token, method = request.path_params["token"], request.path_params["method"]
        if token != self.token:
            return _error(401, "Unauthorized")
        params = await _params(request)
        with self._lock:
            self.calls.append(method)
            failure = self._next_failure(method)
            if failure is not None:
                return failure
            handler = self._handlers().get(method)
            if handler is None:
                return _error(404, "Not Found: method not found")
            return JSONResponse({"ok": True, "result": handler(params)})

    def _next_failure(self, method: str) -> JSONResponse | None:
        queued = self.failures.get(method)
        if not queued:
            return None
        kind, retry_after = queued.pop(0)
        status, description = FAILURES[kind]
        if kind == "flood":
            return _error(
                status,
                description.format(retry_after=retry_after),
                {"retry_after": retry_after},
            )
        return _error(status, description)

    def _handlers(self) -> dict[str, Any]:
        return {
            "getMe": self._get_me,
            "sendMessage": self._send_message,
            "answerCallbackQuery": self._answer_callback_query,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getUpdates": self._get_updates,
        }

    def _get_me(self, _params: dict[str, Any]) -> dict[str, Any]:
        return {"id": 123456, "is_bot": True, "first_name": "Arbot", "username": BOT_USERNAME}

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        markup = params.get("reply_markup")
        record = {
            "chat_id": str(params["chat_id"]),
            "text": params["text"],
            "reply_markup": json.loads(markup) if isinstance(markup, str) else markup,
        }
        self.sent.append(record)
        message_id, self._next_message_id = self._next_message_id, self._next_message_id + 1
        message = {
            "message_id": message_id,
            "date": DATE,
            "chat": {"id": int(record["chat_id"]), "type": "private"},
            "text": record["text"],
        }
        if record["reply_markup"]:
            message["reply_markup"] = record["reply_markup"]
        return message

    def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        self.answered.append(str(params["callback_query_id"]))
        return True

    def _set_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook = params
        return True

    def _delete_webhook(self, _params: dict[str, Any]) -> bool:
        self.webhook = None
        return True

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        return list(self.updates)


async def _params(request: Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await request.json()
        return dict(body) if isinstance(body, dict) else {}
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _error(status: int, description: str, parameters: dict[str, Any] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return JSONResponse(body, status_code=status)


def user(chat_id: int) -> dict[str, Any]:
    """The private chat's user (in a private chat the chat id is the user id)."""
    return {"id": chat_id, "is_bot": False, "first_name": "Ada"}


def chat(chat_id: int, kind: str = "private") -> dict[str, Any]:
    return {"id": chat_id, "type": kind, "first_name": "Ada"}


def text_update(
    update_id: int, chat_id: int, text: str, *, kind: str = "message", chat_type: str = "private"
) -> dict[str, Any]:
    """A customer's text message (``kind`` ``edited_message`` for an edit)."""
    return {
        "update_id": update_id,
        kind: {
            "message_id": update_id * 10,
            "date": DATE,
            "chat": chat(chat_id, chat_type),
            "from": user(chat_id),
            "text": text,
        },
    }


def sticker_update(update_id: int, chat_id: int) -> dict[str, Any]:
    """A message with no text (a sticker)."""
    message = text_update(update_id, chat_id, "")
    del message["message"]["text"]
    message["message"]["sticker"] = {
        "file_id": "CAAD",
        "file_unique_id": "AgAD",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    return message


def callback_update(
    update_id: int,
    chat_id: int,
    data: str,
    *,
    callback_id: str = "cb-1",
    keyboard: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """A pressed inline button on a bot message whose keyboard is ``(title, data)`` pairs."""
    message: dict[str, Any] = {
        "message_id": 7,
        "date": DATE,
        "chat": chat(chat_id),
        "from": {"id": 123456, "is_bot": True, "first_name": "Arbot"},
        "text": "Pick one",
    }
    if keyboard is not None:
        message["reply_markup"] = {
            "inline_keyboard": [[{"text": t, "callback_data": d}] for t, d in keyboard]
        }
    return {
        "update_id": update_id,
        "callback_query": {
            "id": callback_id,
            "from": user(chat_id),
            "chat_instance": "ci-1",
            "message": message,
            "data": data,
        },
    }
