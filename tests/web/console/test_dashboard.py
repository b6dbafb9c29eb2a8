"""The manager dashboard page and its CSV downloads (``/console/dashboard``).

The figures are checked against the report functions on the hand-built book of
``tests/services/test_dashboard.py`` (SQLite and PostgreSQL), and against the real
``arbot report kpis --json`` on the demo portfolio.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from starlette.exceptions import StarletteDeprecationWarning

from bot.container import build_container
from bot.services.reports import aging_report, kpi_report
from bot.settings import load_settings
from bot.web.app import create_app
from tests.cli.runner import NOW as CLI_NOW
from tests.cli.runner import arbot
from tests.services.test_dashboard import END, START, seed_book
from tests.web.conftest import FakeDialogue
from tests.web.console.conftest import BASE_URL, ConsoleApp, LoginAs, csrf_of

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

PERIOD = f"from={START.isoformat()}&to={END.isoformat()}"
_FIGURE = re.compile(r'id="([a-z-]+)" data-value="([^"]*)"')
KPI_IDS = {
    "dso": "kpi-dso",
    "best_possible_dso": "kpi-best-possible-dso",
    "add": "kpi-add",
    "cei": "kpi-cei",
    "ptp_kept_rate": "kpi-ptp-kept-rate",
    "promises_kept": "kpi-promises-kept",
    "promises_broken": "kpi-promises-broken",
    "bot_containment": "kpi-bot-containment",
}


def figures(page: str) -> dict[str, Any]:
    """Every ``data-value`` of the page by element id, as JSON values."""
    return {key: json.loads(html.unescape(value)) for key, value in _FIGURE.findall(page)}


@pytest.fixture
def booked(console: ConsoleApp) -> ConsoleApp:
    with console.sessions() as session:
        seed_book(session)
    return console


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_a_manager_or_admin_sees_the_dashboard_with_its_charts(
    booked: ConsoleApp, login_as: LoginAs, role: str
) -> None:
    client, _ = login_as(role)

    page = client.get(f"/console/dashboard?{PERIOD}")

    assert page.status_code == 200
    assert 'id="chart-aging"' in page.text
    assert 'id="chart-ptp-weeks"' in page.text
    assert page.text.count('role="img"') == 2
    assert "Broken promises to work" in page.text
    assert f'href="/console/dashboard/collectors.csv?{PERIOD}"' in page.text.replace("&amp;", "&")


def test_a_collector_gets_403(booked: ConsoleApp, login_as: LoginAs) -> None:
    client, _ = login_as("collector")

    assert client.get("/console/dashboard").status_code == 403
    assert client.get(f"/console/dashboard/aging.csv?{PERIOD}").status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login_page(client: TestClient) -> None:
    page = client.get(f"/console/dashboard?{PERIOD}")
    download = client.get("/console/dashboard/aging.csv")

    assert page.status_code == 303
    assert page.headers["location"] == (
        "/console/login?next=%2Fconsole%2Fdashboard%3Ffrom%3D2026-11-02%26to%3D2026-11-22"
    )
    assert download.status_code == 303


def test_the_figures_are_the_kpi_and_aging_reports(booked: ConsoleApp, login_as: LoginAs) -> None:
    client, _ = login_as("manager")

    shown = figures(client.get(f"/console/dashboard?{PERIOD}").text)

    with booked.sessions() as session:
        kpis = kpi_report(session, START, END).to_json()
    with booked.sessions() as session:
        aging = aging_report(session, END).to_json()
    assert {key: shown[element] for key, element in KPI_IDS.items()} == {
        key: kpis[key] for key in KPI_IDS
    }
    assert shown["aging-total"] == aging["total"] == "1100.00"
    assert (shown["kpi-dso"], shown["kpi-cei"], shown["kpi-ptp-kept-rate"]) == (46.2, 40.0, 0.6)
    assert (shown["ptp-promised-amount"], shown["ptp-collected-amount"]) == ("1570.00", "520.00")


def test_the_default_period_is_the_30_days_ending_today(
    booked: ConsoleApp, login_as: LoginAs
) -> None:
    client, _ = login_as("manager")

    page = client.get("/console/dashboard").text

    assert 'name="from" type="date" value="2026-10-24"' in page
    assert 'name="to" type="date" value="2026-11-22"' in page


def test_a_table_downloads_as_csv_with_its_header_and_rows(
    booked: ConsoleApp, login_as: LoginAs
) -> None:
    client, _ = login_as("manager")

    response = client.get(f"/console/dashboard/broken-promises.csv?{PERIOD}")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="arbot-broken-promises-2026-11-02-2026-11-22.csv"'
    )
    lines = list(csv.reader(io.StringIO(response.text)))
    assert lines[0] == [
        "promise_id", "account_number", "account_name", "amount", "amount_collected",
        "due_date", "channel", "taken_by", "collector", "open_escalation_id",
    ]  # fmt: skip
    assert [line[1:9] for line in lines[1:]] == [
        ["A-1", "Ada Supply", "200.00", "50.00", "2026-11-05", "sms", "bot", ""],
        # the account name starts with "=": a spreadsheet must not run it
        ["A-2", "'=Bo's Bakery", "400.00", "0.00", "2026-11-12", "phone", "collector",
         "ana@example.com"],
    ]  # fmt: skip


def test_every_table_on_the_page_has_a_csv_download(booked: ConsoleApp, login_as: LoginAs) -> None:
    client, _ = login_as("manager")
    page = client.get(f"/console/dashboard?{PERIOD}").text.replace("&amp;", "&")

    links = re.findall(r'href="(/console/dashboard/[a-z-]+\.csv\?[^"]+)"', page)

    assert len(links) == 8
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert response.text.count("\r\n") >= 2, link  # a header and at least one row


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=2026-13-01", "from", "from: &#39;2026-13-01&#39; is not a date (YYYY-MM-DD)"),
        ("from=2026-11-10&to=2026-11-01", "to", "to: 2026-11-01 is before from 2026-11-10"),
        ("to=nonsense", "to", "to: &#39;nonsense&#39; is not a date"),
    ],
)
def test_a_bad_date_is_a_400_page_naming_the_field(
    booked: ConsoleApp, login_as: LoginAs, query: str, field: str, message: str
) -> None:
    client, _ = login_as("manager")

    page = client.get(f"/console/dashboard?{query}")

    assert page.status_code == 400
    assert message in page.text
    assert re.search(rf'id="{field}" name="{field}"[^>]*aria-invalid="true"', page.text)
    assert client.get(f"/console/dashboard/aging.csv?{query}").status_code == 400


def test_an_unknown_table_is_404(booked: ConsoleApp, login_as: LoginAs) -> None:
    client, _ = login_as("manager")

    assert client.get(f"/console/dashboard/users.csv?{PERIOD}").status_code == 404


@pytest.fixture(scope="module")
def demo_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, TestClient]]:
    """(database URL, a manager's signed-in client) over the demo portfolio in SQLite."""
    folder: Path = tmp_path_factory.mktemp("demo-console")
    database = f"sqlite:///{folder / 'arbot.db'}"
    for args in (("db", "upgrade"), ("demo",)):
        assert arbot(*args, database=database).code == 0
    password = "correct horse battery staple"
    added = arbot(
        "user", "add", "boss@example.com", "--role", "manager", "--password-stdin",
        database=database, stdin=f"{password}\n",
    )  # fmt: skip
    assert added.code == 0, added.err
    settings = load_settings({"ARBOT_DATABASE_URL": database, "ARBOT_NOW": CLI_NOW}, dotenv=None)
    wiring = build_container(settings)
    app = create_app(wiring, dialogue=FakeDialogue())
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        form = client.get("/console/login")
        signed = client.post(
            "/console/login",
            data={"csrf_token": csrf_of(form.text), "email": "boss@example.com",
                  "password": password},
        )  # fmt: skip
        assert signed.status_code == 303
        yield database, client
    wiring.engine.dispose()


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(2026, 10, 24), date(2026, 11, 22)), (date(2026, 8, 25), date(2026, 11, 22))],
)
def test_on_the_demo_the_figures_match_arbot_report_kpis(
    demo_console: tuple[str, TestClient], start: date, end: date
) -> None:
    database, client = demo_console
    period = ("--from", start.isoformat(), "--to", end.isoformat())
    kpis = arbot("report", "kpis", *period, "--json", database=database).json()
    aging = arbot("report", "aging", "--as-of", end.isoformat(), "--json", database=database).json()

    page = client.get(f"/console/dashboard?from={start.isoformat()}&to={end.isoformat()}")

    assert page.status_code == 200
    shown = figures(page.text)
    assert {key: shown[element] for key, element in KPI_IDS.items()} == {
        key: kpis[key] for key in KPI_IDS
    }
    assert shown["aging-total"] == aging["total"]


def test_the_credit_figures_are_the_credit_report(booked: ConsoleApp, login_as: LoginAs) -> None:
    from bot.services.credit.report import credit_report

    client, _ = login_as("manager")

    shown = figures(client.get(f"/console/dashboard?{PERIOD}").text)

    with booked.sessions() as session:
        credit = credit_report(session, END, START, END).to_json()
    assert shown["credit-holds"] == credit["holds"]
    assert shown["credit-allowance"] == credit["allowance"]["total"]
    assert shown["credit-written-off"] == credit["write_offs"]["approved_amount"]
    assert shown["credit-bad-debt"] == credit["bad_debt_ratio"]
