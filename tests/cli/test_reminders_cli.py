"""``arbot reminders plan|run|review`` through the real executable, on the demo portfolio."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from bot.policy.reminders import HOLD_REASONS, KINDS
from tests.cli.runner import arbot

FIELDS = {"account_number", "channel", "kind", "send_at", "held", "reason", "text"}


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database with the demo portfolio (copied per test: runs write to it)."""
    database = f"sqlite:///{tmp_path_factory.mktemp('reminders') / 'arbot.db'}"
    assert arbot("db", "upgrade", database=database).code == 0
    loaded = arbot("demo", database=database)
    assert loaded.code == 0, loaded.err
    return database


@pytest.fixture
def portfolio(demo_database: str, tmp_path: Path) -> str:
    source = demo_database.removeprefix("sqlite:///")
    target = f"{tmp_path}/arbot.db"
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


def test_plan_json_lists_each_decision_with_the_contract_fields(portfolio: str) -> None:
    result = arbot("reminders", "plan", "--json", database=portfolio)

    assert result.code == 0, result.err
    planned = result.json()
    assert planned, "the demo portfolio has reminders due"
    assert all(set(item) == FIELDS for item in planned)
    assert {item["kind"] for item in planned} <= set(KINDS)
    assert all(item["reason"] in HOLD_REASONS for item in planned if item["held"])
    assert all(item["reason"] is None for item in planned if not item["held"])
    assert any(not item["held"] for item in planned)
    assert all(item["text"] for item in planned)


def test_plan_at_night_defers_to_the_morning(portfolio: str) -> None:
    at = "2026-11-23T04:30:00-05:00"

    night = arbot("reminders", "plan", "--json", "--at", at, database=portfolio)

    assert night.code == 0, night.err
    deferred = [item for item in night.json() if item["reason"] == "quiet_hours"]
    assert deferred
    assert all(
        datetime.fromisoformat(item["send_at"]) > datetime.fromisoformat(at) for item in deferred
    )


@pytest.mark.parametrize("value", ["tomorrow", "2026-11-23T09:00:00"])
def test_a_bad_at_exits_1_with_one_line_naming_the_option(portfolio: str, value: str) -> None:
    result = arbot("reminders", "plan", "--at", value, database=portfolio)

    assert result.code == 1
    assert "--at" in result.err
    assert result.err.strip().count("\n") == 0
    assert "Traceback" not in result.err


def test_run_sends_what_plan_listed_once_and_prints_the_summary(portfolio: str) -> None:
    planned = arbot("reminders", "plan", "--json", database=portfolio).json()

    first = arbot("reminders", "run", database=portfolio)
    again = arbot("reminders", "run", "--json", database=portfolio)
    outbox = arbot("outbox", "--json", "--limit", "1000", database=portfolio)

    sends = [item for item in planned if not item["held"]]
    assert first.code == 0, first.err
    assert f"{len(sends)} sent" in first.out
    assert again.json()["sent"] == 0
    assert again.json()["held"]["already_sent"] == len(sends)
    system = [m for m in outbox.json() if m["author"] == "system"]
    assert sorted(m["text"] for m in system) == sorted(item["text"] for item in sends)


def test_review_prints_what_it_settled_and_changes_nothing_the_second_time(
    portfolio: str,
) -> None:
    later = "2026-12-20T15:00:00+00:00"

    first = arbot("reminders", "review", "--json", database=portfolio, now=later)
    second = arbot("reminders", "review", database=portfolio, now=later)

    assert first.code == 0, first.err
    assert any(v for k, v in first.json().items() if k != "seconds")
    assert second.out.startswith(
        "promises: 0 kept, 0 broken; installments: 0 paid, 0 missed; "
        "plans: 0 completed, 0 defaulted; 0 escalations opened"
    )
