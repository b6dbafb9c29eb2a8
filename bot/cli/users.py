"""``arbot user add|password|token``: console users."""

from __future__ import annotations

import sys

import click

from bot.cli.context import wired
from bot.services import api_tokens
from bot.services.users import ALL_ROLES, add_user, set_password


@click.group()
def user() -> None:
    """Console users."""


@user.command("add")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ALL_ROLES), help="What the user may do.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from stdin instead of generating one."
)
def add(email: str, role: str, password_stdin: bool) -> None:
    """Create a console user; prints a generated password once."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    app = wired()
    with app.sessions() as session:
        created = add_user(session, email, role, app.clock.now(), password)
    click.echo(f"user {created.email} ({created.role}) created")
    if created.password_generated:
        click.echo(f"password: {created.password}  (shown once; store it now)")


@user.command("password")
@click.argument("email")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from stdin instead of generating one."
)
def password(email: str, password_stdin: bool) -> None:
    """Give a console user a new password (lifts a lock-out, ends their sessions)."""
    given = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    app = wired()
    with app.sessions() as session:
        changed = set_password(session, email, app.clock.now(), given)
    click.echo(f"user {changed.email}: password changed; their console sessions have ended")
    if changed.password_generated:
        click.echo(f"password: {changed.password}  (shown once; store it now)")


@user.command("token")
@click.argument("email")
def token(email: str) -> None:
    """Issue a JSON API token for a user; printed once (only its hash is stored)."""
    app = wired()
    with app.sessions() as session:
        issued = api_tokens.issue(session, email, app.clock.now())
    click.echo(f"token: {issued}  (shown once; send it as 'Authorization: Bearer <token>')")
