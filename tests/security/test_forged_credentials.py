"""Forged signatures and secrets: each is refused and nothing is recorded.

Twilio's webhooks with a signature made with the wrong auth token, over another URL, over
other parameters, or none; Telegram's webhook with a wrong, missing or empty secret; the
API with a revoked token, the token of a deactivated user, or a malformed header; the
console with a made-up cookie, the stored hash of a real one, an expired session, or the
session of a deactivated user. Each forged request is next to a genuine one that is
accepted, so a refusal is the credential's doing and not the request's.

(``tests/web`` already covers a garbage Twilio signature, one over another form or
another host, a missing one and the missing auth token; a wrong or missing Telegram
secret; an unknown API token; an idle-expired or logged-out console session.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update
from twilio.request_validator import RequestValidator

from bot.db.models import ApiToken, ConsoleSession, Escalation, Message, User
from bot.services import api_tokens
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
    row_counts,
    session_digest,
)
from tests.web.console.conftest import AddUser, ConsoleApp

SMS, STATUS = twilio_web.SMS_PATH, twilio_web.STATUS_PATH
INBOUND = {
    "From": PHONE,
    "To": "+16175550000",
    "Body": "what do I owe",
    "MessageSid": "SM" + "1" * 32,
}
RECEIPT = {"MessageSid": "SM" + "2" * 32, "MessageStatus": "delivered"}


def signature(url: str, form: Mapping[str, str], token: str = TWILIO_AUTH_TOKEN) -> str:
    """``X-Twilio-Signature`` as Twilio computes it for ``url`` and ``form``."""
    return str(RequestValidator(token).compute_signature(url, dict(form)))


def post_twilio(
    console: ConsoleApp, path: str, form: Mapping[str, str], sig: str | None
) -> httpx.Response:
    headers = {} if sig is None else {"X-Twilio-Signature": sig}
    return console.client().post(path, data=dict(form), headers=headers)


#: Twilio's signature of INBOUND posted to the SMS webhook
SIGNED = signature(PUBLIC_URL + SMS, INBOUND)
HTTP_URL = PUBLIC_URL.replace("https://", "http://")


def with_body(text: str) -> dict[str, str]:
    return {**INBOUND, "Body": text}


#: (name, path posted to, form posted, signature) of forged inbound SMS
FORGED_SMS = [
    ("wrong auth token", SMS, INBOUND, signature(PUBLIC_URL + SMS, INBOUND, "another-token")),
    ("signed for the status url", SMS, INBOUND, signature(PUBLIC_URL + STATUS, INBOUND)),
    ("signed with a query", SMS, INBOUND, signature(PUBLIC_URL + SMS + "?x=1", INBOUND)),
    ("signed over http", SMS, INBOUND, signature(HTTP_URL + SMS, INBOUND)),
    ("body altered", SMS, with_body("STOP"), signature(PUBLIC_URL + SMS, INBOUND)),
    ("sender altered", SMS, {**INBOUND, "From": "+16175550199"}, SIGNED),
    ("parameter added", SMS, {**INBOUND, "Extra": "1"}, signature(PUBLIC_URL + SMS, INBOUND)),
    ("parameter removed", SMS, {k: v for k, v in INBOUND.items() if k != "To"},
     signature(PUBLIC_URL + SMS, INBOUND)),
    ("empty signature", SMS, INBOUND, ""),
    ("missing signature", SMS, INBOUND, None),
]  # fmt: skip


def recorded_sms(console: ConsoleApp) -> list[str]:
    with console.sessions() as session:
        query = select(Message.body).where(Message.channel == "sms", Message.direction == "in")
        return list(session.scalars(query))


@pytest.mark.parametrize(("path", "form", "sig"), [f[1:] for f in FORGED_SMS],
                         ids=[f[0] for f in FORGED_SMS])  # fmt: skip
def test_a_forged_twilio_sms_is_403_and_nothing_is_recorded(
    console: ConsoleApp, path: str, form: dict[str, str], sig: str | None
) -> None:
    before = row_counts(console)

    assert post_twilio(console, path, form, sig).status_code == 403

    assert row_counts(console) == before
    assert console.dialogue.calls == []
    genuine = post_twilio(console, SMS, INBOUND, signature(PUBLIC_URL + SMS, INBOUND))
    assert genuine.status_code == 200
    assert recorded_sms(console) == [INBOUND["Body"]]


def delivery_status(console: ConsoleApp) -> str | None:
    with console.sessions() as session:
        return session.scalar(
            select(Message.delivery_status).where(Message.provider_id == RECEIPT["MessageSid"])
        )


@pytest.fixture
def sent_sms(console: ConsoleApp) -> None:
    """A bot SMS Twilio took (``queued``), whose receipt the forgeries try to change."""
    with console.sessions() as session, session.begin():
        session.add(
            Message(
                channel="sms",
                direction="out",
                author="bot",
                address=PHONE,
                body="hi",
                provider="twilio",
                provider_id=RECEIPT["MessageSid"],
                delivery_status="queued",
                created_at=console.clock.now(),
            )  # fmt: skip
        )


FAILED = {**RECEIPT, "MessageStatus": "failed"}
FORGED_RECEIPTS = [
    ("wrong auth token", STATUS, RECEIPT, signature(PUBLIC_URL + STATUS, RECEIPT, "another")),
    ("signed for the sms url", STATUS, RECEIPT, signature(PUBLIC_URL + SMS, RECEIPT)),
    ("status altered", STATUS, RECEIPT, signature(PUBLIC_URL + STATUS, FAILED)),
    ("missing signature", STATUS, RECEIPT, None),
]


@pytest.mark.parametrize(("path", "form", "sig"), [f[1:] for f in FORGED_RECEIPTS],
                         ids=[f[0] for f in FORGED_RECEIPTS])  # fmt: skip
def test_a_forged_twilio_status_callback_is_403_and_changes_nothing(
    console: ConsoleApp, sent_sms: None, path: str, form: dict[str, str], sig: str | None
) -> None:
    before = row_counts(console)

    assert post_twilio(console, path, form, sig).status_code == 403

    assert (row_counts(console), delivery_status(console)) == (before, "queued")
    genuine = post_twilio(console, STATUS, RECEIPT, signature(PUBLIC_URL + STATUS, RECEIPT))
    assert (genuine.status_code, delivery_status(console)) == (200, "delivered")


@pytest.mark.parametrize(
    "secret",
    ["", "wrong", TELEGRAM_SECRET[:-1], TELEGRAM_SECRET + "x", TELEGRAM_SECRET.upper(), None],
    ids=["empty", "wrong", "a prefix", "longer", "other case", "missing"],
)
def test_a_telegram_update_without_the_secret_is_403_and_nothing_is_recorded(
    console: ConsoleApp, secret: str | None
) -> None:
    update = text_update(7001, 555001, "what do I owe")
    before = row_counts(console)

    def post(value: str | None) -> httpx.Response:
        headers = {} if value is None else {telegram_web.SECRET_HEADER: value}
        return console.client().post(telegram_web.PATH, json=update, headers=headers)

    assert post(secret).status_code == 403
    assert (row_counts(console), console.dialogue.calls) == (before, [])
    assert post(TELEGRAM_SECRET).status_code == 200
    asyncio.run(console.app.state.workers.drain())  # the turn worker asks the bot behind it
    assert [call[:2] for call in console.dialogue.calls] == [("telegram:555001", "what do I owe")]


@pytest.fixture
def token(console: ConsoleApp, add_user: AddUser) -> str:
    """A collector's API token."""
    user = add_user("collector", "ana@example.com")
    with console.sessions() as session:
        return api_tokens.issue(session, user.email, console.clock.now())


def api_claim(console: ConsoleApp, case_id: int, authorization: str | None) -> httpx.Response:
    headers = {} if authorization is None else {"authorization": authorization}
    return console.client().post(f"/api/escalations/{case_id}/claim", headers=headers)


def case_status(console: ConsoleApp, case_id: int) -> str:
    with console.sessions() as session:
        found = session.get(Escalation, case_id)
        assert found is not None
        return found.status


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Basic {token}",
        "{token}",
        "Bearer {token}x",
        "Bearer {token} {token}",
        "Bearer {digest}",
        "Token {token}",
    ],
)
def test_a_malformed_bearer_header_is_401_and_claims_nothing(
    console: ConsoleApp, casework: Casework, token: str, header: str
) -> None:
    before = row_counts(console)
    forged = header.format(token=token, digest=session_digest(token))

    refused = api_claim(console, casework.escalation_id, forged)

    assert (refused.status_code, refused.headers.get("www-authenticate")) == (401, "Bearer")
    assert (row_counts(console), case_status(console, casework.escalation_id)) == (before, "open")
    assert api_claim(console, casework.escalation_id, f"bearer {token}").status_code == 200


@pytest.mark.parametrize("how", ["revoked", "user deactivated"])
def test_a_revoked_token_or_one_of_a_deactivated_user_is_401(
    console: ConsoleApp, casework: Casework, token: str, how: str
) -> None:
    assert (
        console.client()
        .get("/api/escalations", headers={"authorization": f"Bearer {token}"})
        .status_code
        == 200
    )
    with console.sessions() as session, session.begin():
        if how == "revoked":
            session.execute(update(ApiToken).values(revoked_at=console.clock.now()))
        else:
            session.execute(
                update(User).where(User.email == "ana@example.com").values(active=False)
            )
    before = row_counts(console)

    assert api_claim(console, casework.escalation_id, f"Bearer {token}").status_code == 401
    listed = console.client().get("/api/escalations", headers={"authorization": f"Bearer {token}"})
    assert listed.status_code == 401
    assert (row_counts(console), case_status(console, casework.escalation_id)) == (before, "open")


def test_a_demoted_users_token_and_session_lose_the_higher_role_at_once(
    console: ConsoleApp, caller: CallerFactory
) -> None:
    admin, api_admin = caller("admin"), caller("token:admin")
    assert admin.send("GET", "/console/settings").status_code == 200
    assert api_admin.send("GET", "/api/reports/aging").status_code == 200
    with console.sessions() as session, session.begin():
        session.execute(update(User).where(User.role == "admin").values(role="collector"))

    assert admin.send("GET", "/console/settings").status_code == 403
    assert api_admin.send("GET", "/api/reports/aging").status_code == 403
    assert admin.send("GET", "/console/queue").status_code == 200


def stored_session_hash(console: ConsoleApp) -> str:
    with console.sessions() as session:
        return session.scalars(select(ConsoleSession.token_hash)).one()


@pytest.mark.parametrize(
    "cookie", ["made up", "empty", "the stored hash", "expired", "user deactivated"]
)
def test_a_forged_or_dead_console_cookie_opens_nothing_and_posts_nothing(
    console: ConsoleApp, caller: CallerFactory, casework: Casework, cookie: str
) -> None:
    collector = caller("collector")
    note = f"/console/escalations/{casework.escalation_id}/note"
    real = collector.client.cookies["arbot_session"]
    value = {
        "made up": "A" * len(real),
        "empty": "",
        "the stored hash": stored_session_hash(console),
    }
    if cookie == "expired":
        console.clock.advance(timedelta(hours=8, seconds=1))
    elif cookie == "user deactivated":
        with console.sessions() as session, session.begin():
            session.execute(update(User).where(User.role == "collector").values(active=False))
    forged = console.client()
    forged.cookies.set("arbot_session", value.get(cookie, real))
    before = row_counts(console)

    page = forged.get("/console/queue")
    posted = forged.post(note, data={"csrf_token": collector.csrf, "body": "forged note"})

    assert (page.status_code, page.headers["location"]) == (
        303,
        "/console/login?next=%2Fconsole%2Fqueue",
    )
    assert (posted.status_code, posted.headers["location"]) == (303, "/console/login")
    assert row_counts(console) == before
