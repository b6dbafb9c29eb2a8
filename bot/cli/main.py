"""Entry point of ``arbot``: command groups and the one place errors become exit codes.

Exit status: 0 success; 1 bad input or state, with one line naming the field or row;
2 usage errors (click's own). No traceback reaches the user for bad input.
"""

from __future__ import annotations

from typing import Any

import click

from bot.cli import (
    accounts,
    chat,
    credit,
    database,
    demo,
    dispatch,
    imports,
    insight,
    outbox,
    pay,
    reports,
    run,
    telegram,
    users,
    webhooks,
)
from bot.cli.reminders import reminders
from bot.cli.scheduler import scheduler
from bot.errors import ArbotError, ImportRejected


class ArbotGroup(click.Group):
    """A click group that turns arbot's own errors into exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ImportRejected as exc:
            if len(exc.errors) == 1:
                raise click.ClickException(f"{exc.errors[0]} (nothing was imported)") from None
            for line in exc.errors:
                click.echo(line, err=True)
            raise click.ClickException(
                "nothing was imported (fix the rows above, or pass --skip-invalid "
                "to import the valid rows)"
            ) from None
        except ArbotError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=ArbotGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """arbot: conversational collections assistant."""


cli.add_command(database.db)
cli.add_command(imports.import_)
cli.add_command(demo.demo)
cli.add_command(accounts.show)
cli.add_command(pay.pay)
cli.add_command(pay.payments)
cli.add_command(reports.report)
cli.add_command(credit.holds_command)
cli.add_command(credit.charges)
cli.add_command(credit.writeoff)
reports.report.add_command(credit.credit_report_command)
for command in (insight.rolls, insight.contact, insight.forecast):
    reports.report.add_command(command)
cli.add_command(users.user)
cli.add_command(run.run)
cli.add_command(chat.chat)
cli.add_command(outbox.outbox)
cli.add_command(dispatch.dispatch)
cli.add_command(webhooks.webhooks)
cli.add_command(telegram.telegram)
cli.add_command(reminders)
cli.add_command(scheduler)


def main() -> None:
    cli(prog_name="arbot")
