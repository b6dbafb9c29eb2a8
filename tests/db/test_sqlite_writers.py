"""Several processes write the embedded SQLite database: read-then-write transactions wait."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import text

from bot.db.engine import make_engine


def test_concurrent_read_then_write_transactions_all_commit(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'writers.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(15):
                with engine.begin() as connection:
                    seen = connection.execute(text("SELECT count(*) FROM counter")).scalar_one()
                    time.sleep(0.005)  # another writer commits meanwhile
                    connection.execute(text("INSERT INTO counter (n) VALUES (:n)"), {"n": seen})
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT n FROM counter ORDER BY rowid")).scalars().all()
    engine.dispose()
    assert errors == []
    assert rows == list(range(60))  # each transaction saw every earlier one: serialised
