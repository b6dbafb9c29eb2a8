"""``arbot chat``: talk to the bot in the terminal through the gateway, as an SMS customer.

Each line typed is posted to the gateway's web chat endpoint (the JSON of Rasa's REST
channel) with the phone number as the sender, so it goes through everything a real message
does: the transcript, a collector's takeover, the disclosure and Rasa.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from bot.cli.run import DEMO_PHONE
from bot.container import container

if TYPE_CHECKING:  # httpx is imported when chatting, not by every other command
    import httpx

#: seconds; Rasa and the action server may take a while on the first message after a start
TIMEOUT_SECONDS = 60.0


@click.command()
@click.option(
    "--as",
    "phone",
    default=DEMO_PHONE,
    show_default=True,
    help="The sender's phone number (E.164), e.g. a demo customer's.",
)
def chat(phone: str) -> None:
    """Chat with the bot through the running web app; Ctrl-D or Ctrl-C leaves."""
    import httpx

    settings = container().settings
    url = f"http://{settings.web_host}:{settings.web_port}"
    # the web chat's bearer token, when the deployment asks for one (ARBOT_WEBCHAT_TOKEN)
    token = settings.webchat_token
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    timeout = httpx.Timeout(TIMEOUT_SECONDS, connect=3.0)
    with httpx.Client(base_url=url, timeout=timeout, headers=headers) as client:
        _check_running(client, url)
        click.echo(f"Chatting with {settings.company_name} as {phone} (Ctrl-D to leave).")
        try:
            while True:
                text = input("you> ")
                if text.strip():
                    _say(client, phone, text)
        except (EOFError, KeyboardInterrupt):
            click.echo()


def _check_running(client: httpx.Client, url: str) -> None:
    import httpx

    try:
        client.get("/health", timeout=3.0)
    except httpx.TransportError:
        raise click.ClickException(
            f"the web app is not running at {url}: start it with `make run`"
        ) from None


def _say(client: httpx.Client, phone: str, text: str) -> None:
    import httpx

    from integrations.rasa import parse_messages

    try:
        response = client.post("/webhooks/rest/webhook", json={"sender": phone, "message": text})
    except httpx.TimeoutException:
        click.echo("(no answer in time; try again)")
        return
    except httpx.TransportError:
        raise click.ClickException(
            f"lost the web app at {client.base_url}: start it with `make run`"
        ) from None
    if response.status_code != httpx.codes.OK:
        raise click.ClickException(f"the gateway refused the message: {_reason(response)}")
    try:
        messages = parse_messages(response.json())
    except (ValueError, TypeError) as exc:
        raise click.ClickException(f"the gateway answered something unexpected: {exc}") from None
    for message in messages:
        first, *rest = message.as_plain_text().splitlines() or [""]
        click.echo(f"bot> {first}")
        for line in rest:
            click.echo(f"     {line}")


def _reason(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"])
    except (ValueError, KeyError, TypeError):
        return f"HTTP {response.status_code}"
