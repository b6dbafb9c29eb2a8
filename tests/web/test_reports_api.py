"""The JSON API's reports: managers only, dates checked, the same JSON as ``arbot report``.

The permission and input tests run on SQLite and PostgreSQL (the ``gateway`` fixture).
The equality tests load the demo portfolio with the real ``arbot demo`` into a SQLite file
and compare each endpoint's JSON with what ``arbot report ... --json`` prints for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.container import build_container
from bot.services import api_tokens
from bot.services.users import add_user
from bot.settings import load_settings
from bot.web.app import create_app
from tests.cli.runner import NOW as CLI_NOW
from tests.cli.runner import arbot
from tests.web.conftest import NOW, FakeDialogue, Gateway

ENDPOINTS = (
    "/api/reports/aging",
    "/api/reports/kpis",
    "/api/reports/ptp",
    "/api/reports/credit",
    "/api/dashboard",
    "/api/reports/rolls",
    "/api/reports/contact",
    "/api/reports/forecast",
)


def get(app: Any, path: str, token: str | None) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}

    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://arbot.test") as c:
            return await c.get(path, headers=headers)

    return asyncio.run(run())


def token_of(gateway: Gateway, role: str) -> str:
    email = f"{role}@example.com"
    with gateway.sessions() as session:
        add_user(session, email, role, NOW, "correct horse battery")
    with gateway.sessions() as session:
        return api_tokens.issue(session, email, NOW)


@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_collectors_token_is_refused_with_403_json(gateway: Gateway, path: str) -> None:
    response = get(gateway.app, path, token_of(gateway, "collector"))

    assert response.status_code == 403
    assert response.json() == {"error": "role: a collector may not read reports (manager or admin)"}


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_managers_and_admins_read_every_report(gateway: Gateway, role: str) -> None:
    token = token_of(gateway, role)
    for path in ENDPOINTS:
        response = get(gateway.app, path, token)
        assert response.status_code == 200, (path, response.text)
        assert response.headers["content-type"] == "application/json"


def test_without_a_token_the_reports_are_401(gateway: Gateway) -> None:
    for path in ENDPOINTS:
        assert get(gateway.app, path, None).status_code == 401


def test_the_default_period_is_the_30_days_ending_today(gateway: Gateway) -> None:
    token = token_of(gateway, "manager")

    kpis = get(gateway.app, "/api/reports/kpis", token).json()
    aging = get(gateway.app, "/api/reports/aging", token).json()

    assert (kpis["from"], kpis["to"]) == ("2026-10-24", "2026-11-22")
    assert aging["as_of"] == "2026-11-22"


@pytest.mark.parametrize(
    ("query", "field", "error"),
    [
        ("/api/reports/aging?as_of=2026-02-30", "as_of", "as_of: '2026-02-30' is not a date"),
        ("/api/reports/kpis?from=yesterday", "from", "from: 'yesterday' is not a date"),
        ("/api/reports/ptp?to=22/11/2026", "to", "to: '22/11/2026' is not a date"),
        ("/api/reports/kpis?from=2026-11-10&to=2026-11-01", "to", "to: 2026-11-01 is before"),
        ("/api/reports/kpis?from=0001-01-01", "from", "from: 0001-01-01 is outside"),
        ("/api/reports/credit?as_of=soon", "as_of", "as_of: 'soon' is not a date"),
        ("/api/reports/rolls?month=2026-13", "month", "month: '2026-13' is not a month"),
        ("/api/reports/contact?from=2026-11-10&to=2026-11-01", "to", "to: 2026-11-01 is before"),
        ("/api/reports/forecast?as_of=soon", "as_of", "as_of: 'soon' is not a date"),
        ("/api/dashboard?from=2020-01-01&to=2026-11-22", "from", "from: the period is 2518 days"),
    ],
)
def test_a_bad_date_is_400_naming_the_parameter(
    gateway: Gateway, query: str, field: str, error: str
) -> None:
    response = get(gateway.app, query, token_of(gateway, "manager"))

    assert response.status_code == 400
    assert response.json()["field"] == field
    assert response.json()["error"].startswith(error)


@pytest.fixture(scope="module")
def demo_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any, str]]:
    """(database URL, web app, manager's token) over the demo portfolio in a SQLite file."""
    folder: Path = tmp_path_factory.mktemp("demo-api")
    database = f"sqlite:///{folder / 'arbot.db'}"
    for args in (("db", "upgrade"), ("demo",)):
        done = arbot(*args, database=database)
        assert done.code == 0, done.err
    added = arbot("user", "add", "boss@example.com", "--role", "manager", database=database)
    assert added.code == 0, added.err
    issued = arbot("user", "token", "boss@example.com", database=database)
    assert issued.code == 0, issued.err
    token = issued.out.split()[1]
    settings = load_settings({"ARBOT_DATABASE_URL": database, "ARBOT_NOW": CLI_NOW}, dotenv=None)
    wiring = build_container(settings)
    yield database, create_app(wiring, dialogue=FakeDialogue()), token
    wiring.engine.dispose()


@pytest.mark.parametrize(
    ("path", "command"),
    [
        ("/api/reports/aging", ("aging",)),
        ("/api/reports/aging?as_of=2026-10-08", ("aging", "--as-of", "2026-10-08")),
        ("/api/reports/kpis", ("kpis",)),
        (
            "/api/reports/kpis?from=2026-08-25&to=2026-11-22",
            ("kpis", "--from", "2026-08-25", "--to", "2026-11-22"),
        ),
        ("/api/reports/ptp", ("ptp",)),
        ("/api/reports/credit", ("credit",)),
        (
            "/api/reports/credit?as_of=2026-10-31&from=2026-08-25&to=2026-11-22",
            ("credit", "--as-of", "2026-10-31", "--from", "2026-08-25", "--to", "2026-11-22"),
        ),
        (
            "/api/reports/ptp?from=2026-08-25&to=2026-11-22",
            ("ptp", "--from", "2026-08-25", "--to", "2026-11-22"),
        ),
        ("/api/reports/rolls", ("rolls",)),
        ("/api/reports/rolls?month=2026-09", ("rolls", "--month", "2026-09")),
        ("/api/reports/contact", ("contact",)),
        (
            "/api/reports/contact?from=2026-08-25&to=2026-11-22",
            ("contact", "--from", "2026-08-25", "--to", "2026-11-22"),
        ),
        ("/api/reports/forecast", ("forecast",)),
        ("/api/reports/forecast?as_of=2026-10-01", ("forecast", "--as-of", "2026-10-01")),
    ],
)
def test_each_report_is_the_json_arbot_report_prints(
    demo_api: tuple[str, Any, str], path: str, command: tuple[str, ...]
) -> None:
    database, app, token = demo_api
    printed = arbot("report", *command, "--json", database=database)
    assert printed.code == 0, printed.err

    response = get(app, path, token)

    assert response.status_code == 200, response.text
    assert response.json() == printed.json()


def test_the_dashboard_holds_the_reports_of_its_period(demo_api: tuple[str, Any, str]) -> None:
    database, app, token = demo_api
    period = ("--from", "2026-08-25", "--to", "2026-11-22")

    dash = get(app, "/api/dashboard?from=2026-08-25&to=2026-11-22", token).json()

    kpis = arbot("report", "kpis", *period, "--json", database=database).json()
    ptp = arbot("report", "ptp", *period, "--json", database=database).json()
    aging = arbot("report", "aging", "--as-of", "2026-11-22", "--json", database=database).json()
    assert dash["kpis"] == kpis
    assert dash["aging"] == aging
    assert dash["ptp"]["summary"] == ptp["summary"]
    assert kpis["promises_kept"] > 0
    assert kpis["promises_broken"] > 0
    assert len(dash["broken_promises"]) == kpis["promises_broken"]
