"""``arbot holds``, ``arbot charges`` and ``arbot writeoff`` as a user runs them."""

from __future__ import annotations

from pathlib import Path

from tests.cli.runner import arbot

CUSTOMERS = "account_number,name,postal_code,credit_limit\nH-1,Held Ltd,10001,100.00\n"
INVOICES = (
    "invoice_number,account_number,issue_date,due_date,amount\n"
    "HI-1,H-1,2026-11-01,2026-12-01,250.00\n"
)


def test_an_import_over_the_limit_is_listed_by_arbot_holds(
    tmp_database: str, tmp_path: Path
) -> None:
    assert arbot("db", "upgrade", database=tmp_database).code == 0
    for kind, text in (("customers", CUSTOMERS), ("invoices", INVOICES)):
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        done = arbot("import", kind, str(path), database=tmp_database)
        assert done.code == 0, done.err

    held = arbot("holds", "--json", database=tmp_database)

    assert held.code == 0, held.err
    assert held.json() == [
        {
            "account_number": "H-1",
            "reasons": ["over_limit"],
            "since": "2026-11-22T15:00:00+00:00",
            "open_balance": "250.00",
            "credit_limit": "100.00",
        }
    ]
    bad = arbot("charges", "post", "--month", "2026-13", database=tmp_database)
    assert bad.code == 1
    assert "--month: '2026-13' is not a month" in bad.err
    unknown = arbot("writeoff", "approve", "1", "--by", "nobody@example.com", database=tmp_database)
    assert unknown.code == 1
    assert "no user nobody@example.com" in unknown.err


def test_imports_hold_an_account_at_the_days_past_due_setting(
    tmp_database: str, tmp_path: Path
) -> None:
    """``ARBOT_HOLD_DAYS_PAST_DUE=30``: an invoice 52 days past due holds its account, and a
    payment of another invoice leaves the hold on."""
    settings = {"ARBOT_HOLD_DAYS_PAST_DUE": "30"}
    files = (
        ("customers", "account_number,name,postal_code\nP-1,Late Ltd,10001\n"),
        ("invoices", "invoice_number,account_number,issue_date,due_date,amount\n"
                     "PI-1,P-1,2026-09-01,2026-10-01,80.00\n"
                     "PI-2,P-1,2026-11-01,2026-12-01,40.00\n"),
        ("payments", "payment_id,account_number,received_date,amount,invoice_number\n"
                     "PP-1,P-1,2026-11-21,40.00,PI-2\n"),
    )  # fmt: skip
    assert arbot("db", "upgrade", database=tmp_database).code == 0
    listed = []
    for kind, text in files:
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        done = arbot("import", kind, str(path), database=tmp_database, settings=settings)
        assert done.code == 0, done.err
        held = arbot("holds", "--json", database=tmp_database, settings=settings)
        listed.append([(h["account_number"], h["reasons"], h["open_balance"]) for h in held.json()])

    assert listed == [
        [],
        [("P-1", ["past_due"], "120.00")],
        [("P-1", ["past_due"], "80.00")],
    ]
