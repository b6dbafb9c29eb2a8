"""The insight page (``/console/insight``), and the handoff summary in the conversation view
and the queue (SPEC §13)."""

from __future__ import annotations

import csv
import io
from datetime import date

from bot.services.escalations import escalate
from bot.services.insight.rolls import rolls_report
from tests.services.console_seed import seed_account
from tests.services.insight.portfolio import seed
from tests.web.console.conftest import ConsoleApp, LoginAs
from tests.web.console.test_conversation import PHONE, chat

QUERY = "month=2026-11&from=2026-11-01&to=2026-11-30&as_of=2026-11-22"


def test_a_manager_sees_six_months_of_rolls_with_a_chart_and_the_forecast(
    console: ConsoleApp, login_as: LoginAs
) -> None:
    with console.sessions() as session:
        seed(session)
    client, _ = login_as("manager")

    page = client.get(f"/console/insight?{QUERY}")

    assert page.status_code == 200
    assert 'id="chart-rolls"' in page.text
    assert 'id="chart-forecast"' in page.text
    for month in ("2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"):
        assert f"<td>{month}</td>" in page.text
    assert '<td class="num">40%</td>' in page.text  # November out of current: 600 / 1500


def test_the_rolls_csv_is_the_report_of_the_six_months(
    console: ConsoleApp, login_as: LoginAs
) -> None:
    with console.sessions() as session:
        seed(session)
    client, _ = login_as("manager")

    download = client.get(f"/console/insight/rolls.csv?{QUERY}")

    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.text)))
    with console.sessions() as session:
        expected = rolls_report(session, date(2026, 11, 1), 6).to_rows()
    assert rows == expected
    assert rows[-1]["roll_current"] == "0.40"


def test_the_contact_and_forecast_csvs_download(console: ConsoleApp, login_as: LoginAs) -> None:
    client, _ = login_as("admin")
    contact = client.get(f"/console/insight/contact.csv?{QUERY}")
    forecast = client.get(f"/console/insight/forecast.csv?{QUERY}")
    assert contact.text.splitlines()[1].startswith("overall,all,0,0,0")
    assert len(forecast.text.splitlines()) == 14


def test_a_collector_gets_403_and_a_bad_month_400(console: ConsoleApp, login_as: LoginAs) -> None:
    collector, _ = login_as("collector")
    manager, _ = login_as("manager")
    assert collector.get("/console/insight").status_code == 403
    refused = manager.get("/console/insight?month=2026-13")
    assert (refused.status_code, refused.text) == (400, "month: '2026-13' is not a month (YYYY-MM)")


def test_the_summary_heads_the_conversation_view_and_the_queue(
    console: ConsoleApp, login_as: LoginAs
) -> None:
    with console.sessions() as session:
        seed_account(session, phone=PHONE)
    chat(console, "I lost my job, I want to talk to a person")
    with console.sessions() as session:
        case_id = escalate(
            session,
            "customer_request",
            channel="web",
            address=PHONE,
            account_number="A-7",
            now=console.clock.now(),
        ).id
    client, _ = login_as("collector")

    page = client.get(f"/console/escalations/{case_id}").text
    queue = client.get("/console/queue.json?view=all").json()["escalations"]

    assert page.index('id="handoff-summary"') < page.index("<h2>Transcript</h2>")
    assert "not verified: nothing about the account is shown" in page
    assert "hardship" in page
    line = next(item["summary_line"] for item in queue if item["id"] == case_id)
    assert line.startswith("customer request; not verified; hardship")
    assert "I lost my job" in line
