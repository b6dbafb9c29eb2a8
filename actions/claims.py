"""``action_claim_paid``: "I already paid" — a matching payment, or an ``already_paid`` dispute."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import replies, runtime
from actions.forms import leave_for_request
from actions.gate import verified_account, verify_first
from actions.language import language_of
from actions.sender import parse_sender
from actions.slots import Event, entity, latest_text
from bot.errors import ArbotError, NotFound
from bot.policy.catalog import say

log = logging.getLogger(__name__)


class ActionClaimPaid(Action):  # type: ignore[misc]
    def name(self) -> str:
        return "action_claim_paid"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        account = verified_account(tracker)
        if account is None:
            return verify_first("claim_paid")
        left = leave_for_request(tracker, dispatcher)
        invoice = entity(tracker, "invoice_number")
        rt = runtime.current()
        try:
            result = await runtime.call(
                rt.services.disputes.claim_paid,
                account,
                invoice,
                channel=parse_sender(tracker.sender_id).channel,
                now=rt.now(),
                description=latest_text(tracker),
                policy=rt.policy,
            )
        except NotFound:
            said = say("bot_claim_unknown_invoice", language_of(tracker), invoice=invoice)
            dispatcher.utter_message(text=said)
        except ArbotError:
            log.warning("claim_paid for %s failed", account, exc_info=True)
            dispatcher.utter_message(text=say("bot_record_failed", language_of(tracker)))
        else:
            dispatcher.utter_message(text=replies.claim_reply(result, language_of(tracker)))
        return left
