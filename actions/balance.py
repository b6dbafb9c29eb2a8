"""``action_check_balance``: what the customer owes (SPEC §5 Balance).

The summary — total, past due, open invoices, the oldest past-due one and how late — or, when
the customer asks about invoices, up to five of them; one invoice when it is named.
"""

from __future__ import annotations

import re

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import replies, runtime
from actions.gate import verified_account, verify_first
from actions.language import language_of
from actions.ports import BalanceView, InvoiceView
from actions.slots import Event, entity, latest_text

_ASKS_FOR_LIST = re.compile(r"\b(invoices?|bills?|list|which|details?|breakdown)\b", re.I)


def invoice_key(text: str) -> str:
    """An invoice number without case, spaces, ``#`` or hyphens, for matching what was typed."""
    return re.sub(r"[^0-9A-Z]", "", text.upper()).removeprefix("INVOICE").removeprefix("INV")


def find_invoice(view: BalanceView, given: str) -> InvoiceView | None:
    """The open invoice the customer named ("inv 55210", "#10234", "INV-1003-01")."""
    key = invoice_key(given)
    if not key:
        return None
    return next((item for item in view.invoices if invoice_key(item.invoice_number) == key), None)


def invoice_in_text(view: BalanceView, text: str) -> InvoiceView | None:
    """The open invoice a sentence names somewhere ("T46-A, half the tiles were cracked",
    "it's inv 55210"): a word, or two words together, that match one invoice's number."""
    words = [w.strip(",.;:!?()'\"") for w in text.split()]
    candidates = [*words, *(a + b for a, b in zip(words, words[1:], strict=False))]
    for candidate in candidates:
        if any(ch.isdigit() for ch in candidate) and (found := find_invoice(view, candidate)):
            return found
    return None


class ActionCheckBalance(Action):  # type: ignore[misc]
    def name(self) -> str:
        return "action_check_balance"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[Event]:
        account = verified_account(tracker)
        if account is None:
            return verify_first("balance")
        rt = runtime.current()
        view = await runtime.call(
            rt.services.balances.balance_view,
            account,
            rt.now(),
            rt.policy,
            default_timezone=rt.settings.default_timezone,
        )
        named = entity(tracker, "invoice_number")
        lang = language_of(tracker)
        if named is not None:
            invoice = find_invoice(view, named)
            text = (
                replies.invoice_line(invoice, view.currency, lang)
                if invoice is not None
                else replies.unknown_invoice(named, view, language=lang)
            )
        else:
            summary = replies.balance_summary(view, lang, rt.settings.hold_days_past_due)
            text = summary
            if view.open_count and _ASKS_FOR_LIST.search(latest_text(tracker)):
                text = summary + "\n" + replies.invoice_list(view, language=lang)
        dispatcher.utter_message(text=text)
        return []
