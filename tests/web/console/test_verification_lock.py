"""A locked verification at the edge: the web chat, the console and the JSON API.

The lock itself is the identity service's (what the verification form calls); here the
sender's three wrong answers are given to it directly, and then everything the customer
and the collector see goes through the real web app: the gateway answers every message of
the locked sender with the lock answer without asking the dialogue engine, carrier
keywords still work, and the case names the account the sender typed.
"""

from __future__ import annotations

from datetime import timedelta

from bot.policy.rules import DEFAULT_POLICY
from bot.services import api_tokens, identity
from bot.services.users import add_user
from tests.services.console_seed import seed_account
from tests.web.conftest import NOW
from tests.web.console.conftest import ConsoleApp, LoginAs

STRANGER = "+14155550177"
ON_FILE = "+16175550101"


def _fail_three_times(console: ConsoleApp, sender: str, account: str = "A-7") -> None:
    for n in range(3):
        with console.sessions() as session:
            identity.verify_sender(
                session, "web", sender, account, f"0000{n}", console.clock.now(), DEFAULT_POLICY
            )


def _chat(console: ConsoleApp, sender: str, text: str) -> list[str]:
    response = console.client().post(
        "/webhooks/rest/webhook", json={"sender": sender, "message": text}
    )
    assert response.status_code == 200, response.text
    return [reply["text"] for reply in response.json()]


def test_every_message_of_a_locked_sender_gets_the_lock_answer(console: ConsoleApp) -> None:
    with console.sessions() as session:
        seed_account(session, phone=ON_FILE)
    _chat(console, STRANGER, "what do I owe")
    _fail_three_times(console, STRANGER)
    asked = len(console.dialogue.calls)

    answers = [_chat(console, STRANGER, text) for text in ("hi", "A-7 60614", "balance")]

    for [answer] in answers:
        assert "locked" in answer
        assert "follow up" in answer
        assert "account number" not in answer
    assert len(console.dialogue.calls) == asked  # the bot was never asked


def test_the_lock_answer_ends_with_the_lock(console: ConsoleApp) -> None:
    with console.sessions() as session:
        seed_account(session, phone=ON_FILE)
    _fail_three_times(console, STRANGER)

    console.clock.advance(timedelta(hours=24, minutes=1))

    assert _chat(console, STRANGER, "hi") == ["Hi! How can I help?"]


def test_other_senders_and_carrier_keywords_are_not_held_by_a_lock(console: ConsoleApp) -> None:
    with console.sessions() as session:
        seed_account(session, phone=ON_FILE)
    _fail_three_times(console, STRANGER)

    assert _chat(console, "+14155550178", "hi") == ["Hi! How can I help?"]
    [stop] = _chat(console, STRANGER, "STOP")
    assert "locked" not in stop


def test_a_strangers_lock_shows_the_named_account_in_the_queue_and_the_case(
    console: ConsoleApp, login_as: LoginAs
) -> None:
    with console.sessions() as session:
        seed_account(session, phone=ON_FILE)
    _chat(console, STRANGER, "what do I owe")
    _fail_three_times(console, STRANGER)
    client, _csrf = login_as("collector")

    queue = client.get("/console/queue").text
    rows = client.get("/console/queue.json").json()["escalations"]

    assert "named A-7 (not on file)" in queue
    [row] = rows
    assert (row["reason"], row["account_number"], row["named_account"]) == (
        "verification_failed",
        None,
        "A-7",
    )
    case = client.get(f"/console/escalations/{row['id']}").text
    assert 'class="named-account">A-7<' in case


def test_the_api_gives_the_named_account_of_an_unlinked_case(console: ConsoleApp) -> None:
    with console.sessions() as session:
        seed_account(session, phone=ON_FILE)
        add_user(session, "ana@example.com", "collector", NOW, "pw-123456789")
    _chat(console, STRANGER, "what do I owe")
    _fail_three_times(console, STRANGER)
    with console.sessions() as session:
        token = api_tokens.issue(session, "ana@example.com", NOW)
    headers = {"authorization": f"Bearer {token}"}
    client = console.client()

    listed = client.get("/api/escalations", headers=headers).json()["escalations"]
    queued = client.get("/api/queue", headers=headers).json()["escalations"]

    assert [(c["reason"], c["account_id"], c["named_account"]) for c in listed] == [
        ("verification_failed", None, "A-7")
    ]
    assert [c["named_account"] for c in queued] == ["A-7"]


def test_a_lock_from_the_phone_on_file_is_the_accounts_case(
    console: ConsoleApp, login_as: LoginAs
) -> None:
    with console.sessions() as session:
        seed_account(session, phone=ON_FILE)
    _fail_three_times(console, ON_FILE)
    client, _csrf = login_as("collector")

    [row] = client.get("/console/queue.json").json()["escalations"]

    assert (row["account_number"], row["named_account"]) == ("A-7", None)
