"""The ``ARBOT_PAYMENT_*`` and ``ARBOT_STRIPE_*`` settings (SPEC §11)."""

from __future__ import annotations

import pytest

from bot.errors import ConfigError
from bot.settings import load_settings

STRIPE = {
    "ARBOT_PAYMENT_PROVIDER": "stripe",
    "ARBOT_STRIPE_SECRET_KEY": "sk_test_made_up_for_tests",
    "ARBOT_STRIPE_WEBHOOK_SECRET": "whsec_made_up_for_tests",
}


def test_the_defaults_keep_the_link_template() -> None:
    settings = load_settings({}, dotenv=None)
    assert settings.payment_provider == "link"
    assert settings.payment_methods == ("card", "us_bank_account")
    assert settings.payment_link_days == 14
    assert settings.stripe_api_url == "https://api.stripe.com"


def test_stripe_settings_are_read() -> None:
    settings = load_settings(
        STRIPE | {"ARBOT_PAYMENT_METHODS": "card", "ARBOT_PAYMENT_LINK_DAYS": "7"}, dotenv=None
    )
    assert settings.payment_provider == "stripe"
    assert settings.payment_methods == ("card",)
    assert settings.payment_link_days == 7
    assert "sk_test" not in repr(settings)


@pytest.mark.parametrize(
    ("changed", "named"),
    [
        ({"ARBOT_STRIPE_SECRET_KEY": ""}, "ARBOT_STRIPE_SECRET_KEY"),
        ({"ARBOT_STRIPE_SECRET_KEY": "pk_test_publishable"}, "ARBOT_STRIPE_SECRET_KEY"),
        ({"ARBOT_STRIPE_WEBHOOK_SECRET": ""}, "ARBOT_STRIPE_WEBHOOK_SECRET"),
        ({"ARBOT_PAYMENT_PROVIDER": "paypal"}, "ARBOT_PAYMENT_PROVIDER"),
        ({"ARBOT_PAYMENT_METHODS": "card,cheque"}, "ARBOT_PAYMENT_METHODS"),
        ({"ARBOT_PAYMENT_LINK_DAYS": "0"}, "ARBOT_PAYMENT_LINK_DAYS"),
        ({"ARBOT_STRIPE_API_URL": "ftp://stripe"}, "ARBOT_STRIPE_API_URL"),
    ],
)
def test_a_bad_payment_setting_is_refused_by_name(changed: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        load_settings(STRIPE | changed, dotenv=None)
