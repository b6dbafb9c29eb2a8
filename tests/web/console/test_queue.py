"""The queue page and its JSON: who may see them, the order, the views, the live script.

Accounts (see ``tests/services/test_console_queue.py``): A-7 owes 800.00 past due, 52 days
late; C-1 owes 1,000.00, 10 days late; a sender without an account owes nothing known.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from starlette.testclient import TestClient

from bot.repositories import users
from tests.services.console_seed import add_case, seed_account
from tests.web.console.conftest import ConsoleApp, LoginAs


@pytest.fixture
def cases(console: ConsoleApp) -> dict[str, int]:
    """One open case per account, the cheapest first (oldest first too)."""
    with console.sessions() as session:
        a7 = seed_account(session)
        c1 = seed_account(
            session, "C-1", "+16175550103", invoices=(("X", date(2026, 11, 12), "1000.00"),)
        )
        return {
            "stranger": add_case(session, None, reason="fallback", age=timedelta(days=2)),
            "A-7": add_case(session, a7, age=timedelta(days=1)),
            "C-1": add_case(session, c1),
        }


def _order(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'<tr data-id="(\d+)">', html)]


def test_an_anonymous_visitor_is_sent_to_log_in_and_the_json_answers_401(
    client: TestClient, cases: dict[str, int]
) -> None:
    page = client.get("/console/queue")
    assert page.status_code == 303
    assert page.headers["location"] == "/console/login?next=%2Fconsole%2Fqueue"
    data = client.get("/console/queue.json")
    assert data.status_code == 401
    assert data.json() == {"error": "sign in to the console first"}


@pytest.mark.parametrize("role", ["collector", "manager", "admin"])
def test_every_role_works_the_queue_highest_priority_first(
    login_as: LoginAs, cases: dict[str, int], role: str
) -> None:
    client, _csrf = login_as(role)
    page = client.get("/console/queue")
    assert page.status_code == 200
    assert _order(page.text) == [cases["C-1"], cases["A-7"], cases["stranger"]]
    assert "1,000.00" in page.text
    assert f'href="/console/escalations/{cases["A-7"]}"' in page.text


def test_the_json_carries_each_row_in_the_same_order(
    login_as: LoginAs, cases: dict[str, int]
) -> None:
    client, _csrf = login_as("collector")
    data = client.get("/console/queue.json")
    assert data.status_code == 200
    assert data.headers["cache-control"] == "no-store"
    rows = data.json()["escalations"]
    assert [row["id"] for row in rows] == [cases["C-1"], cases["A-7"], cases["stranger"]]
    first = rows[1]
    assert {k: first[k] for k in ("account_number", "past_due", "days_late", "status")} == {
        "account_number": "A-7", "past_due": "800.00", "days_late": 52, "status": "open",
    }  # fmt: skip
    assert first["url"] == f"/console/escalations/{cases['A-7']}"
    assert rows[2]["account_number"] is None
    assert rows[2]["days_late"] is None


def test_the_views_show_mine_and_unclaimed(
    console: ConsoleApp, login_as: LoginAs, cases: dict[str, int]
) -> None:
    client, csrf = login_as("collector", "ana@example.com")
    claimed = client.post(f"/console/escalations/{cases['A-7']}/claim", data={"csrf_token": csrf})
    assert claimed.status_code == 303

    def ids(view: str) -> list[int]:
        rows = client.get(f"/console/queue.json?view={view}").json()["escalations"]
        return [row["id"] for row in rows]

    assert ids("mine") == [cases["A-7"]]
    assert ids("unclaimed") == [cases["C-1"], cases["stranger"]]
    assert ids("nonsense") == ids("all") == [cases["C-1"], cases["A-7"], cases["stranger"]]
    with console.sessions() as session:
        ana = users.by_email(session, "ana@example.com")
    assert ana is not None
    (row,) = [
        r for r in client.get("/console/queue.json").json()["escalations"] if r["assigned_to"]
    ]
    assert (row["assigned_to"], row["collector_email"]) == (ana.id, "ana@example.com")
    assert _order(client.get("/console/queue?view=mine").text) == [cases["A-7"]]


def test_the_page_polls_its_json_with_a_local_script(
    login_as: LoginAs, cases: dict[str, int]
) -> None:
    client, _csrf = login_as("collector")
    page = client.get("/console/queue?view=unclaimed").text
    assert 'data-source="/console/queue.json?view=unclaimed"' in page
    assert 'data-poll-ms="5000"' in page
    assert '<script src="/console/static/queue.js"></script>' in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page), "nothing loaded from elsewhere"
    script = client.get("/console/static/queue.js")
    assert script.status_code == 200
    assert "textContent" in script.text
    assert "innerHTML" not in script.text


def test_a_new_case_shows_up_in_the_next_poll(
    console: ConsoleApp, login_as: LoginAs, cases: dict[str, int]
) -> None:
    client, _csrf = login_as("collector")
    before = client.get("/console/queue.json").json()["escalations"]
    with console.sessions() as session:
        fresh = add_case(session, None, reason="cease")
    after = client.get("/console/queue.json").json()["escalations"]
    assert [row["id"] for row in after] == [row["id"] for row in before] + [fresh]
