"""A local server that speaks the three Stripe Checkout endpoints arbot uses (SPEC §11).

``POST /v1/checkout/sessions`` (form-encoded, Stripe's bracket notation:
``line_items[0][price_data][unit_amount]=30000``), ``GET /v1/checkout/sessions/{id}`` and
``POST /v1/checkout/sessions/{id}/expire``, behind ``Authorization: Bearer <secret key>``,
answering with Checkout Session objects as Stripe does. Like Stripe it refuses a parameter
``SessionCreateParams`` (stripe-python's own TypedDict) does not know — so the fake cannot
drift from the library — and answers a repeated ``Idempotency-Key`` with the first answer.

``GET /checkout/{id}`` stands for Stripe's hosted page. The test plays the customer with
:meth:`FakeStripe.pay` (card: paid at once; ``us_bank_account``: pending, then
:meth:`FakeStripe.settle` succeeds or fails), :meth:`FakeStripe.refund` and
:meth:`FakeStripe.dispute`; each returns the webhook events Stripe would send, signed
with stripe-python's ``WebhookSignature.generate_signature_header`` (:meth:`signed`).
"""

from __future__ import annotations

import itertools
import json
import sys
import threading
import time
import typing
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import stripe
import typing_extensions
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route
from stripe.params.checkout import SessionCreateParams

from tests.asgi_server import serving

SESSION_SECONDS = 24 * 3600


def decode_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's bracket notation (``a[b][0][c]=v``) back into nested dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)  # type: ignore[no-any-return]


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if node and all(k.isdigit() for k in node):
        return [_lists(node[k]) for k in sorted(node, key=int)]
    return {k: _lists(v) for k, v in node.items()}


def unknown_params(
    value: Any, hint: Any = SessionCreateParams, path: str = "", module: str = ""
) -> list[str]:
    """The parameters in ``value`` the TypedDict ``hint`` (recursively) does not have."""
    hint = _resolve(_unwrap(_resolve(hint, module)), module)
    if typing_extensions.is_typeddict(hint):
        module = hint.__module__
        if not isinstance(value, Mapping):
            return [f"{path or 'params'}: expected an object"]
        hints = type_hints(hint)
        found: list[str] = []
        for key, item in value.items():
            where = f"{path}[{key}]" if path else key
            if key not in hints:
                found.append(where)
            else:
                found += unknown_params(item, hints[key], where, module)
        return found
    if typing.get_origin(hint) is list and isinstance(value, list):
        (inner,) = typing.get_args(hint)
        return [
            p for i, v in enumerate(value) for p in unknown_params(v, inner, f"{path}[{i}]", module)
        ]
    return []


def _namespace(module: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {**vars(typing), "Mapping": Mapping, "StripeContext": Any}
    namespace.update(vars(sys.modules["stripe._request_options"]))
    if module in sys.modules:
        namespace.update(vars(sys.modules[module]))
    return namespace


def _resolve(hint: Any, module: str) -> Any:
    """``hint`` with its forward references (strings) evaluated in ``module``."""
    if isinstance(hint, typing.ForwardRef):
        hint = hint.__forward_arg__
    if isinstance(hint, str):
        try:
            hint = eval(hint, _namespace(module))  # noqa: S307 - stripe-python's own annotations
        except (NameError, TypeError):
            return Any
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if args and any(isinstance(a, (str, typing.ForwardRef)) for a in args):
        resolved = tuple(_resolve(a, module) for a in args)
        if origin is list:
            return list[resolved[0]]  # type: ignore[valid-type]
        if origin is typing.Union:
            return typing.Union[resolved]  # noqa: UP007
    return hint


def type_hints(typed_dict: Any) -> dict[str, Any]:
    """The fields of one of stripe-python's TypedDicts, forward references resolved in its
    module (``RequestOptions`` names ``StripeContext`` only for type checkers)."""
    return {
        name: _resolve(annotation, typed_dict.__module__)
        for name, annotation in typed_dict.__annotations__.items()
    }


def _unwrap(hint: Any) -> Any:
    """Strips ``NotRequired``, ``Optional`` and ``Literal[""]`` around the real type."""
    origin = typing.get_origin(hint)
    while origin is not None and getattr(origin, "_name", "") in ("NotRequired", "Required"):
        (hint,) = typing.get_args(hint)
        origin = typing.get_origin(hint)
    if origin is typing.Union:
        real = [a for a in typing.get_args(hint) if a is not type(None)]
        real = [a for a in real if typing.get_origin(a) is not typing.Literal] or real
        return _unwrap(real[0]) if len(real) == 1 else hint
    return hint


@dataclass
class FakeStripe:
    """One Stripe account's Checkout Sessions, and the events Stripe would send."""

    api_key: str
    webhook_secret: str
    base_url: str = "http://stripe.test"
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    created_params: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    #: the ``created`` of the events (arbot's ``ARBOT_NOW`` in tests)
    now: int = field(default_factory=lambda: int(time.time()))
    _answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def app(self) -> Starlette:
        """The ASGI app of the fake API."""
        return Starlette(
            routes=[
                Route("/v1/checkout/sessions", self._create, methods=["POST"]),
                Route("/v1/checkout/sessions/{id}", self._retrieve, methods=["GET"]),
                Route("/v1/checkout/sessions/{id}/expire", self._expire, methods=["POST"]),
                Route("/checkout/{id}", self._page, methods=["GET"]),
            ]
        )

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}_test_{next(self._ids):06d}{'x' * 8}"

    def _authorised(self, request: Request) -> JSONResponse | None:
        self.requests.append((request.method, request.url.path))
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return _error(401, "Invalid API Key provided")
        return None

    async def _create(self, request: Request) -> JSONResponse:
        refused = self._authorised(request)
        if refused:
            return refused
        params = decode_form(parse_qsl((await request.body()).decode(), keep_blank_values=True))
        unknown = unknown_params(params)
        if unknown:
            return _error(400, f"Received unknown parameter: {unknown[0]}")
        key = request.headers.get("idempotency-key", "")
        with self._lock:
            if key and key in self._answers:
                return JSONResponse(self._answers[key])
            self.created_params.append(params)
            session = self._session(params)
            if key:
                self._answers[key] = session
        return JSONResponse(session)

    def _session(self, params: dict[str, Any]) -> dict[str, Any]:
        item = params["line_items"][0]["price_data"]
        session_id = self._new_id("cs")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "url": f"{self.base_url}/checkout/{session_id}",
            "status": "open",
            "payment_status": "unpaid",
            "mode": params["mode"],
            "amount_total": int(item["unit_amount"]) * int(params["line_items"][0]["quantity"]),
            "currency": item["currency"],
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata", {}),
            "payment_intent": None,
            "payment_method_types": params.get("allowed_payment_method_types", ["card"]),
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "expires_at": self.now + SESSION_SECONDS,
            "created": self.now,
        }
        self.sessions[session_id] = session
        return session

    async def _retrieve(self, request: Request) -> JSONResponse:
        refused = self._authorised(request)
        if refused:
            return refused
        found = self.sessions.get(request.path_params["id"])
        return JSONResponse(found) if found else _error(404, "No such checkout.session")

    async def _expire(self, request: Request) -> JSONResponse:
        refused = self._authorised(request)
        if refused:
            return refused
        found = self.sessions.get(request.path_params["id"])
        if found is None:
            return _error(404, "No such checkout.session")
        if found["status"] != "open":
            return _error(400, "Only Checkout Sessions with a status of open can be expired.")
        found["status"], found["url"] = "expired", None
        return JSONResponse(found)

    async def _page(self, request: Request) -> HTMLResponse:
        found = self.sessions.get(request.path_params["id"])
        if found is None or found["status"] != "open":
            return HTMLResponse("This Checkout Session is no longer active.", status_code=404)
        return HTMLResponse(f"<h1>Pay {found['amount_total'] / 100:.2f}</h1>")

    # --- the customer and Stripe's events -------------------------------------------------

    def pay(self, session_id: str, method: str = "card") -> list[dict[str, Any]]:
        """The customer pays: a card is paid at once, a bank debit is pending."""
        session = self.sessions[session_id]
        session["status"] = "complete"
        session["payment_intent"] = self._new_id("pi")
        session["payment_status"] = "paid" if method == "card" else "unpaid"
        return [self.event("checkout.session.completed", session)]

    def settle(self, session_id: str, *, succeeded: bool = True) -> dict[str, Any]:
        """A pending bank debit clears or fails."""
        session = self.sessions[session_id]
        session["payment_status"] = "paid" if succeeded else "unpaid"
        kind = "succeeded" if succeeded else "failed"
        return self.event(f"checkout.session.async_payment_{kind}", session)

    def refund(self, session_id: str, cents: int) -> dict[str, Any]:
        """A refund of ``cents`` (``charge.refunded`` carries the charge's refunded total)."""
        charge = self._charge(session_id)
        charge["amount_refunded"] += cents
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        return self.event("charge.refunded", charge)

    def dispute(self, session_id: str, cents: int | None = None) -> dict[str, Any]:
        """The card holder disputes the charge (all of it by default)."""
        charge = self._charge(session_id)
        dispute = {
            "id": self._new_id("du"),
            "object": "dispute",
            "amount": charge["amount"] if cents is None else cents,
            "charge": charge["id"],
            "payment_intent": charge["payment_intent"],
            "reason": "fraudulent",
            "status": "needs_response",
        }
        return self.event("charge.dispute.created", dispute)

    def _charge(self, session_id: str) -> dict[str, Any]:
        session = self.sessions[session_id]
        charge: dict[str, Any] = session.setdefault(
            "_charge",
            {
                "id": self._new_id("ch"),
                "object": "charge",
                "amount": session["amount_total"],
                "amount_refunded": 0,
                "payment_intent": session["payment_intent"],
                "refunded": False,
            },
        )
        return charge

    def event(self, event_type: str, obj: Mapping[str, Any]) -> dict[str, Any]:
        """A webhook event of ``event_type`` about ``obj`` (a copy, as it is now)."""
        return {
            "id": self._new_id("evt"),
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "created": self.now,
            "type": event_type,
            "livemode": False,
            "data": {"object": {k: v for k, v in obj.items() if not k.startswith("_")}},
        }

    def signed(
        self, event: Mapping[str, Any], *, secret: str | None = None, age: int = 0
    ) -> tuple[bytes, dict[str, str]]:
        """The body and headers of Stripe's POST of ``event`` (signed ``age`` seconds ago)."""
        payload = json.dumps(event)
        header = stripe.WebhookSignature.generate_signature_header(
            payload, secret or self.webhook_secret, timestamp=int(time.time()) - age
        )
        return payload.encode(), {"Stripe-Signature": header, "Content-Type": "application/json"}


def _error(status: int, message: str) -> JSONResponse:
    kind = "invalid_request_error" if status != 401 else "authentication_error"
    return JSONResponse({"error": {"type": kind, "message": message}}, status_code=status)


@contextmanager
def fake_stripe(api_key: str, webhook_secret: str) -> Iterator[FakeStripe]:
    """A fake Stripe API served on a free local port, for the real stripe client."""
    fake = FakeStripe(api_key, webhook_secret)
    with serving(fake.app()) as url:
        fake.base_url = url
        yield fake
