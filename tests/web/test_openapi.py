"""``GET /api/openapi.json`` (SPEC §15): a valid OpenAPI 3.1 document of every ``/api``
route, whose examples the routes accept and whose schemas their answers match."""

from __future__ import annotations

import re
from typing import Any

from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from bot.services import api_tokens
from tests.security.app_routes import endpoints
from tests.web.console import conftest as console_fixtures
from tests.web.console.conftest import AddUser, ConsoleApp

console = console_fixtures.console
console_clock = console_fixtures.console_clock
console_env = console_fixtures.console_env
add_user = console_fixtures.add_user

_CONVERTER = re.compile(r"\{([a-z_]+):[a-z]+\}")


def document(console: ConsoleApp) -> dict[str, Any]:
    response = console.client().get("/api/openapi.json")
    assert response.status_code == 200
    found: dict[str, Any] = response.json()
    return found


def schema_check(doc: dict[str, Any], schema: dict[str, Any], value: Any) -> list[str]:
    """Why ``value`` does not match ``schema`` (its ``$ref`` resolved in ``doc``)."""
    rooted = {**schema, "components": doc["components"]}
    return [error.message for error in Draft202012Validator(rooted).iter_errors(value)]


def test_the_document_is_valid_openapi_3_1(console: ConsoleApp) -> None:
    doc = document(console)

    validate(doc)
    assert doc["openapi"].startswith("3.1")


def test_every_route_of_the_app_under_api_is_in_the_document(console: ConsoleApp) -> None:
    doc = document(console)
    served = {
        (e.method.lower(), _CONVERTER.sub(r"{\1}", e.path))
        for e in endpoints(console.app)
        if e.path.startswith("/api/")
    }
    described = {(method, path) for path, ops in doc["paths"].items() for method in ops}

    assert sorted(served - described) == []
    assert sorted(described - served) == []


def test_every_example_is_accepted_by_its_route_and_answered_as_documented(
    console: ConsoleApp, add_user: AddUser
) -> None:
    doc = document(console)
    user = add_user("integration")
    with console.sessions() as session:
        token = api_tokens.issue(session, user.email, console.clock.now())
    client = console.client()
    tried = []
    for path, ops in doc["paths"].items():  # customers, invoices, payments: in that order
        for method, op in ops.items():
            content = op.get("requestBody", {}).get("content", {}).get("application/json")
            if content is None or "example" not in content:
                continue
            example = content["example"]
            assert schema_check(doc, content["schema"], example) == []
            response = client.request(method.upper(), path, json=example,
                                      headers={"authorization": f"Bearer {token}"})  # fmt: skip
            assert response.status_code == 200, (path, response.text)
            answer = op["responses"]["200"]["content"]["application/json"]["schema"]
            assert schema_check(doc, answer, response.json()) == [], path
            tried.append(path)

    assert tried == ["/api/v1/customers", "/api/v1/invoices", "/api/v1/payments"]
    events = client.get("/api/v1/events", headers={"authorization": f"Bearer {token}"})
    page = doc["paths"]["/api/v1/events"]["get"]["responses"]["200"]["content"]
    assert schema_check(doc, page["application/json"]["schema"], events.json()) == []
    assert {e["type"] for e in events.json()["events"]} == {"payment.received"}
