"""``action_pay_now``: where to pay.

With ``ARBOT_PAYMENT_PROVIDER=link`` (the default) it is the ``ARBOT_PAYMENT_LINK``
template, as before. With ``stripe`` each answer makes fresh ``/pay/{token}`` links
(:func:`bot.payments.links.links_for_chat`): the pending promise's and the installment
due within a week's, then the balance's — or only the balance's. The links are listed one
per line rather than offered as buttons: an SMS customer answers a button with its
number, which cannot open a web page.
"""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import replies, runtime
from actions.forms import leave_for_request
from actions.gate import verified_account, verify_first
from actions.language import language_of
from actions.ports import PayLinkView
from actions.slots import Event
from bot.errors import ArbotError
from bot.payments.links import LinkSettings, links_for_chat, promise_link
from bot.policy.catalog import say

log = logging.getLogger(__name__)

CALL_US = say("bot_call_us", "en")
NOTHING_TO_PAY = say("bot_nothing_to_pay", "en")


def payment_link(template: str, account_number: str) -> str | None:
    """The link for an account; None when none is configured or the template is broken."""
    if not template.strip():
        return None
    try:
        return template.strip().format(account_number=account_number)
    except (KeyError, IndexError, ValueError):
        log.warning("ARBOT_PAYMENT_LINK %r is not a valid link template", template)
        return None


def link_settings(rt: runtime.Runtime) -> LinkSettings:
    """How this process makes pay links."""
    settings = rt.settings
    return LinkSettings(settings.public_url, settings.payment_link_days, settings.default_timezone)


def stripe_enabled() -> bool:
    """Whether pay links are Stripe Checkout links (``ARBOT_PAYMENT_PROVIDER=stripe``)."""
    return runtime.current().settings.payment_provider == "stripe"


async def pay_links(account: str) -> list[PayLinkView] | None:
    """Fresh links for ``pay_now``; None when they could not be made."""
    rt = runtime.current()
    try:
        found = await runtime.call(
            links_for_chat, account, now=rt.now(), settings=link_settings(rt)
        )
    except ArbotError:
        log.warning("pay links for %s could not be made", account, exc_info=True)
        return None
    return list(found)


async def link_after_promise(account: str) -> PayLinkView | None:
    """The link for the promise just recorded, when Stripe links are on."""
    if not stripe_enabled():
        return None
    rt = runtime.current()
    try:
        return await runtime.call(promise_link, account, now=rt.now(), settings=link_settings(rt))
    except ArbotError:
        log.warning("the promise link for %s could not be made", account, exc_info=True)
        return None


class ActionPayNow(Action):  # type: ignore[misc]
    def name(self) -> str:
        return "action_pay_now"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        account = verified_account(tracker)
        if account is None:
            return verify_first("pay_now")
        left = leave_for_request(tracker, dispatcher)
        if stripe_enabled():
            links = await pay_links(account)
            lang = language_of(tracker)
            if links is None:
                dispatcher.utter_message(text=say("bot_call_us", lang))
            else:
                said = replies.pay_links(links, lang) if links else say("bot_nothing_to_pay", lang)
                dispatcher.utter_message(text=said)
            return left
        link = payment_link(runtime.current().settings.payment_link, account)
        lang = language_of(tracker)
        said = say("bot_pay_here", lang, url=link) if link else say("bot_call_us", lang)
        dispatcher.utter_message(text=said)
        return left
