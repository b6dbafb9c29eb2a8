"""``arbot db``: schema migrations."""

from __future__ import annotations

import click

from bot.cli.context import wired
from bot.db.migrate import upgrade


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def upgrade_command() -> None:
    """Apply the migrations (creates the SQLite file if needed)."""
    app = wired(check_schema=False)
    upgrade(app.engine)
    click.echo(f"database at {app.engine.url.render_as_string()} is up to date")
