"""``arbot demo``: the demo portfolio."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.context import today, wired
from bot.demo.loader import load_demo, write_csv_files


@click.command()
@click.option("--if-empty", is_flag=True, help="Do nothing when the database holds accounts.")
@click.option(
    "--csv-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Only write the portfolio's customers/invoices/payments CSV files into this folder.",
)
def demo(if_empty: bool, csv_dir: Path | None) -> None:
    """Load about thirty demo accounts in every collections state (dated from today)."""
    app = wired(check_schema=csv_dir is None)
    if csv_dir is not None:
        for path in write_csv_files(csv_dir, today(app)).values():
            click.echo(f"wrote {path}")
        return
    with app.sessions() as session:
        loaded = load_demo(
            session, app.clock.now(), today(app), app.settings.policy, only_if_empty=if_empty
        )
    if not loaded:
        click.echo("the database already holds accounts; demo not loaded")
        return
    click.echo(f"loaded the demo portfolio: {loaded} accounts (try `arbot show A-1012`)")
