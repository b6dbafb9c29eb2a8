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
