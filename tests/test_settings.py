"""Settings from ARBOT_* variables and .env (SPEC §9)."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from bot.clock import FixedClock, SystemClock
from bot.errors import ConfigError
from bot.settings import load_settings


def test_defaults_are_the_spec_defaults() -> None:
    settings = load_settings({}, dotenv=None)
    assert settings.database_url == "sqlite:///var/arbot.db"
    assert (settings.web_host, settings.web_port) == ("127.0.0.1", 8000)
    assert settings.public_url == "http://127.0.0.1:8000"
    assert settings.rasa_urls == ("http://127.0.0.1:5005",)
    assert (settings.sms_provider, settings.telegram_provider) == ("outbox", "outbox")
    assert settings.default_timezone is None
    assert settings.company_name == "Acme Supply Co."
    assert isinstance(settings.clock(), SystemClock)


def test_arbot_now_fixes_the_clock_in_utc() -> None:
    settings = load_settings({"ARBOT_NOW": "2026-11-22T09:00:00-05:00"}, dotenv=None)
    clock = settings.clock()
    assert isinstance(clock, FixedClock)
    assert clock.now() == datetime(2026, 11, 22, 14, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ARBOT_NOW", "2026-11-22T09:00:00"),
        ("ARBOT_NOW", "soon"),
        ("ARBOT_WEB_PORT", "eighty"),
        ("ARBOT_DEFAULT_TIMEZONE", "Mars/Base"),
        ("ARBOT_SMS_PROVIDER", "pigeon"),
        ("ARBOT_POLICY_PROMISE_MAX_DAYS", "two weeks"),
        ("ARBOT_POLICY_VERIFICATION_ACCOUNT_MAX_FAILURES", "ten"),
        ("ARBOT_POLICY_VERIFICATION_ACCOUNT_MAX_FAILURES", "0"),
        ("ARBOT_WEBCHAT_RATE_LIMIT", "lots"),
        ("ARBOT_WEBCHAT_RATE_LIMIT", "-5"),
        ("ARBOT_WEBCHAT_TOKEN", "short"),
        ("ARBOT_WEBCHAT_TOKEN", "has a space in the middle!"),
    ],
)
def test_malformed_setting_is_named_in_the_error(variable: str, value: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        load_settings({variable: value}, dotenv=None)


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("ARBOT_POLICY_VERIFICATION_ACCOUNT_MAX_FAILURES", "0", "'0'"),
        ("ARBOT_WEBCHAT_RATE_LIMIT", "lots", "'lots'"),
        ("ARBOT_WEBCHAT_RATE_LIMIT", "-5", "-5"),
    ],
)
def test_the_error_names_the_bad_value(variable: str, value: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        load_settings({variable: value}, dotenv=None)


def test_web_chat_guards_default_to_a_limit_and_no_token() -> None:
    settings = load_settings({}, dotenv=None)
    assert settings.webchat_rate_limit == 60
    assert settings.webchat_token == ""
    assert settings.policy.verification_account_max_failures == 10


def test_web_chat_guards_are_set_from_the_environment() -> None:
    token = "tok-" + "x" * 28
    settings = load_settings(
        {
            "ARBOT_WEBCHAT_RATE_LIMIT": "0",
            "ARBOT_WEBCHAT_TOKEN": token,
            "ARBOT_POLICY_VERIFICATION_ACCOUNT_MAX_FAILURES": "25",
        },
        dotenv=None,
    )
    assert (settings.webchat_rate_limit, settings.webchat_token) == (0, token)
    assert settings.policy.verification_account_max_failures == 25
    assert token not in repr(settings)


def test_policy_numbers_are_overridden_one_by_one() -> None:
    settings = load_settings(
        {"ARBOT_POLICY_PROMISE_MAX_DAYS": "10", "ARBOT_POLICY_PROMISE_MIN_SHARE": "0.3"},
        dotenv=None,
    )
    assert settings.policy.promise_max_days == 10
    assert settings.policy.promise_min_share == Decimal("0.3")
    assert settings.policy.plan_max_installments == 6


def test_environment_wins_over_dotenv(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("# local\nARBOT_COMPANY_NAME='Dotenv Co'\nexport ARBOT_WEB_PORT=9000\n")
    settings = load_settings({"ARBOT_COMPANY_NAME": "Env Co"}, dotenv=dotenv)
    assert settings.company_name == "Env Co"
    assert settings.web_port == 9000


def test_secrets_are_not_in_the_settings_repr() -> None:
    settings = load_settings({"ARBOT_TWILIO_AUTH_TOKEN": "s3cr3t-token"}, dotenv=None)
    assert "s3cr3t-token" not in repr(settings)


def test_webhook_urls_are_a_comma_separated_list_with_a_secret() -> None:
    settings = load_settings(
        {"ARBOT_WEBHOOK_URL": "https://a.example.com/h, http://b.example.com/h",
         "ARBOT_WEBHOOK_SECRET": "s3cret-of-the-test"},
        dotenv=None,
    )  # fmt: skip

    assert settings.webhook_urls == ("https://a.example.com/h", "http://b.example.com/h")
    assert settings.webhook_secret == "s3cret-of-the-test"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"ARBOT_WEBHOOK_URL": "ftp://a.example.com"}, "ARBOT_WEBHOOK_URL"),
        ({"ARBOT_WEBHOOK_URL": "https://a.example.com/h"}, "ARBOT_WEBHOOK_SECRET"),
    ],
)
def test_a_bad_webhook_setting_is_refused_naming_it(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        load_settings(env, dotenv=None)
