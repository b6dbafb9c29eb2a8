"""``action_pay_now``: where to pay — the payment link of ``ARBOT_PAYMENT_LINK``."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.forms import leave_for_request
from actions.gate import verified_account, verify_first
from actions.slots import Event

log = logging.getLogger(__name__)

CALL_US = "To make a payment, please call us at the number on your statement. We're happy to help."


def payment_link(template: str, account_number: str) -> str | None:
    """The link for an account; None when none is configured or the template is broken."""
    if not template.strip():
        return None
    try:
        return template.strip().format(account_number=account_number)
    except (KeyError, IndexError, ValueError):
        log.warning("ARBOT_PAYMENT_LINK %r is not a valid link template", template)
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
        link = payment_link(runtime.current().settings.payment_link, account)
        dispatcher.utter_message(text=f"You can pay securely here: {link}" if link else CALL_US)
        return left
