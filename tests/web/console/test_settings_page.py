"""``/console/settings``: the effective settings and policy, secrets never shown."""

from __future__ import annotations

import pytest

from bot.settings import load_settings
from bot.web.console.settings import deployment_rows, shown
from tests.web.console.conftest import LoginAs

SECRET_ENV = {
    "ARBOT_TWILIO_ACCOUNT_SID": "AC0123456789abcdef0123456789abcdef",
    "ARBOT_TWILIO_AUTH_TOKEN": "twilio-auth-token-value",
    "ARBOT_TELEGRAM_TOKEN": "123456:telegram-bot-token-value",
    "ARBOT_TELEGRAM_SECRET": "telegram-webhook-secret-value",
    "ARBOT_RASA_URL": "http://rasa-user:rasa-password@rasa.internal:5005",
    "ARBOT_POLICY_PROMISE_MAX_DAYS": "10",
    "ARBOT_COMPANY_NAME": "Northwind <Traders>",
}


@pytest.fixture
def console_env() -> dict[str, str]:
    return SECRET_ENV


def test_the_page_shows_settings_and_policy_with_what_was_changed(login_as: LoginAs) -> None:
    client, _csrf = login_as("admin")
    page = client.get("/console/settings")
    assert page.status_code == 200
    assert "ARBOT_COMPANY_NAME" in page.text
    assert "Northwind &lt;Traders&gt;" in page.text
    assert "<code>ARBOT_POLICY_PROMISE_MAX_DAYS</code></td>\n        <td>10</td>" in page.text
    assert "ARBOT_POLICY_CONTACT_WINDOW_START" in page.text


def test_the_page_never_shows_a_secret(login_as: LoginAs) -> None:
    client, _csrf = login_as("admin")
    page = client.get("/console/settings").text
    for secret in (
        "twilio-auth-token-value",
        "telegram-bot-token-value",
        "telegram-webhook-secret-value",
        "rasa-password",
        "0123456789abcdef0123456789ab",
    ):
        assert secret not in page
    assert "***@rasa.internal:5005" in page


def test_a_database_password_is_masked() -> None:
    settings = load_settings(
        {"ARBOT_DATABASE_URL": "postgresql+psycopg://arbot:s3cret@db.internal:5432/arbot"},
        dotenv=None,
    )
    rows = {row.variable: row.value for row in deployment_rows(settings)}
    assert rows["ARBOT_DATABASE_URL"] == "postgresql+psycopg://arbot:***@db.internal:5432/arbot"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("telegram_token", "", "(not set)"),
        ("telegram_token", "x", "*** (set)"),
        ("some_new_api_key", "k", "*** (set)"),
        ("public_url", "https://u:p@example.com/x", "https://***@example.com/x"),
        ("public_url", "https://example.com", "https://example.com"),
        ("web_port", 8000, "8000"),
    ],
)
def test_values_are_shown_with_credentials_masked(name: str, value: object, expected: str) -> None:
    assert shown(name, value) == expected
