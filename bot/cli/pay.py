"""``arbot pay link ACCOUNT`` and ``arbot payments ACCOUNT`` (SPEC §11)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import click

from bot.cli.accounts import payment_line
from bot.cli.context import wired
from bot.cli.output import emit_json
from bot.errors import InputError
from bot.payments.links import LinkSettings, create_link
from bot.policy.money import format_money
from bot.services.payments_list import account_payments


@click.group()
def pay() -> None:
    """Payment links (ARBOT_PAYMENT_PROVIDER=stripe)."""


@pay.command("link")
@click.argument("account_number")
@click.option(
    "--purpose",
    type=click.Choice(["balance", "promise", "installment", "invoice"]),
    default="balance",
    show_default=True,
    help="What the link pays.",
)
@click.option("--amount", help="The amount asked (default: what the purpose still needs).")
@click.option("--target", help="The invoice number, promise id or installment id paid.")
@click.option("--json", "as_json", is_flag=True, help="Print the link as JSON.")
def link(
    account_number: str, purpose: str, amount: str | None, target: str | None, as_json: bool
) -> None:
    """Prints a /pay link for an account (a link is a credential: send it to the customer only)."""
    app = wired()
    settings = app.settings
    if settings.payment_provider != "stripe":
        raise InputError("ARBOT_PAYMENT_PROVIDER: pay links need provider stripe")
    links = LinkSettings(settings.public_url, settings.payment_link_days, settings.default_timezone)
    with app.sessions() as session:
        made = create_link(
            session,
            account_number,
            purpose,
            now=app.clock.now(),
            settings=links,
            amount=_amount(amount),
            target=target,
        )
    if as_json:
        emit_json(
            {
                "url": made.url,
                "purpose": made.purpose,
                "target": made.target,
                "amount": format_money(made.amount),
                "currency": made.currency,
                "expires_at": made.expires_at.isoformat(),
            }
        )
    else:
        click.echo(made.url)


def _amount(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise InputError(f"--amount: {text!r} is not an amount") from None


@click.command()
@click.argument("account_number")
@click.option("--json", "as_json", is_flag=True, help="Print the payments as JSON.")
def payments(account_number: str, as_json: bool) -> None:
    """An account's payments and reversals, newest first."""
    app = wired()
    with app.sessions() as session:
        found = account_payments(session, account_number)
    if as_json:
        emit_json(found)
    else:
        for line in [payment_line(p) for p in found] or ["  none"]:
            click.echo(line.strip())
