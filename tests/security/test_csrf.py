"""CSRF: every state-changing console route, found by walking the app, refuses a form
without the session's token, with a wrong one, or with another session's.

Every form carries the fields any console form reads (a reply's text, a note's body, an
account number, a new user's e-mail and role), with the ids of real cases, so each
refused request would have changed something: after the refusals nothing has; the same
requests with the session's own token then go through (the logout last).

The sign-in form has no session yet; its token is the double-submit cookie's, and a form
carrying another browser's token is refused too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot.db.models import Dispute, Escalation, PaymentPlan
from tests.security.app_routes import Endpoint, unsafe_endpoints
from tests.security.conftest import Caller, CallerFactory, Casework, row_counts
from tests.web.console.conftest import PASSWORD, AddUser, ConsoleApp, csrf_of

LOGIN = "/console/login"
#: the fields every form sends: each route reads its own
FIELDS = {
    "text": "hello from the console",
    "body": "an internal note",
    "note": "resolved",
    "account_number": "A-7",
    "email": "csrf.new.user@example.com",
    "role": "collector",
}
#: the header a script may send the token in, instead of the form field
HEADER = "X-CSRF-Token"


def console_posts(console: ConsoleApp) -> list[Endpoint]:
    """The state-changing console routes but the sign-in form, the logout last."""
    found = [e for e in unsafe_endpoints(console.app) if e.path.startswith("/console/")]
    return sorted(
        (e for e in found if e.path != LOGIN), key=lambda e: (e.path == "/console/logout", e)
    )


def url_of(endpoint: Endpoint, casework: Casework) -> str:
    """The route's URL on the real case its first path segment after /console names."""
    ids = {
        "escalations": casework.escalation_id,
        "disputes": casework.dispute_id,
        "plans": casework.plan_id,
    }
    return endpoint.url({"id": ids.get(endpoint.path.split("/")[2], 0)})


def state(console: ConsoleApp) -> dict[str, Any]:
    """Row counts and the cases' statuses: what a request that went through would change."""
    with console.sessions() as session:
        statuses = {
            "escalation": session.scalars(select(Escalation.status)).all(),
            "dispute": session.scalars(select(Dispute.status)).all(),
            "plan": session.scalars(select(PaymentPlan.status)).all(),
        }
    return {**row_counts(console), **statuses}


Attempt = Callable[[Caller, str], httpx.Response]


def without_token(who: Caller, url: str) -> httpx.Response:
    return who.client.post(url, data=FIELDS)


def wrong_token(who: Caller, url: str) -> httpx.Response:
    return who.client.post(url, data={**FIELDS, "csrf_token": "x" * len(who.csrf)})


def wrong_header(who: Caller, url: str) -> httpx.Response:
    return who.client.post(url, data=FIELDS, headers={HEADER: "x" * len(who.csrf)})


def blank_token(who: Caller, url: str) -> httpx.Response:
    return who.client.post(url, data={**FIELDS, "csrf_token": ""}, headers={HEADER: ""})


def test_every_unsafe_route_is_a_console_form_a_webhook_or_the_api(console: ConsoleApp) -> None:
    """Nothing else may take a cookie-authenticated POST without coming under this test."""
    others = [
        e
        for e in unsafe_endpoints(console.app)
        if not e.path.startswith(("/console/", "/webhooks/", "/api/"))
    ]
    assert others == []
    assert len(console_posts(console)) >= 10  # the walk found the console's forms


@pytest.mark.parametrize(
    "attempt",
    [without_token, wrong_token, wrong_header, blank_token],
    ids=["no token", "wrong token", "wrong header", "blank token"],
)
def test_a_console_form_without_the_session_token_is_403_and_changes_nothing(
    console: ConsoleApp, caller: CallerFactory, casework: Casework, attempt: Attempt
) -> None:
    admin = caller("admin")
    before = state(console)

    refused = {
        e.path: attempt(admin, url_of(e, casework)).status_code for e in console_posts(console)
    }

    assert set(refused.values()) == {403}, refused
    assert state(console) == before
    assert admin.send("GET", "/console/queue").status_code == 200  # the logout was refused


def test_another_sessions_token_is_refused_and_each_form_goes_through_with_its_own(
    console: ConsoleApp, caller: CallerFactory, casework: Casework
) -> None:
    admin, other = caller("admin"), caller("admin")
    assert admin.csrf != other.csrf
    before = state(console)

    refused = {
        e.path: admin.client.post(url_of(e, casework), data={**FIELDS, "csrf_token": other.csrf})
        for e in console_posts(console)
    }
    in_header = {
        e.path: admin.client.post(url_of(e, casework), data=FIELDS, headers={HEADER: other.csrf})
        for e in console_posts(console)
    }

    assert {path: r.status_code for path, r in refused.items()} == dict.fromkeys(refused, 403)
    assert {path: r.status_code for path, r in in_header.items()} == dict.fromkeys(refused, 403)
    assert state(console) == before
    accepted = {e.path: admin.send("POST", url_of(e, casework), form=FIELDS).status_code
                for e in console_posts(console)}  # fmt: skip
    assert 403 not in accepted.values(), accepted
    assert accepted["/console/logout"] == 303
    assert state(console) != before


def test_the_sign_in_form_with_another_browsers_token_is_refused(
    console: ConsoleApp, add_user: AddUser
) -> None:
    user = add_user("admin")
    mine, theirs = console.client(), console.client()
    csrf_of(mine.get(LOGIN).text)
    their_token = csrf_of(theirs.get(LOGIN).text)
    before = row_counts(console)

    refused = mine.post(
        LOGIN, data={"csrf_token": their_token, "email": user.email, "password": PASSWORD}
    )

    assert refused.status_code == 403
    assert "arbot_session" not in mine.cookies
    assert row_counts(console) == before
    own = csrf_of(mine.get(LOGIN).text)
    signed = mine.post(LOGIN, data={"csrf_token": own, "email": user.email, "password": PASSWORD})
    assert signed.status_code == 303
