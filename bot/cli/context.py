"""What every command shares: the container, "today", and the database check."""

from __future__ import annotations

from datetime import date, timezone

import click
from sqlalchemy.exc import OperationalError

from bot.clock import parse_day
from bot.container import Container, container
from bot.db.migrate import is_current
from bot.errors import ConfigError, InputError


def wired(*, check_schema: bool = True) -> Container:
    """The process container; with ``check_schema``, also that the database is migrated.

    Raises:
        ConfigError: when the settings are malformed or the database is not reachable or
            not migrated (with the command that fixes it).
    """
    app = container()
    if check_schema:
        try:
            current = is_current(app.engine)
        except OperationalError as exc:
            raise ConfigError(
                f"ARBOT_DATABASE_URL: cannot open the database ({exc.orig})"
            ) from None
        if not current:
            raise ConfigError("the database is not migrated: run `arbot db upgrade` first")
    return app


def today(app: Container) -> date:
    """The business date: now in ARBOT_DEFAULT_TIMEZONE, or UTC when that is blank."""
    zone = app.settings.default_timezone or timezone.utc
    return app.clock.now().astimezone(zone).date()


def day_option(value: str | None, option: str, default: date) -> date:
    """An ISO date given on the command line, or ``default``; bad input names the option."""
    if value is None:
        return default
    try:
        return parse_day(value, field=option)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def echo_err(message: str) -> None:
    click.echo(message, err=True)
