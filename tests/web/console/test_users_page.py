"""``/console/users``: managers list users and add them, within their own role."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.db.models import AuditEvent, User
from tests.web.console.conftest import ConsoleApp, LoginAs, csrf_of

_PASSWORD_SHOWN = re.compile(r'<code class="secret">([^<]+)</code>')


def added_user(console: ConsoleApp, email: str) -> User | None:
    with console.sessions() as session:
        return session.scalar(select(User).where(User.email == email))


def test_the_page_lists_every_user_with_role(login_as: LoginAs) -> None:
    client, _csrf = login_as("manager", "mia@example.com")
    login_as("collector", "carl@example.com")
    page = client.get("/console/users").text
    assert re.search(r"carl@example.com</td>\s*<td>collector", page)
    assert re.search(r"mia@example.com</td>\s*<td>manager", page)


def test_a_manager_adds_a_collector_who_can_then_log_in_with_the_password_shown(
    console: ConsoleApp, login_as: LoginAs
) -> None:
    client, csrf = login_as("manager")
    done = client.post(
        "/console/users",
        data={"csrf_token": csrf, "email": "New.Person@example.com", "role": "collector"},
    )
    assert done.status_code == 201
    shown = _PASSWORD_SHOWN.search(done.text)
    assert shown is not None
    newcomer = console.client()
    form = newcomer.get("/console/login")
    signed = newcomer.post(
        "/console/login",
        data={
            "csrf_token": csrf_of(form.text),
            "email": "new.person@example.com",
            "password": shown.group(1),
        },
    )
    assert signed.status_code == 303


def test_the_password_is_shown_only_once(login_as: LoginAs) -> None:
    client, csrf = login_as("manager")
    done = client.post(
        "/console/users", data={"csrf_token": csrf, "email": "x@example.com", "role": "collector"}
    )
    shown = _PASSWORD_SHOWN.search(done.text)
    assert shown is not None
    assert shown.group(1) not in client.get("/console/users").text


def test_adding_a_user_is_audited_with_who_added_it(console: ConsoleApp, login_as: LoginAs) -> None:
    client, csrf = login_as("manager", "mia@example.com")
    client.post(
        "/console/users", data={"csrf_token": csrf, "email": "x@example.com", "role": "manager"}
    )
    added, manager = added_user(console, "x@example.com"), added_user(console, "mia@example.com")
    assert added is not None
    assert manager is not None
    with console.sessions() as session:
        event = session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_id == str(added.id), AuditEvent.action == "created"
            )
        ).one()
    assert event.user_id == manager.id


def test_a_manager_may_not_add_an_admin(console: ConsoleApp, login_as: LoginAs) -> None:
    client, csrf = login_as("manager")
    assert '<option value="admin">' not in client.get("/console/users").text
    refused = client.post(
        "/console/users", data={"csrf_token": csrf, "email": "boss@example.com", "role": "admin"}
    )
    assert refused.status_code == 403
    assert added_user(console, "boss@example.com") is None


def test_an_admin_may_add_an_admin(console: ConsoleApp, login_as: LoginAs) -> None:
    client, csrf = login_as("admin")
    assert '<option value="admin">' in client.get("/console/users").text
    done = client.post(
        "/console/users", data={"csrf_token": csrf, "email": "boss@example.com", "role": "admin"}
    )
    assert done.status_code == 201
    added = added_user(console, "boss@example.com")
    assert added is not None
    assert added.role == "admin"


def test_a_collector_may_not_add_users(console: ConsoleApp, login_as: LoginAs) -> None:
    client, csrf = login_as("collector")
    refused = client.post(
        "/console/users", data={"csrf_token": csrf, "email": "c2@example.com", "role": "collector"}
    )
    assert refused.status_code == 403
    assert added_user(console, "c2@example.com") is None


@pytest.mark.parametrize(
    ("email", "role", "status", "says"),
    [
        ("not-an-address", "collector", 400, "email: &#39;not-an-address&#39; is not an e-mail"),
        ("ok@example.com", "owner", 400, "role: &#39;owner&#39; is not one of"),
        ("taken@example.com", "collector", 409, "already exists"),
    ],
)
def test_a_bad_user_is_refused_with_the_reason(
    login_as: LoginAs, email: str, role: str, status: int, says: str
) -> None:
    client, csrf = login_as("manager", "taken@example.com")
    refused = client.post("/console/users", data={"csrf_token": csrf, "email": email, "role": role})
    assert refused.status_code == status
    assert says in refused.text


def test_what_a_user_typed_is_escaped_on_the_page(login_as: LoginAs) -> None:
    client, csrf = login_as("manager")
    refused = client.post(
        "/console/users",
        data={"csrf_token": csrf, "email": "<script>alert(1)</script>", "role": "collector"},
    )
    assert "<script>alert(1)</script>" not in refused.text
    assert "&lt;script&gt;" in refused.text
