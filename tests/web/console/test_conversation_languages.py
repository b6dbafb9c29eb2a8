"""The conversation view shows the conversation's language and offers the collectors'
canned replies in English and Spanish (SPEC §14)."""

from __future__ import annotations

import html

from bot.policy.catalog import say
from bot.services import delivery
from tests.web.console.conftest import ConsoleApp, LoginAs
from tests.web.console.test_conversation import _REPLY_KEY, PHONE, case_id, chat, post, url

__all__ = ["case_id"]  # the fixture these tests use


def test_the_page_shows_a_spanish_conversation_as_es(
    console: ConsoleApp, login_as: LoginAs, case_id: int
) -> None:
    chat(console, "en español por favor")
    client, _csrf = login_as("collector")
    page = client.get(url(case_id))
    assert page.status_code == 200
    assert '<span class="badge language">es</span>' in page.text


def test_a_collector_sends_a_canned_reply_in_either_language(
    console: ConsoleApp, login_as: LoginAs, case_id: int
) -> None:
    client, csrf = login_as("collector")
    post(client, url(case_id, "claim"), csrf)
    page = client.get(url(case_id))
    shown = html.unescape(page.text)
    assert say("canned_call_back", "es") in shown
    assert say("canned_call_back", "en") in shown
    for choice in ("es:canned_call_back", "en:canned_looking_into_it"):
        key = _REPLY_KEY.search(client.get(url(case_id)).text)
        assert key is not None
        sent = post(client, url(case_id, "reply"), csrf, canned=choice, reply_key=key.group(1))
        assert sent.status_code == 303
    with console.sessions() as session:
        bodies = [m.body for m in delivery.outbox(session, limit=10, address=PHONE)]
    assert bodies == [say("canned_call_back", "es"), say("canned_looking_into_it", "en")]


def test_an_unknown_canned_reply_is_refused_naming_it(
    console: ConsoleApp, login_as: LoginAs, case_id: int
) -> None:
    client, csrf = login_as("collector")
    post(client, url(case_id, "claim"), csrf)
    refused = post(client, url(case_id, "reply"), csrf, canned="fr:canned_call_back")
    assert refused.status_code == 400
    assert "fr:canned_call_back" in html.unescape(refused.text)
