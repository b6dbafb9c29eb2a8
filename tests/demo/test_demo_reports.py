"""The demo portfolio loaded through the CLI, and its reports recomputed independently.

The expected figures are computed here from the demo's CSV files (written by
``arbot demo --csv-dir``) by the SPEC §4 and §8 rules alone — cash application, AR as of
a day, aging, DSO, CEI — with none of arbot's own code, then compared with what
``arbot report`` prints.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.cli.runner import NOW, arbot

TODAY = date.fromisoformat(NOW[:10])
ZERO = Decimal("0.00")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    folder = tmp_path_factory.mktemp("demo")
    database = f"sqlite:///{folder / 'arbot.db'}"
    assert arbot("db", "upgrade", database=database).code == 0
    loaded = arbot("demo", database=database)
    assert loaded.code == 0, loaded.err
    written = arbot("demo", "--csv-dir", str(folder / "csv"), database=database)
    assert written.code == 0, written.err
    return database, folder / "csv"


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


class Ledger:
    """Applies the demo payments by SPEC §4: named invoice first, then oldest due first."""

    def __init__(self, folder: Path) -> None:
        self.invoices = {row["invoice_number"]: row for row in read(folder, "invoices")}
        self.applied: list[tuple[str, date, Decimal]] = []  # invoice, received, amount
        open_amount = {n: Decimal(r["amount"]) for n, r in self.invoices.items()}
        payments = read(folder, "payments")
        for row in sorted(payments, key=lambda r: r["received_date"]):
            left = Decimal(row["amount"])
            received = date.fromisoformat(row["received_date"])
            targets = sorted(
                (
                    n
                    for n, r in self.invoices.items()
                    if r["account_number"] == row["account_number"]
                ),
                key=lambda n: (n != row["invoice_number"], self.invoices[n]["due_date"], n),
            )
            for number in targets:
                take = min(left, open_amount[number])
                if take > 0:
                    open_amount[number] -= take
                    left -= take
                    self.applied.append((number, received, take))

    def open_on(self, day: date) -> dict[str, Decimal]:
        paid: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for number, received, amount in self.applied:
            if received <= day:
                paid[number] += amount
        return {
            n: Decimal(r["amount"]) - paid[n]
            for n, r in self.invoices.items()
            if date.fromisoformat(r["issue_date"]) <= day
        }

    def ar(self, day: date) -> tuple[Decimal, Decimal]:
        open_now = self.open_on(day)
        current = sum(
            (
                a
                for n, a in open_now.items()
                if date.fromisoformat(self.invoices[n]["due_date"]) >= day
            ),
            ZERO,
        )
        return sum(open_now.values(), ZERO), current


def bucket(days: int) -> str:
    for name, high in (("current", 0), ("1-30", 30), ("31-60", 60), ("61-90", 90), ("91-120", 120)):
        if days <= high:
            return name
    return "120+"


def rounded(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize("as_of", [TODAY, TODAY - timedelta(days=45)], ids=["today", "45-days-ago"])
def test_aging_report_matches_an_independent_computation(
    demo: tuple[str, Path], as_of: date
) -> None:
    database, folder = demo
    ledger = Ledger(folder)
    expected: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for number, amount in ledger.open_on(as_of).items():
        due = date.fromisoformat(ledger.invoices[number]["due_date"])
        expected[bucket((as_of - due).days)] += amount
    result = arbot("report", "aging", "--as-of", as_of.isoformat(), "--json", database=database)
    assert result.code == 0, result.err
    report = result.json()
    names = ("current", "1-30", "31-60", "61-90", "91-120", "120+")
    assert report["buckets"] == {name: f"{expected[name]:.2f}" for name in names}
    assert report["total"] == f"{sum(expected.values(), ZERO):.2f}"
    assert Decimal(report["total"]) > 0


def expected_kpis(ledger: Ledger, start: date, end: date) -> dict[str, Any]:
    days = (end - start).days + 1
    sales = sum(
        (
            Decimal(r["amount"])
            for r in ledger.invoices.values()
            if start <= date.fromisoformat(r["issue_date"]) <= end
        ),
        ZERO,
    )
    ar_before, _ = ledger.ar(start - timedelta(days=1))
    ar_end, current_end = ledger.ar(end)
    dso = ar_end / sales * days
    best = current_end / sales * days
    cei = (ar_before + sales - ar_end) / (ar_before + sales - current_end) * 100
    return {
        "dso": rounded(dso),
        "best_possible_dso": rounded(best),
        "add": rounded(dso - best),
        "cei": rounded(cei),
    }


@pytest.mark.parametrize("span", [30, 90])
def test_kpi_report_matches_an_independent_computation(demo: tuple[str, Path], span: int) -> None:
    database, folder = demo
    start, end = TODAY - timedelta(days=span - 1), TODAY
    result = arbot(
        "report",
        "kpis",
        "--from",
        start.isoformat(),
        "--to",
        end.isoformat(),
        "--json",
        database=database,
    )
    assert result.code == 0, result.err
    report = result.json()
    expected = expected_kpis(Ledger(folder), start, end)
    assert {key: report[key] for key in expected} == expected
    assert report["from"] == start.isoformat()
    assert report["to"] == end.isoformat()


def test_ptp_figures_follow_the_spec_rule_on_the_demo_promises(demo: tuple[str, Path]) -> None:
    database, folder = demo
    payments: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
    for row in read(folder, "payments"):
        payments[row["account_number"]].append(
            (date.fromisoformat(row["received_date"]), Decimal(row["amount"]))
        )
    start, end = TODAY - timedelta(days=89), TODAY
    report = arbot(
        "report",
        "ptp",
        "--from",
        start.isoformat(),
        "--to",
        end.isoformat(),
        "--json",
        database=database,
    ).json()
    kept = broken = 0
    for promise in report["promises"]:
        created = date.fromisoformat(promise["created_at"][:10])
        due = date.fromisoformat(promise["due_date"])
        received = sum(
            (
                amount
                for day, amount in payments[promise["account_number"]]
                if created <= day <= due + timedelta(days=2)
            ),
            ZERO,
        )
        if due + timedelta(days=2) < TODAY:
            status = "kept" if received >= Decimal(promise["amount"]) else "broken"
            assert promise["status"] == status, promise
            kept += status == "kept"
            broken += status == "broken"
    kpis = arbot(
        "report",
        "kpis",
        "--from",
        start.isoformat(),
        "--to",
        end.isoformat(),
        "--json",
        database=database,
    ).json()
    assert (kpis["promises_kept"], kpis["promises_broken"]) == (kept, broken)
    assert kept > 0
    assert broken > 0
    assert kpis["ptp_kept_rate"] == rounded(Decimal(kept) / Decimal(kept + broken))


def test_demo_covers_every_collections_state(demo: tuple[str, Path]) -> None:
    database, _ = demo
    seen: dict[str, set[str]] = defaultdict(set)
    for number in range(1001, 1031):
        account = arbot("show", f"A-{number}", "--json", database=database).json()
        seen["invoice"] |= {i["status"] for i in account["invoices"]}
        seen["promise"] |= {p["status"] for p in account["promises"]}
        seen["plan"] |= {p["status"] for p in account["plans"]}
        seen["escalation"] |= {e["reason"] for e in account["escalations"]}
        seen["contact"] |= {k for k, v in account["contact"].items() if v is True}
        seen["kind"].add("consumer" if account["consumer"] else "business")
        seen["zone"].add(account["timezone"] or "unknown")
    assert {"open", "paid", "disputed"} <= seen["invoice"]
    assert {"pending", "kept", "broken"} <= seen["promise"]
    assert {"active", "defaulted", "pending_approval"} <= seen["plan"]
    assert {"dispute", "plan_default", "broken_promises", "cease"} <= seen["escalation"]
    assert {"sms_opt_out", "cease", "sms_consent"} <= seen["contact"]
    assert seen["kind"] == {"consumer", "business"}
    assert len(seen["zone"]) >= 6
    assert "unknown" in seen["zone"]


def test_demo_refuses_a_database_that_already_holds_accounts(demo: tuple[str, Path]) -> None:
    database, _ = demo
    again = arbot("demo", database=database)
    assert again.code == 1
    assert "already holds" in again.err
    skipped = arbot("demo", "--if-empty", database=database)
    assert skipped.code == 0
    assert "not loaded" in skipped.out


def test_demo_if_empty_loads_an_empty_database(tmp_database: str) -> None:
    assert arbot("db", "upgrade", database=tmp_database).code == 0
    result = arbot("demo", "--if-empty", database=tmp_database)
    assert result.code == 0, result.err
    assert "30 accounts" in result.out
