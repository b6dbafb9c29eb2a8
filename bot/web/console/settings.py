"""``/console/settings`` (admin): the deployment's effective settings and policy, read-only.

Settings come from ``ARBOT_*`` variables (SPEC §9); this page shows what the running web
app was given, next to each variable's name, and whether it differs from the default.
Secrets never reach the page: tokens and the webhook secret show only whether they are
set, a database URL's password and any URL's credentials are replaced by ``***``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.policy.rules import Policy
from bot.services.console_auth import ConsoleUser
from bot.settings import Settings
from bot.web.console.auth import role
from bot.web.console.context import ConsoleContext

PATH = "/console/settings"
MASK = "***"
#: settings that are credentials: the page says only whether they are set
SECRETS = frozenset({"twilio_auth_token", "telegram_token", "telegram_secret"})
#: words in a setting's name that make it a credential too (settings added later)
_SECRET_WORDS = ("token", "secret", "password", "key")
#: settings whose variable is not ``ARBOT_`` + the name in capitals
_VARIABLES = {"rasa_urls": "ARBOT_RASA_URL"}


@dataclass(frozen=True)
class SettingRow:
    """One line of the page: the variable, its shown value, and whether it was changed."""

    variable: str
    value: str
    changed: bool


def deployment_rows(settings: Settings) -> list[SettingRow]:
    """Every setting but the policy, secrets masked."""
    defaults = Settings()
    rows = []
    for item in dataclasses.fields(Settings):
        if item.name == "policy":
            continue
        value, default = getattr(settings, item.name), getattr(defaults, item.name)
        variable = _VARIABLES.get(item.name, f"ARBOT_{item.name.upper()}")
        rows.append(SettingRow(variable, shown(item.name, value), value != default))
    return rows


def policy_rows(policy: Policy) -> list[SettingRow]:
    """Every policy number (``ARBOT_POLICY_*``)."""
    defaults = Policy()
    return [
        SettingRow(
            f"ARBOT_POLICY_{item.name.upper()}",
            _text(getattr(policy, item.name)),
            getattr(policy, item.name) != getattr(defaults, item.name),
        )
        for item in dataclasses.fields(Policy)
    ]


def shown(name: str, value: object) -> str:
    """A setting's value as the page may show it: credentials masked."""
    if name in SECRETS or any(word in name for word in _SECRET_WORDS):
        return f"{MASK} (set)" if value else "(not set)"
    if name == "twilio_account_sid" and isinstance(value, str) and value:
        return f"{MASK}{value[-4:]}"
    if name == "database_url" and isinstance(value, str):
        return _database_url(value)
    if isinstance(value, str) and "://" in value:
        return _url(value)
    if isinstance(value, tuple):
        return ", ".join(shown(name, part) for part in value)
    return _text(value)


def routes(ctx: ConsoleContext) -> list[BaseRoute]:
    """The settings page."""

    @role(ctx, "admin")
    async def show(request: Request, _user: ConsoleUser) -> Response:
        context = {
            "deployment": deployment_rows(ctx.settings),
            "policy": policy_rows(ctx.settings.policy),
        }
        return ctx.templates.render(request, "settings.html", context)

    return [Route(PATH, show, methods=["GET"])]


def _database_url(value: str) -> str:
    try:
        return make_url(value).render_as_string(hide_password=True)
    except ArgumentError:
        return _url(value)


def _url(value: str) -> str:
    """``value`` without the credentials a URL may carry (``user:password@``)."""
    parts = urlsplit(value)
    if "@" not in parts.netloc:
        return value
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{MASK}@{host}"))


def _text(value: object) -> str:
    if value is None or value == "":
        return "(not set)"
    if isinstance(value, ZoneInfo):
        return value.key
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, Iterable) and not isinstance(value, str):
        return ", ".join(_text(part) for part in value)
    return str(value)
