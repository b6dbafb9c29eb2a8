"""Signing in to the console: login, logout, the session cookie, idle expiry, CSRF,
lock-out and its audit trail, the role guard and the ``next=`` redirect."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.db.models import AuditEvent, ConsoleSession
from bot.services.console_auth import ConsoleUser
from bot.web import console as console_package
from bot.web.console.auth import LOGIN_REFUSED, require, role
from bot.web.console.context import ConsoleContext
from bot.web.console.templates import default_templates
from tests.web.console.conftest import (
    PASSWORD,
    AddUser,
    ConsoleApp,
    LoginAs,
    TestClient,
    csrf_of,
)


def post_login(
    client: TestClient, email: str, password: str = PASSWORD, next_path: str | None = None
) -> httpx.Response:
    form = client.get("/console/login")
    data = {"csrf_token": csrf_of(form.text), "email": email, "password": password}
    if next_path is not None:
        data["next"] = next_path
    return client.post("/console/login", data=data)


def audit_actions(console: ConsoleApp, user_id: int) -> list[str]:
    with console.sessions() as session:
        return list(
            session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.entity == "user", AuditEvent.entity_id == str(user_id))
                .order_by(AuditEvent.id)
            )
        )


def set_cookie_headers(response: httpx.Response, name: str) -> list[str]:
    return [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]


# --- login and logout ---------------------------------------------------------------


def test_the_right_password_signs_in_and_goes_where_the_user_was_going(
    client: TestClient, add_user: AddUser
) -> None:
    manager = add_user("manager")
    done = post_login(client, manager.email, next_path="/console/users")
    assert done.status_code == 303
    assert done.headers["location"] == "/console/users"
    page = client.get("/console/users")
    assert page.status_code == 200
    assert manager.email in page.text


def test_email_is_matched_without_regard_to_case(client: TestClient, add_user: AddUser) -> None:
    add_user("manager", "Mia@Example.com")
    assert post_login(client, "MIA@example.COM").status_code == 303


@pytest.mark.parametrize("who", ["wrong password", "unknown e-mail", "empty password"])
def test_a_refused_login_says_the_same_generic_thing(
    client: TestClient, add_user: AddUser, who: str
) -> None:
    user = add_user("collector")
    email, password = {
        "wrong password": (user.email, "not the password"),
        "unknown e-mail": ("nobody@example.com", PASSWORD),
        "empty password": (user.email, ""),
    }[who]
    refused = post_login(client, email, password)
    assert refused.status_code == 401
    assert LOGIN_REFUSED in refused.text
    assert not set_cookie_headers(refused, "arbot_session")
    assert client.get("/console/users").status_code == 303


def test_logout_ends_the_session_for_good(console: ConsoleApp, login_as: LoginAs) -> None:
    client, csrf = login_as("manager")
    token = client.cookies["arbot_session"]
    out = client.post("/console/logout", data={"csrf_token": csrf})
    assert out.status_code == 303
    assert out.headers["location"] == "/console/login"
    assert "Max-Age=0" in set_cookie_headers(out, "arbot_session")[0]
    again = console.client()  # a copy of the cookie kept from before the logout
    again.cookies.set("arbot_session", token)
    assert again.get("/console/users").status_code == 303
    with console.sessions() as session:
        assert session.scalar(select(ConsoleSession.id)) is None


def test_logout_needs_the_csrf_token(login_as: LoginAs) -> None:
    client, _csrf = login_as("collector")
    assert client.post("/console/logout").status_code == 403
    assert client.post("/console/logout", data={"csrf_token": "x" * 43}).status_code == 403


def test_the_session_cookie_is_httponly_secure_samesite_and_site_wide(
    client: TestClient, add_user: AddUser
) -> None:
    done = post_login(client, add_user("collector").email)
    (cookie,) = set_cookie_headers(done, "arbot_session")
    flags = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in flags
    assert "secure" in flags
    assert "samesite=lax" in flags
    assert "path=/" in flags
    assert not any(flag.startswith(("max-age", "expires")) for flag in flags)  # browser session


def test_the_cookie_holds_a_token_whose_hash_alone_is_stored(
    console: ConsoleApp, login_as: LoginAs
) -> None:
    client, _csrf = login_as("collector")
    token = client.cookies["arbot_session"]
    with console.sessions() as session:
        stored = session.scalar(select(ConsoleSession.token_hash))
    assert stored is not None
    assert token not in stored
    assert len(stored) == 64


def test_login_sets_the_forms_double_submit_cookie_httponly_and_secure(
    client: TestClient,
) -> None:
    form = client.get("/console/login")
    (cookie,) = set_cookie_headers(form, "arbot_csrf")
    assert cookie.startswith(f"arbot_csrf={csrf_of(form.text)};")
    flags = [part.strip().lower() for part in cookie.split(";")]
    assert {"httponly", "secure", "samesite=lax"} <= set(flags)


def test_a_signed_in_user_opening_the_login_page_goes_on(login_as: LoginAs) -> None:
    client, _csrf = login_as("manager")
    page = client.get("/console/login?next=/console/users")
    assert page.status_code == 303
    assert page.headers["location"] == "/console/users"


def test_console_pages_are_kept_out_of_frames_and_caches(login_as: LoginAs) -> None:
    client, _csrf = login_as("manager")
    page = client.get("/console/users")
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


# --- idle expiry --------------------------------------------------------------------


def test_a_session_ends_after_eight_idle_hours(console: ConsoleApp, login_as: LoginAs) -> None:
    client, _csrf = login_as("manager")
    console.clock.advance(timedelta(hours=8, seconds=1))
    page = client.get("/console/users")
    assert page.status_code == 303
    assert page.headers["location"].startswith("/console/login?next=")


def test_using_a_session_keeps_it_alive(console: ConsoleApp, login_as: LoginAs) -> None:
    client, _csrf = login_as("manager")
    for _ in range(3):
        console.clock.advance(timedelta(hours=7))
        assert client.get("/console/users").status_code == 200


# --- CSRF ---------------------------------------------------------------------------


def add_form(csrf: str | None, email: str = "new@example.com") -> dict[str, str]:
    data = {"email": email, "role": "collector"}
    if csrf is not None:
        data["csrf_token"] = csrf
    return data


def test_a_post_without_the_csrf_token_is_refused(login_as: LoginAs) -> None:
    client, _csrf = login_as("manager")
    refused = client.post("/console/users", data=add_form(None))
    assert refused.status_code == 403
    assert "new@example.com" not in client.get("/console/users").text


def test_a_post_with_a_wrong_csrf_token_is_refused(login_as: LoginAs) -> None:
    client, csrf = login_as("manager")
    _other, other_csrf = login_as("manager")  # a real token, of another session
    for wrong in ("", "nonsense", other_csrf, csrf[:-1]):
        assert client.post("/console/users", data=add_form(wrong)).status_code == 403


def test_the_csrf_token_may_come_in_the_header(login_as: LoginAs) -> None:
    client, csrf = login_as("manager")
    done = client.post("/console/users", data=add_form(None), headers={"X-CSRF-Token": csrf})
    assert done.status_code == 201


def test_the_login_form_without_its_double_submit_cookie_is_refused(
    console: ConsoleApp, add_user: AddUser
) -> None:
    user = add_user("collector")
    client = console.client()
    token = csrf_of(client.get("/console/login").text)
    client.cookies.clear()
    refused = client.post(
        "/console/login", data={"csrf_token": token, "email": user.email, "password": PASSWORD}
    )
    assert refused.status_code == 403
    assert not set_cookie_headers(refused, "arbot_session")


def test_the_login_form_with_another_token_than_its_cookie_is_refused(
    client: TestClient, add_user: AddUser
) -> None:
    user = add_user("collector")
    client.get("/console/login")
    refused = client.post(
        "/console/login", data={"csrf_token": "f" * 43, "email": user.email, "password": PASSWORD}
    )
    assert refused.status_code == 403


# --- lock-out -----------------------------------------------------------------------


def fail(client: TestClient, email: str, times: int) -> None:
    for _ in range(times):
        assert post_login(client, email, "wrong password!").status_code == 401


def test_five_failures_in_a_row_lock_the_account_for_fifteen_minutes(
    console: ConsoleApp, client: TestClient, add_user: AddUser
) -> None:
    user = add_user("collector")
    fail(client, user.email, 5)
    locked = post_login(client, user.email)  # the right password
    assert locked.status_code == 401
    assert LOGIN_REFUSED in locked.text
    console.clock.advance(timedelta(minutes=14, seconds=59))
    assert post_login(client, user.email).status_code == 401
    console.clock.advance(timedelta(seconds=1))
    assert post_login(client, user.email).status_code == 303


def test_a_success_starts_the_count_of_failures_again(
    console: ConsoleApp, add_user: AddUser
) -> None:
    user = add_user("collector")
    for _ in range(2):
        client = console.client()
        fail(client, user.email, 4)
        assert post_login(client, user.email).status_code == 303


def test_logins_failures_and_the_lock_out_are_audited(
    console: ConsoleApp, client: TestClient, add_user: AddUser
) -> None:
    user = add_user("collector")
    fail(client, user.email, 5)
    post_login(client, user.email)
    console.clock.advance(timedelta(minutes=15))
    post_login(client, user.email)
    assert audit_actions(console, user.id) == [
        "created",
        *["login_failed"] * 5,
        "login_locked",
        "login_refused_locked",
        "login",
    ]
    with console.sessions() as session:
        locked = session.scalar(
            select(AuditEvent.detail).where(AuditEvent.action == "login_locked")
        )
    assert locked is not None
    assert json.loads(locked) == {"until": "2026-11-22T15:15:00+00:00"}


def test_an_unknown_email_is_audited_without_a_user(
    console: ConsoleApp, client: TestClient
) -> None:
    post_login(client, "ghost@example.com", "whatever12")
    with console.sessions() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "login_unknown_user")
        ).one()
    assert event.entity_id == "ghost@example.com"
    assert event.user_id is None


def test_a_lock_out_does_not_end_a_session_already_open(
    console: ConsoleApp, login_as: LoginAs
) -> None:
    signed, _csrf = login_as("manager", "boss@example.com")
    fail(console.client(), "boss@example.com", 5)
    assert signed.get("/console/users").status_code == 200


# --- the role guard -----------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_login_with_where_they_were_going(
    client: TestClient,
) -> None:
    page = client.get("/console/users?sort=role")
    assert page.status_code == 303
    assert page.headers["location"] == "/console/login?next=" + quote(
        "/console/users?sort=role", safe=""
    )
    form = client.get(page.headers["location"])
    assert 'name="next" value="/console/users?sort=role"' in form.text


def test_an_anonymous_post_is_sent_to_login(client: TestClient) -> None:
    done = client.post("/console/users", data=add_form("x"))
    assert done.status_code == 303
    assert done.headers["location"] == "/console/login"


PAGES = {"/console/users": "manager", "/console/settings": "admin"}


@pytest.mark.parametrize("who", ["collector", "manager", "admin"])
@pytest.mark.parametrize("path", sorted(PAGES))
def test_each_page_opens_for_its_role_and_above_only(
    login_as: LoginAs, who: str, path: str
) -> None:
    client, _csrf = login_as(who)
    ranks = ["collector", "manager", "admin"]
    allowed = ranks.index(who) >= ranks.index(PAGES[path])
    page = client.get(path)
    assert page.status_code == (200 if allowed else 403)
    if not allowed:
        assert "Not allowed" in page.text


def test_the_navigation_shows_only_what_the_role_may_open(login_as: LoginAs) -> None:
    manager, _csrf = login_as("manager")
    page = manager.get("/console/users").text
    assert 'href="/console/users"' in page
    assert 'href="/console/dashboard"' in page
    assert 'href="/console/settings"' not in page


def test_the_console_front_door_leads_to_the_queue(client: TestClient) -> None:
    door = client.get("/console")
    assert door.status_code == 303
    assert door.headers["location"] == "/console/queue"


def guarded_probe(console: ConsoleApp) -> TestClient:
    """A small app with one decorated JSON route and one using ``require``."""
    ctx = ConsoleContext(
        console.sessions,
        console.clock,
        console.settings,
        None,
        default_templates(),  # type: ignore[arg-type]
    )

    @role(ctx, "manager")
    async def decorated(_request: Request, user: ConsoleUser) -> Response:
        return JSONResponse({"email": user.email})

    async def required(request: Request) -> Response:
        user = await require(request, ctx, "admin")
        return JSONResponse({"role": user.role})

    app = Starlette(
        routes=[
            Route("/console/probe.json", decorated, methods=["GET", "POST"]),
            Route("/console/probe", required),
            *console_package.auth.routes(ctx),
        ],
        exception_handlers=dict(console_package.EXCEPTION_HANDLERS),
    )
    client = TestClient(app, base_url="https://testserver", follow_redirects=False)
    console.clients.append(client)
    return client


def test_an_anonymous_json_request_gets_401_not_a_redirect(console: ConsoleApp) -> None:
    probe = guarded_probe(console)
    answer = probe.get("/console/probe.json")
    assert answer.status_code == 401
    assert "error" in answer.json()


def test_the_guard_hands_the_page_the_signed_in_user(
    console: ConsoleApp, add_user: AddUser
) -> None:
    probe = guarded_probe(console)
    post_login(probe, add_user("manager", "m@example.com").email)
    assert probe.get("/console/probe.json").json() == {"email": "m@example.com"}
    assert probe.post("/console/probe.json").status_code == 403  # no CSRF token
    assert probe.get("/console/probe").status_code == 403  # require(..., "admin")
    assert probe.get("/console/probe", headers={"accept": "application/json"}).json() == {
        "error": "Your role does not give access to this page."
    }


def test_require_raised_for_an_anonymous_page_redirects_to_login(console: ConsoleApp) -> None:
    probe = guarded_probe(console)
    answer = probe.get("/console/probe")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/login?next=%2Fconsole%2Fprobe"


# --- next= --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/console/users",
        "//evil.example/console/users",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/console/users",
        "/console/users\r\nLocation: https://evil.example",
        "/elsewhere",
        "/console/login",
        "",
    ],
)
def test_next_goes_only_to_a_console_path(
    client: TestClient, add_user: AddUser, target: str
) -> None:
    done = post_login(client, add_user("manager").email, next_path=target)
    assert done.status_code == 303
    assert done.headers["location"] == "/console/queue"


def test_next_keeps_a_console_path_and_its_query(client: TestClient, add_user: AddUser) -> None:
    target = "/console/dashboard?from=2026-11-01&to=2026-11-21"
    done = post_login(client, add_user("manager").email, next_path=target)
    assert done.headers["location"] == target
