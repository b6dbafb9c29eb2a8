"""``GET /api/openapi.json``: the OpenAPI 3.1 document of every ``/api`` route (SPEC §15).

Written by hand beside the routes, not generated: a test checks that every route the app
serves under ``/api`` is in it, that it is a valid OpenAPI 3.1 document, and that every
example in it is accepted by its route.
"""

from __future__ import annotations

import functools
from typing import Any

from bot.imports.columns import COLUMN_SETS
from bot.imports.objects import MAX_OBJECTS
from bot.services.integration.feed import MAX_LIMIT, TYPES

Schema = dict[str, Any]

MONEY: Schema = {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$", "examples": ["1234.50"]}
DAY: Schema = {"type": "string", "format": "date"}
INSTANT: Schema = {"type": "string", "format": "date-time"}
ERROR: Schema = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string"}, "field": {"type": "string"}},
}
CELL: Schema = {"type": ["string", "number", "boolean", "null"]}
ANY_OBJECT: Schema = {"type": "object", "additionalProperties": True}

#: one valid object of each kind, in the order they can be sent
EXAMPLES: dict[str, dict[str, object]] = {
    "customers": {
        "account_number": "ERP-1001",
        "name": "Harbor Tools LLC",
        "postal_code": "02110",
        "phone": "+16175550123",
        "timezone": "America/New_York",
        "credit_limit": "5000.00",
    },
    "invoices": {
        "invoice_number": "INV-9001",
        "account_number": "ERP-1001",
        "issue_date": "2026-11-01",
        "due_date": "2026-12-01",
        "amount": "1250.00",
        "currency": "USD",
    },
    "payments": {
        "payment_id": "PAY-7001",
        "account_number": "ERP-1001",
        "received_date": "2026-12-02",
        "amount": "250.00",
        "invoice_number": "INV-9001",
        "method": "ach",
    },
}


@functools.cache
def document() -> dict[str, Any]:
    """The document (built once; it depends on no setting)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "arbot API",
            "version": "1",
            "description": "Collectors' and managers' API (SPEC §8, §12) and the integration "
            "API for an ERP or CRM (SPEC §15). Bearer tokens: `arbot user token EMAIL`.",
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR, **_integration_schemas()},
        },
        "security": [{"bearer": []}],
        "paths": {**_integration_paths(), **_collector_paths(), **_manager_paths()},
    }


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: Schema, description: str = "OK") -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Schema]:
    reasons = {400: "bad input", 401: "no valid bearer token", 403: "the role may not",
               404: "not found", 409: "conflicts with the stored state",
               413: "body too large", 502: "the channel refused"}  # fmt: skip
    return {str(code): _json(_ref("Error"), reasons[code]) for code in codes}


def _operation(summary: str, ok: Schema, *codes: int, **extra: Any) -> Schema:
    return {"summary": summary, "responses": {"200": ok, **_errors(401, 403, *codes)}, **extra}


def _integration_schemas() -> dict[str, Schema]:
    schemas: dict[str, Schema] = {}
    for kind, columns in COLUMN_SETS.items():
        properties = {name: CELL for name in columns.required + columns.optional}
        schemas[kind.title()] = {
            "type": "object",
            "required": list(columns.required),
            "properties": properties,
            "additionalProperties": False,
        }
    schemas["ImportSummary"] = {
        "type": "object",
        "required": ["kind", "received", "inserted", "updated", "unchanged"],
        "properties": {
            "kind": {"type": "string", "enum": list(COLUMN_SETS)},
            **{n: {"type": "integer"} for n in ("received", "inserted", "updated", "unchanged")},
        },
    }
    schemas["ObjectErrors"] = {
        "type": "object",
        "required": ["errors"],
        "properties": {
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["index", "field", "reason"],
                    "properties": {
                        "index": {"type": "integer", "minimum": 0},
                        "field": {"type": "string"},
                        "reason": {"type": "string"},
                    },
                },
            }
        },
    }
    schemas["Event"] = {
        "type": "object",
        "required": ["id", "type", "occurred_at", "account_number", "data"],
        "properties": {
            "id": {"type": "integer"},
            "type": {"type": "string", "enum": list(TYPES)},
            "occurred_at": INSTANT,
            "account_number": {"type": ["string", "null"]},
            "data": ANY_OBJECT,
        },
    }
    return schemas


def _ingestion(kind: str) -> Schema:
    key = {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": "the first answer to a key is replayed; another body → 409",
        "schema": {"type": "string", "maxLength": 100},
    }
    body = {"type": "array", "maxItems": MAX_OBJECTS, "items": _ref(kind.title())}
    return {
        "post": {
            "summary": f"Upsert {kind} (the {kind}.csv columns of SPEC §4), atomically",
            "parameters": [key],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": body, "example": [EXAMPLES[kind]]}},
            },
            "responses": {
                "200": _json(_ref("ImportSummary")),
                "422": _json(_ref("ObjectErrors"), "bad objects; nothing stored"),
                **_errors(400, 401, 403, 409, 413),
            },
        }
    }


def _integration_paths() -> dict[str, Schema]:
    paths = {f"/api/v1/{kind}": _ingestion(kind) for kind in COLUMN_SETS}
    after = {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0}}
    limit = {
        "name": "limit",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 100},
    }
    page = {
        "type": "object",
        "required": ["events", "next"],
        "properties": {"events": {"type": "array", "items": _ref("Event")},
                       "next": {"type": "integer"}},
    }  # fmt: skip
    paths["/api/v1/events"] = {
        "get": _operation("The change feed, oldest first", _json(page), 400,
                          parameters=[after, limit])
    }  # fmt: skip
    paths["/api/openapi.json"] = {
        "get": {
            "summary": "This document",
            "security": [],
            "responses": {"200": _json({"type": "object"})},
        }
    }
    return paths


def _collector_paths() -> dict[str, Schema]:
    case_id = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
    listing = {"type": "object", "properties": {"escalations": {"type": "array"}}}
    text_body = {
        "type": "object",
        "required": ["text"],
        "properties": {"text": {"type": "string", "maxLength": 1600}},
    }
    note_body = {"type": "object", "properties": {"note": {"type": "string"}}}
    base = "/api/escalations/{id}"
    return {
        "/api/queue": {
            "get": _operation(
                "The escalation queue",
                _json(listing),
                parameters=[
                    {
                        "name": "view",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["mine", "unclaimed", "all"]},
                    }
                ],
            )
        },  # fmt: skip
        "/api/escalations": {"get": _operation("Open and claimed escalations", _json(listing))},
        base: {
            "get": _operation(
                "One escalation and its transcript", _json(ANY_OBJECT), 404, parameters=[case_id]
            )
        },  # fmt: skip
        base + "/claim": {
            "post": _operation("Claim it", _json(ANY_OBJECT), 404, 409, parameters=[case_id])
        },  # fmt: skip
        base + "/reply": {
            "post": _operation(
                "Reply on the customer's channel",
                _json(ANY_OBJECT),
                400,
                404,
                409,
                502,
                parameters=[case_id],
                requestBody=_body(text_body),
            )
        },  # fmt: skip
        base + "/resolve": {
            "post": _operation(
                "Resolve it; the bot resumes",
                _json(ANY_OBJECT),
                404,
                409,
                parameters=[case_id],
                requestBody=_body(note_body, required=False),
            )
        },  # fmt: skip
        "/api/disputes": {
            "get": _operation(
                "Open disputes",
                _json({"type": "object", "properties": {"disputes": {"type": "array"}}}),
            )
        },  # fmt: skip
        "/api/holds": {"get": _operation("Accounts on credit hold", _json({"type": "array"}))},
        "/api/write-offs": {"get": _operation("Write-offs", _json({"type": "array"}))},
        "/api/write-offs/{id}/approve": {
            "post": _operation(
                "Approve a write-off (manager)", _json(ANY_OBJECT), 404, 409, parameters=[case_id]
            )
        },  # fmt: skip
        "/api/write-offs/{id}/reject": {
            "post": _operation(
                "Reject a write-off (manager)", _json(ANY_OBJECT), 404, 409, parameters=[case_id]
            )
        },  # fmt: skip
    }


def _body(schema: Schema, *, required: bool = True) -> Schema:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def _manager_paths() -> dict[str, Schema]:
    day = {"schema": DAY, "in": "query"}
    period = [{"name": "from", **day}, {"name": "to", **day}]
    aging = {
        "type": "object",
        "required": ["as_of", "buckets", "total"],
        "properties": {"as_of": DAY, "buckets": {"type": "object"}, "total": MONEY},
    }
    return {
        "/api/reports/aging": {
            "get": _operation(
                "Aging (SPEC §8)", _json(aging), 400, parameters=[{"name": "as_of", **day}]
            )
        },  # fmt: skip
        "/api/reports/kpis": {
            "get": _operation("KPIs (SPEC §8)", _json(ANY_OBJECT), 400, parameters=period)
        },  # fmt: skip
        "/api/reports/ptp": {
            "get": _operation(
                "Promises to pay (SPEC §8)", _json(ANY_OBJECT), 400, parameters=period
            )
        },  # fmt: skip
        "/api/reports/credit": {
            "get": _operation(
                "Credit control (SPEC §12)",
                _json(ANY_OBJECT),
                400,
                parameters=[{"name": "as_of", **day}, *period],
            )
        },  # fmt: skip
        "/api/dashboard": {
            "get": _operation("The dashboard's figures", _json(ANY_OBJECT), 400, parameters=period)
        },  # fmt: skip
        **_insight_paths(period),
    }


def _insight_paths(period: list[Schema]) -> dict[str, Schema]:
    """The insight reports (SPEC §13)."""
    month = {
        "name": "month",
        "in": "query",
        "schema": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
    }
    as_of = {"name": "as_of", "in": "query", "schema": DAY}
    return {
        "/api/reports/rolls": {
            "get": _operation(
                "Roll and cure rates (SPEC §13)", _json(ANY_OBJECT), 400, parameters=[month]
            )
        },
        "/api/reports/contact": {
            "get": _operation("Contact rates (SPEC §13)", _json(ANY_OBJECT), 400, parameters=period)
        },
        "/api/reports/forecast": {
            "get": _operation(
                "The 13-week cash forecast (SPEC §13)", _json(ANY_OBJECT), 400, parameters=[as_of]
            )
        },
    }
