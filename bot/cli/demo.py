"""``arbot demo``: the demo portfolio."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.context import today, wired
from bot.demo.loader import load_demo, write_csv_files
from bot.demo.users import DemoLogin, ensure_demo_users


@click.command()
@click.option("--if-empty", is_flag=True, help="Do nothing when the database holds accounts.")
@click.option(
    "--csv-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Only write the portfolio's customers/invoices/payments CSV files into this folder.",
)
def demo(if_empty: bool, csv_dir: Path | None) -> None:
    """Load about thirty demo accounts in every collections state (dated from today).

    In a database holding the demo portfolio, also create the console users
    manager@example.com and collector@example.com (when missing) and print their passwords.
    """
    app = wired(check_schema=csv_dir is None)
    if csv_dir is not None:
        for path in write_csv_files(csv_dir, today(app)).values():
            click.echo(f"wrote {path}")
        return
    with app.sessions() as session:
        loaded = load_demo(
            session, app.clock.now(), today(app), app.settings.policy, only_if_empty=if_empty
        )
    if loaded:
        click.echo(f"loaded the demo portfolio: {loaded} accounts (try `arbot show A-1012`)")
    else:
        click.echo("the database already holds accounts; demo not loaded")
    with app.sessions() as session:
        logins = ensure_demo_users(session, app.clock.now())
    _print_logins(logins, f"http://{app.settings.web_host}:{app.settings.web_port}/console")


def _print_logins(logins: list[DemoLogin], console_url: str) -> None:
    """The demo's console logins; a password only for a user created just now."""
    if not logins:
        return
    click.echo(f"console logins ({console_url}):")
    width = max(len(login.email) for login in logins)
    for login in logins:
        who = f"  {login.email:<{width}}  {login.role:<9}"
        if login.password is not None:
            click.echo(f"{who}  password: {login.password}  (shown once; store it now)")
        else:
            click.echo(f"{who}  exists; `arbot user password {login.email}` sets a new password")
