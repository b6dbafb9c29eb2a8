"""SQL metacharacters are data: stored and compared literally, on SQLite and PostgreSQL.

Each value — a statement-ending quote with ``DROP TABLE``, ``%`` and ``_`` (LIKE's
wildcards), backslashes, a quote after a backslash, ``' OR '1'='1`` and a NUL — goes in as
a chat message (web, SMS, Telegram), as an account number and postal code a customer
types to verify, into every console form field and the API's texts, and into CSV import
cells. Each comes back exactly as sent (a NUL, which PostgreSQL cannot store in text,
as U+FFFD, the replacement character), matches nothing but itself, and every table is
still there.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import inspect, select
from twilio.request_validator import RequestValidator

from bot.db.models import Account, Base, EscalationNote, Message
from bot.errors import ImportRejected, NotFound
from bot.imports.loader import import_file
from bot.policy.rules import DEFAULT_POLICY
from bot.services import identity
from bot.services.customers import require_account
from bot.web import telegram as telegram_web
from bot.web import twilio as twilio_web
from tests.fakes.telegram_api import text_update
from tests.security.conftest import (
    PHONE,
    PUBLIC_URL,
    TELEGRAM_SECRET,
    TWILIO_AUTH_TOKEN,
    CallerFactory,
    Casework,
    import_csv,
)
from tests.web.console.conftest import ConsoleApp, csrf_of

VALUES = {
    "drop table": "'; DROP TABLE accounts; --",
    "percent": "%",
    "underscore": "_",
    "backslashes": "\\\\ \\",
    "escaped quote": "\\'; DROP TABLE messages; --",
    "or true": "' OR '1'='1",
    "nul": "A-7\x00' --",
}
IDS, PARAMS = list(VALUES), list(VALUES.values())


def stored(value: str) -> str:
    """What is kept of ``value``: itself, a NUL replaced by U+FFFD."""
    return value.replace("\x00", "\ufffd")


def assert_tables_intact(console: ConsoleApp) -> None:
    with console.sessions() as session:
        names = set(inspect(session.connection()).get_table_names())
        assert {table.name for table in Base.metadata.sorted_tables} <= names
        assert session.scalars(select(Account.account_number)).all() in ([], ["A-7"])


def inbound(console: ConsoleApp, channel: str) -> list[str]:
    with console.sessions() as session:
        query = select(Message.body).where(Message.channel == channel, Message.direction == "in")
        return list(session.scalars(query.order_by(Message.id)))


@pytest.mark.parametrize("value", PARAMS, ids=IDS)
def test_a_chat_message_on_every_channel_is_stored_as_typed(
    console: ConsoleApp, value: str
) -> None:
    client = console.client()
    web = client.post("/webhooks/rest/webhook", json={"sender": PHONE, "message": value})
    form = {"From": PHONE, "Body": value, "MessageSid": "SM" + "3" * 32}
    signature = RequestValidator(TWILIO_AUTH_TOKEN).compute_signature(
        PUBLIC_URL + twilio_web.SMS_PATH, form
    )
    sms = client.post(twilio_web.SMS_PATH, data=form, headers={"X-Twilio-Signature": signature})
    telegram = client.post(
        telegram_web.PATH,
        json=text_update(9001, 555002, value),
        headers={telegram_web.SECRET_HEADER: TELEGRAM_SECRET},
    )

    assert [web.status_code, sms.status_code, telegram.status_code] == [200, 200, 200]
    assert [inbound(console, c) for c in ("web", "sms", "telegram")] == [[stored(value)]] * 3
    asyncio.run(console.app.state.workers.drain())  # the turn worker asks the bot behind them
    assert [text for _sender, text, _meta in console.dialogue.calls] == [stored(value)] * 3
    assert_tables_intact(console)


@pytest.mark.parametrize("value", PARAMS, ids=IDS)
def test_a_chat_sender_is_kept_as_sent(console: ConsoleApp, value: str) -> None:
    sender = f"+1617{value}"

    web = console.client().post("/webhooks/rest/webhook", json={"sender": sender, "message": "hi"})

    assert web.status_code == 200
    assert web.json()[0]["recipient_id"] == stored(sender)
    with console.sessions() as session:
        addresses = set(session.scalars(select(Message.address).where(Message.channel == "web")))
    assert addresses == {stored(sender)}
    assert_tables_intact(console)


@pytest.mark.parametrize("value", [*PARAMS, "A_7", "A%", "a-7%"], ids=[*IDS, "A_7", "A%", "a-7%"])
def test_a_typed_account_number_matches_no_account_but_its_own(
    console: ConsoleApp, casework: Casework, value: str
) -> None:
    typed = stored(value)  # what the gateway hands the bot (and so the action server)
    with console.sessions() as session:
        result = identity.verify_sender(
            session, "sms", PHONE, typed, typed, console.clock.now(), DEFAULT_POLICY
        )
    with console.sessions() as session, pytest.raises(NotFound):
        require_account(session, typed)

    assert (result.status, result.account_number) == ("failed", None)
    assert_tables_intact(console)
    with console.sessions() as session:
        verified = identity.verify_sender(
            session, "sms", PHONE, "A-7", "60614", console.clock.now(), DEFAULT_POLICY
        )
    assert (verified.status, verified.account_number) == ("verified", "A-7")


@pytest.mark.parametrize("value", PARAMS, ids=IDS)
def test_console_and_api_fields_are_taken_literally(
    console: ConsoleApp, caller: CallerFactory, casework: Casework, value: str
) -> None:
    admin, api = caller("admin"), caller("token:collector")
    case = f"/console/escalations/{casework.escalation_id}"
    answers = {
        "link code": admin.send("POST", "/console/link-codes", form={"account_number": value}),
        "new user": admin.send("POST", "/console/users", form={"email": value, "role": value}),
        "dashboard": admin.client.get("/console/dashboard", params={"from": value, "to": value}),
        "queue": admin.client.get("/console/queue", params={"view": value}),
        "csv": admin.client.get("/console/dashboard/aging.csv", params={"from": value}),
        "claim": admin.send("POST", f"{case}/claim"),
        "note": admin.send("POST", f"{case}/note", form={"body": value}),
        "reply": admin.send("POST", f"{case}/reply", form={"text": value}),
    }
    visitor = console.client()
    token = csrf_of(visitor.get("/console/login").text)
    answers["login"] = visitor.post(
        "/console/login", data={"csrf_token": token, "email": value, "password": value}
    )

    assert {name: r.status_code for name, r in answers.items()} == {
        "link code": 404, "new user": 400, "dashboard": 400, "queue": 200, "csv": 400,
        "claim": 303, "note": 303, "reply": 303, "login": 401,
    }  # fmt: skip
    with console.sessions() as session:
        notes = session.scalars(select(EscalationNote.body)).all()
        replies = session.scalars(select(Message.body).where(Message.author == "collector")).all()
    assert (notes, replies) == ([stored(value)], [stored(value)])
    resolved = api.send("POST", f"/api/escalations/{casework.escalation_id}/resolve",
                        json={"note": value})  # fmt: skip
    assert resolved.status_code == 409  # the admin holds it: refused, not an SQL error
    assert_tables_intact(console)


@pytest.mark.parametrize("value", PARAMS, ids=IDS)
def test_the_api_stores_a_reply_and_a_note_as_sent(
    console: ConsoleApp, caller: CallerFactory, casework: Casework, value: str
) -> None:
    api = caller("token:collector")
    path = f"/api/escalations/{casework.escalation_id}"

    answers = [
        api.send("POST", f"{path}/claim", json={}).status_code,
        api.send("POST", f"{path}/reply", json={"text": value}).status_code,
        api.send("POST", f"{path}/resolve", json={"note": value}).status_code,
    ]

    assert answers == [200, 200, 200]
    shown = api.send("GET", path).json()
    assert shown["note"] == stored(value).strip()
    assert shown["messages"][-1]["body"] == stored(value).strip()
    assert_tables_intact(console)


def test_import_cells_are_stored_as_written(console: ConsoleApp, tmp_path: Path) -> None:
    plain = {name: value for name, value in VALUES.items() if "\x00" not in value}
    rows = [
        {"account_number": f"Q{n}{value}", "name": value, "postal_code": value[:20]}
        for n, value in enumerate(plain.values())
    ]

    report = import_csv(console, tmp_path, "customers", rows)

    assert report.inserted == len(plain)
    with console.sessions() as session:
        found = session.execute(
            select(Account.account_number, Account.name, Account.postal_code).order_by(Account.id)
        ).all()
    assert [tuple(row) for row in found] == [
        (row["account_number"].strip(), row["name"].strip(), row["postal_code"].strip())
        for row in rows
    ]
    assert_tables_intact_after_import(console, len(plain))


def test_an_import_cell_with_a_nul_is_refused_naming_its_line(
    console: ConsoleApp, tmp_path: Path
) -> None:
    path = tmp_path / "customers.csv"
    path.write_text(
        f"account_number,name,postal_code\nQ1,Ada,02110\nQ2,{VALUES['nul']},02110\n",
        encoding="utf-8",
    )

    with console.sessions() as session, pytest.raises(ImportRejected) as refused:
        import_file(session, "customers", path, now=console.clock.now())

    assert [error.removeprefix(f"{path}:") for error in refused.value.errors] == [
        "3: (file): not CSV (line contains NUL)"
    ]
    assert_tables_intact(console)


def test_a_lone_surrogate_in_json_is_stored_as_the_replacement_character(
    console: ConsoleApp, caller: CallerFactory, casework: Casework
) -> None:
    """JSON's ``\\ud800`` decodes to a character no UTF-8 driver can store."""
    client, api = console.client(), caller("token:collector")
    case = f"/api/escalations/{casework.escalation_id}"
    headers = {"content-type": "application/json", "authorization": f"Bearer {api.token}"}
    telegram = {telegram_web.SECRET_HEADER: TELEGRAM_SECRET, "content-type": "application/json"}
    update = '{"update_id": 9002, "message": {"chat": {"id": 555003, "type": "private"}, '

    answers = [
        client.post("/webhooks/rest/webhook",
                    content=b'{"sender": "+1617\\ud800", "message": "A\\ud800B"}').status_code,
        client.post(telegram_web.PATH, content=update + '"text": "C\\udfffD"}}',
                    headers=telegram).status_code,
        api.send("POST", f"{case}/claim", json={}).status_code,
        client.post(f"{case}/reply", content=b'{"text": "E\\ud800F"}', headers=headers).status_code,
    ]  # fmt: skip

    assert answers == [200, 200, 200, 200]
    with console.sessions() as session:
        rows = session.execute(select(Message.address, Message.body).order_by(Message.id)).all()
    assert {(a, b) for a, b in rows} >= {
        ("+1617\ufffd", "A\ufffdB"),
        ("555003", "C\ufffdD"),
        (PHONE, "E\ufffdF"),
    }
    assert_tables_intact(console)


def assert_tables_intact_after_import(console: ConsoleApp, accounts: int) -> None:
    with console.sessions() as session:
        names = set(inspect(session.connection()).get_table_names())
        assert {table.name for table in Base.metadata.sorted_tables} <= names
        assert len(session.scalars(select(Account.id)).all()) == accounts
