"""``POST /api/v1/customers|invoices|payments``: JSON objects imported as CSV rows are.

The body is a JSON array of at most :data:`~bot.imports.objects.MAX_OBJECTS` objects with
the columns of SPEC §4. They go through the import itself — the same checks, the same
upsert by natural key, the same side effects (payments applied, promises kept, holds
released) — in one transaction: any bad object and nothing is stored, and the answer is
422 listing every bad object by index and field.

An ``Idempotency-Key`` makes a retry safe: the first answer to a key (a success or a 422)
is kept and replayed to every later request with that key and the same body; another body
with the same key is a 409. The kept answer is written right after the import's own
commit; should the process die in between, a retry imports again, which changes nothing
(re-importing the same rows is a no-op), and its answer is kept instead.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import ImportRejected
from bot.imports.columns import column_set
from bot.imports.loader import ImportReport, import_records
from bot.imports.objects import MAX_OBJECTS, source_of
from bot.policy.credit import HOLD_DAYS_PAST_DUE
from bot.repositories import idempotency

KINDS = ("customers", "invoices", "payments")


@dataclass(frozen=True)
class Answer:
    """What the route answers: an HTTP status and a JSON body."""

    status: int
    body: dict[str, Any]


@dataclass(frozen=True)
class Request:
    """One ingestion call: who, which kind, the raw body and its Idempotency-Key."""

    user_id: int
    kind: str
    body: bytes
    key: str
    now: datetime
    #: days past due that put an account on credit hold (``ARBOT_HOLD_DAYS_PAST_DUE``)
    hold_days: int = HOLD_DAYS_PAST_DUE


def ingest(
    sessions: sessionmaker[Session], request: Request, default_timezone: ZoneInfo | None
) -> Answer:
    """Imports the request's objects, or replays the answer its key was given before."""
    digest = hashlib.sha256(request.body).hexdigest()
    route = f"POST /api/v1/{request.kind}"
    if request.key:
        with sessions() as session, session.begin():
            kept = idempotency.find(session, request.user_id, request.key)
        if kept is not None:
            return _replayed(kept, route, digest)
    answer = _answer(sessions, request, default_timezone)
    if not request.key or answer.status >= 500:
        return answer
    try:
        with sessions() as session, session.begin():
            idempotency.keep(
                session, request.user_id, request.key, route, digest,
                answer.status, json.dumps(answer.body), request.now,
            )  # fmt: skip
    except IntegrityError:  # the same key raced this request: the first one kept wins
        with sessions() as session, session.begin():
            kept = idempotency.find(session, request.user_id, request.key)
        if kept is not None:
            return _replayed(kept, route, digest)
    return answer


def _replayed(kept: idempotency.KeptAnswer, route: str, digest: str) -> Answer:
    if kept.route != route or kept.body_hash != digest:
        reason = "used before with another body; a new request needs a new key"
        return Answer(409, {"error": f"Idempotency-Key: {reason}", "field": "Idempotency-Key"})
    return Answer(kept.status, json.loads(kept.body))


def _answer(
    sessions: sessionmaker[Session], request: Request, default_timezone: ZoneInfo | None
) -> Answer:
    try:
        objects = json.loads(request.body, parse_float=Decimal)
    except ValueError:
        return Answer(400, {"error": "body: not valid JSON", "field": "body"})
    if not isinstance(objects, list):
        return Answer(400, {"error": "body: expected a JSON array of objects", "field": "body"})
    if len(objects) > MAX_OBJECTS:
        reason = f"{len(objects)} objects, more than the limit of {MAX_OBJECTS} a request"
        return Answer(413, {"error": f"body: {reason}", "field": "body"})
    source = source_of(objects, column_set(request.kind), f"api:{request.kind}")
    try:
        with sessions() as session:
            report = import_records(
                session, request.kind, source, now=request.now,
                default_timezone=default_timezone, hold_days=request.hold_days,
            )  # fmt: skip
    except ImportRejected as exc:
        errors = [{"index": i, "field": f, "reason": _indexed(r)} for i, f, r in exc.rows]
        return Answer(422, {"errors": errors})
    return Answer(200, _summary(report))


def _indexed(reason: str) -> str:
    """A reason as the API's objects read: their "line" is their index in the array."""
    return reason.replace("duplicate of line ", "duplicate of index ")


def _summary(report: ImportReport) -> dict[str, Any]:
    return {
        "kind": report.kind,
        "received": report.rows,
        "inserted": report.inserted,
        "updated": report.updated,
        "unchanged": report.unchanged,
    }
