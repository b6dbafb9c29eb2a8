"""``arbot telegram poll`` and ``arbot telegram link ACCOUNT`` (SPEC §7).

``poll`` is the webhook for a development machine that Telegram cannot reach: it asks
for updates with ``getUpdates`` (long polling) and hands each one to
:func:`bot.web.telegram.handle_update`, the webhook's own function, so a polled update
is recorded, answered and deduplicated exactly as a posted one. Telegram refuses polling
while a webhook is set (the error says so; ``deleteWebhook`` lifts it). ``link`` issues a
single-use code for a customer and prints the ``t.me`` deep link that redeems it.

python-telegram-bot is imported when a command runs, not by every other command.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import click

from bot.cli.context import wired
from bot.container import Container
from bot.errors import DeliveryFailed, InputError
from bot.services.chat import ChatDesk
from bot.services.delivery import Postman
from bot.services.telegram_links import issue_code

if TYPE_CHECKING:
    from integrations.telegram_bot import TelegramSender

#: seconds between attempts while Telegram cannot be reached
RETRY_SECONDS = 5.0


@click.group()
def telegram() -> None:
    """Telegram: poll for updates (development) and link chats to accounts."""


@telegram.command()
@click.argument("account_number")
@click.option(
    "--hours",
    type=click.IntRange(min=1),
    default=24,
    show_default=True,
    help="How long the code can be used.",
)
def link(account_number: str, hours: int) -> None:
    """Issue a single-use code that links a customer's Telegram chat to ACCOUNT_NUMBER."""
    app = wired()
    with app.sessions() as session:
        issued = issue_code(session, account_number, app.clock.now(), timedelta(hours=hours))
    until = f"{issued.expires_at:%Y-%m-%d %H:%M} UTC"
    click.echo(f"code {issued.code} for {issued.account_number}, usable once until {until}")
    username = app.settings.telegram_bot_username
    if username:
        click.echo(f"link {issued.deep_link(username)}")
    else:
        click.echo(
            f"the customer sends the bot: /start {issued.code}"
            "  (set ARBOT_TELEGRAM_BOT_USERNAME to print a t.me link)"
        )


@telegram.command()
@click.option("--once", is_flag=True, help="Handle the updates waiting now, then stop.")
@click.option(
    "--timeout",
    type=click.IntRange(0, 50),
    default=30,
    show_default=True,
    help="Seconds each getUpdates request waits for an update.",
)
def poll(once: bool, timeout: int) -> None:
    """Fetch updates with getUpdates and handle each as the webhook does; Ctrl-C stops."""
    app = wired()
    if not once:
        click.echo("polling Telegram for updates (Ctrl-C stops)")
    try:
        asyncio.run(_poll(app, once=once, timeout=timeout))
    except KeyboardInterrupt:
        click.echo("stopped")


async def _poll(app: Container, *, once: bool, timeout: int) -> None:
    from integrations.rasa import RasaRestEngine
    from integrations.telegram_bot import TelegramSender

    sender = TelegramSender.from_settings(app.settings)
    dialogue = RasaRestEngine(app.settings.rasa_urls)
    desk = ChatDesk(
        app.sessions,
        app.clock,
        dialogue,
        app.settings.company_name,
        postman=Postman(app.sessions, app.clock, {"telegram": sender}),
        support_contact=app.settings.support_contact,
        policy=app.settings.policy,
    )
    try:
        await poll_updates(desk, sender, once=once, timeout=timeout, echo=click.echo)
    finally:
        await sender.aclose()
        await dialogue.aclose()


async def poll_updates(
    desk: ChatDesk,
    sender: TelegramSender,
    *,
    once: bool,
    timeout: int,
    echo: Callable[[str], Any],
    offset: int | None = None,
) -> int | None:
    """Handles updates until stopped (or, with ``once``, those waiting now).

    Each update is confirmed by the next request (its ``offset``); with ``once`` a last
    request confirms the handled ones, so the next run does not see them again.

    Returns:
        The offset of the next update to fetch.

    Raises:
        DeliveryFailed: Telegram refused polling (a webhook is set, another poller runs,
            a wrong token), or could not be reached with ``once``.
    """
    from bot.web.telegram import handle_update

    while True:
        try:
            updates = await sender.get_updates(offset, 0 if once else timeout)
        except DeliveryFailed as exc:
            if once or not exc.retryable:
                raise
            echo(f"getUpdates failed, trying again in {RETRY_SECONDS:g} s: {exc}")
            await asyncio.sleep(RETRY_SECONDS)
            continue
        for update in updates:
            offset = max(offset or 0, int(update.get("update_id", 0)) + 1)
            try:
                echo(await handle_update(desk, update, sender))
            except InputError as exc:
                echo(f"skipped an update: {exc}")
        if once:
            if updates:
                await sender.get_updates(offset, 0)
            return offset
