"""The role × route matrix: every route of the app, for every kind of caller.

:data:`ROUTES` classifies each (method, path) the app serves — walked from ``app.routes``,
mounts included — in one table; :func:`expected` turns a route's class and a caller into
the answer: public routes answer everyone; signed webhooks refuse whoever does not sign
(a console session or an API token is no signature); a console page sends the anonymous
(and API tokens) to the login page, or answers 401 when it is JSON, refuses a lower role
with 403 and answers its own role and above normally; an API route answers 401 to whoever
has no bearer token (a console cookie is not one), 403 to a lower role and to an
``integration`` token; an integration route (``/api/v1/…``, SPEC §15) answers 401 to whoever
has no bearer token and 403 to every token but an ``integration`` one.

A route missing from the table, or a row of the table that is no longer a route, fails
:func:`test_the_table_classifies_every_route_of_the_app`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.db import engine as db_engine
from bot.services.users import INTEGRATION, ROLES
from tests.security.app_routes import Endpoint, endpoints
from tests.security.conftest import MISSING_ID, PHONE, Caller, CallerFactory, Casework
from tests.web.console.conftest import ConsoleApp

LOGIN = "/console/login"


@dataclass(frozen=True)
class Rule:
    """How one route is guarded and what it answers a caller it lets through.

    Attributes:
        kind: ``public``; ``signed`` (a webhook that checks Twilio's signature or
            Telegram's secret); ``login_form`` / ``login_post`` (the sign-in page and its
            double-submit form); ``console`` / ``console_json`` (a console page, its JSON);
            ``api`` (the bearer-token API); ``integration`` (``/api/v1/…``).
        role: the least role that may use it (console and API routes).
        ok: the status of a request it lets through (with the request the matrix sends).
        to: where that answer redirects, when it is a redirect.
        target: what ``{id}`` is: ``case`` (A-7's escalation) or ``missing`` (no row; a
            state-changing route then answers 404 once past the guard, changing nothing).
        form: the form a POST sends; json: the JSON it sends instead.
    """

    kind: str
    role: str | None = None
    ok: int = 200
    to: str | None = None
    target: str = "missing"
    form: Mapping[str, str] = field(default_factory=dict)
    json: Any = None


def console(role: str, ok: int = 200, **kw: Any) -> Rule:
    return Rule("console", role, ok, **kw)


def api(role: str, ok: int = 200, **kw: Any) -> Rule:
    return Rule("api", role, ok, **kw)


def integration(ok: int = 200, **kw: Any) -> Rule:
    return Rule("integration", INTEGRATION, ok, **kw)


ESC = "/console/escalations/{id:int}"
#: /health's answer: on SQLite the test's open transaction holds the write lock its
#: ``BEGIN IMMEDIATE`` waits for, so there it is 503 (after the shortened busy timeout)
HEALTHY = -1
API_ESC = "/api/escalations/{id:int}"
#: every route of the app, classified (keep it complete: a new route fails the test below)
ROUTES: dict[Endpoint, Rule] = {
    Endpoint("GET", "/"): Rule("public"),
    Endpoint("GET", "/health"): Rule("public", ok=HEALTHY),
    Endpoint("POST", "/webhooks/rest/webhook"): Rule(
        "public", json={"sender": "+16175550199", "message": "hi"}
    ),
    Endpoint("POST", "/webhooks/twilio/sms"): Rule(
        "signed", form={"From": PHONE, "Body": "hi", "MessageSid": "SM1"}
    ),
    Endpoint("POST", "/webhooks/twilio/status"): Rule(
        "signed", form={"MessageSid": "SM1", "MessageStatus": "delivered"}
    ),
    Endpoint("POST", "/webhooks/telegram"): Rule(
        "signed",
        json={"update_id": 1, "message": {"text": "hi", "chat": {"id": 42, "type": "private"}}},
    ),
    Endpoint("GET", "/console"): Rule("public", ok=303, to="/console/queue"),
    Endpoint("GET", "/console/static/{path:path}"): Rule("public"),
    Endpoint("GET", LOGIN): Rule("login_form"),
    Endpoint("POST", LOGIN): Rule(
        "login_post", form={"email": "admin1@example.com", "password": "guess"}
    ),
    Endpoint("POST", "/console/logout"): console("collector", 303, to=LOGIN),
    Endpoint("GET", "/console/queue"): console("collector"),
    Endpoint("GET", "/console/queue.json"): Rule("console_json", "collector"),
    Endpoint("GET", ESC): console("collector", target="case"),
    Endpoint("POST", ESC + "/claim"): console("collector", 404),
    Endpoint("POST", ESC + "/reply"): console("collector", 404, form={"text": "hello"}),
    Endpoint("POST", ESC + "/note"): console("collector", 404, form={"body": "a note"}),
    Endpoint("POST", ESC + "/resolve"): console("collector", 404),
    Endpoint("GET", "/console/disputes"): console("collector"),
    Endpoint("POST", "/console/disputes/{id:int}/uphold"): console("collector", 404),
    Endpoint("POST", "/console/disputes/{id:int}/reject"): console("collector", 404),
    Endpoint("GET", "/console/approvals"): console("collector"),
    Endpoint("POST", "/console/plans/{id:int}/approve"): console("collector", 404),
    Endpoint("POST", "/console/plans/{id:int}/reject"): console("collector", 404),
    Endpoint("GET", "/console/failed"): console("collector"),
    Endpoint("POST", "/console/failed/{id:int}/retry"): console("collector", 404),
    Endpoint("POST", "/console/failed/{id:int}/discard"): console("collector", 404),
    Endpoint("GET", "/console/link-codes"): console("collector"),
    Endpoint("GET", "/console/payments"): console("collector"),
    Endpoint("GET", "/console/holds"): console("collector"),
    Endpoint("GET", "/console/charges"): console("collector"),
    Endpoint("GET", "/console/write-offs"): console("collector"),
    Endpoint("POST", "/console/write-offs/propose"): console(
        "collector", 404, form={"invoice_number": "NO-SUCH-INVOICE"}
    ),
    Endpoint("POST", "/console/write-offs/{id:int}/approve"): console("manager", 404),
    Endpoint("POST", "/console/write-offs/{id:int}/reject"): console("manager", 404),
    Endpoint("POST", "/console/charges/waive"): console(
        "collector", 404, form={"invoice_number": "FC-NONE-202601", "reason": "goodwill"}
    ),
    Endpoint("POST", "/console/link-codes"): console(
        "collector", 201, form={"account_number": "A-7"}
    ),
    Endpoint("GET", "/console/dashboard"): console("manager"),
    Endpoint("GET", "/console/dashboard/{table}.csv"): console("manager"),
    Endpoint("GET", "/console/insight"): console("manager"),
    # the matrix asks for the table "aging", which the insight page does not have
    Endpoint("GET", "/console/insight/{table}.csv"): console("manager", 404),
    Endpoint("GET", "/console/users"): console("manager"),
    Endpoint("POST", "/console/users"): console(
        "manager", 201, form={"email": "new.collector@example.com", "role": "collector"}
    ),
    Endpoint("GET", "/console/settings"): console("admin"),
    Endpoint("GET", "/api/escalations"): api("collector"),
    Endpoint("GET", "/api/holds"): api("collector"),
    Endpoint("GET", "/api/write-offs"): api("collector"),
    Endpoint("POST", "/api/write-offs/{id:int}/approve"): api("manager", 404),
    Endpoint("POST", "/api/write-offs/{id:int}/reject"): api("manager", 404),
    Endpoint("GET", API_ESC): api("collector", target="case"),
    Endpoint("POST", API_ESC + "/claim"): api("collector", 404, json={}),
    Endpoint("POST", API_ESC + "/reply"): api("collector", 404, json={"text": "hello"}),
    Endpoint("POST", API_ESC + "/resolve"): api("collector", 404, json={}),
    Endpoint("GET", "/api/disputes"): api("collector"),
    Endpoint("GET", "/api/queue"): api("collector"),
    Endpoint("GET", "/api/reports/aging"): api("manager"),
    Endpoint("GET", "/api/reports/kpis"): api("manager"),
    Endpoint("GET", "/api/reports/ptp"): api("manager"),
    Endpoint("GET", "/api/reports/credit"): api("manager"),
    Endpoint("GET", "/api/dashboard"): api("manager"),
    Endpoint("GET", "/api/reports/rolls"): api("manager"),
    Endpoint("GET", "/api/reports/contact"): api("manager"),
    Endpoint("GET", "/api/reports/forecast"): api("manager"),
    Endpoint("GET", "/api/openapi.json"): Rule("public"),
    Endpoint("POST", "/api/v1/customers"): integration(json=[]),
    Endpoint("POST", "/api/v1/invoices"): integration(json=[]),
    Endpoint("POST", "/api/v1/payments"): integration(json=[]),
    Endpoint("GET", "/api/v1/events"): integration(),
}

CALLERS = ("anonymous", *ROLES, *(f"token:{role}" for role in (*ROLES, INTEGRATION)))


def may(caller: Caller, least: str | None) -> bool:
    return (
        caller.role in ROLES and least in ROLES and (ROLES.index(caller.role) >= ROLES.index(least))
    )


def expected(rule: Rule, caller: Caller) -> tuple[int, str | None]:
    """The status (and redirect target's start) ``caller`` must get from the route."""
    if rule.kind == "public":
        return rule.ok, rule.to
    if rule.kind == "signed":
        return 403, None
    if rule.kind == "login_form":
        return (303, "/console/queue") if caller.kind == "session" else (200, None)
    if rule.kind == "login_post":  # no double-submit cookie: refused, whoever asks
        return 403, None
    if rule.kind in ("console", "console_json"):
        if caller.kind != "session":
            return (401, None) if rule.kind == "console_json" else (303, LOGIN)
        return (rule.ok, rule.to) if may(caller, rule.role) else (403, None)
    if caller.kind != "token":
        return 401, None
    if rule.kind == "integration":
        return (rule.ok, None) if caller.role == INTEGRATION else (403, None)
    assert rule.kind == "api", rule
    return (rule.ok, None) if may(caller, rule.role) else (403, None)


@pytest.fixture(autouse=True)
def short_sqlite_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite connections opened by the test wait 0.1 s, not 10 s, for the write lock."""
    monkeypatch.setattr(db_engine, "SQLITE_BUSY_TIMEOUT_MS", 100)


def url_of(endpoint: Endpoint, rule: Rule, casework: Casework) -> str:
    ids = {"case": casework.escalation_id, "missing": MISSING_ID}
    return endpoint.url({"id": ids[rule.target], "table": "aging", "path": "console.css"})


def test_the_table_classifies_every_route_of_the_app(console: ConsoleApp) -> None:
    served = endpoints(console.app)

    assert sorted(served - ROUTES.keys()) == [], "routes the matrix does not classify"
    assert sorted(ROUTES.keys() - served) == [], "rows of the matrix that are not routes"


@pytest.mark.parametrize("name", CALLERS)
def test_every_route_answers_each_caller_as_its_class_says(
    console: ConsoleApp, caller: CallerFactory, casework: Casework, name: str
) -> None:
    who = caller(name)
    healthy = 503 if console.settings.database_url.startswith("sqlite") else 200
    # the logout ends the session: it goes last
    order = sorted(ROUTES.items(), key=lambda item: item[0].path == "/console/logout")
    wrong = []
    for endpoint, rule in order:
        response = who.send(
            endpoint.method,
            url_of(endpoint, rule, casework),
            form=rule.form if endpoint.method == "POST" and rule.json is None else None,
            json=rule.json,
        )
        status, to = expected(rule, who)
        status = healthy if status == HEALTHY else status
        location = response.headers.get("location", "")
        if response.status_code != status or (to is not None and not location.startswith(to)):
            wrong.append(f"{endpoint.method} {endpoint.path}: {response.status_code} {location}"
                         f" (expected {status} {to or ''})")  # fmt: skip

    assert wrong == [], f"{name}:\n" + "\n".join(wrong)
