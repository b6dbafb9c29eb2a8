"""The English catalog: every text arbot's own code sends a customer (not the Rasa
responses, which are in ``domain.yml``; not the reminder bodies, which are files in
``bot/templates/reminders/``). Keys are shared with :mod:`bot.policy.catalog.es`;
``{placeholders}`` are :meth:`str.format` fields and must match across languages."""

from __future__ import annotations

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

TEXTS = {
    # --- disclosure and framing (SPEC §5 Disclosure) -----------------------------------
    "disclosure": (
        "{company} is a debt collector attempting to collect a debt; any information "
        "obtained will be used for that purpose."
    ),
    "sms_stop_line": "Reply STOP to opt out",
    "telegram_stop_line": "Send /stop to opt out",
    "company_prefix": "{company}: {body}",
    # --- carrier keywords (SPEC §5 Opt-out, §14) ----------------------------------------
    "sms_stop": (
        "{company}: you're unsubscribed and will get no more automated messages here. "
        "Reply START to resubscribe."
    ),
    "sms_start": (
        "{company}: you're resubscribed to messages about your account. Reply HELP for "
        "help, STOP to opt out. Msg & data rates may apply."
    ),
    "sms_help": (
        "{company} accounts receivable assistant: ask what you owe, promise a payment, set "
        "up a plan or reach a person. {contact}Reply STOP to opt out. Msg & data rates may "
        "apply."
    ),
    "telegram_stop": (
        "{company}: you'll get no more automated messages in this chat. Send /start to "
        "turn them back on."
    ),
    "telegram_start": (
        "{company}: automated messages about your account are back on in this chat. Send "
        "/stop to turn them off."
    ),
    "telegram_help": (
        "{company} accounts receivable assistant: ask what you owe, promise a payment, set "
        "up a plan or reach a person. {contact}Send /stop to turn off automated messages."
    ),
    "help_contact": "Questions: {contact}. ",
    # --- the gateway ---------------------------------------------------------------------
    "trouble": "Sorry, we're having trouble right now. Please try again in a few minutes.",
    "text_only": "Sorry, I can only read text messages. Please type your question.",
    "switched": "OK, I'll write to you in English from now on. How can I help?",
    # --- verification locks (bot/policy/verification_text.py) ----------------------------
    "locked": (
        "For your security, verification is locked after too many attempts. A person from "
        "our team will follow up with you here within one business day."
    ),
    "account_locked": (
        "For your security, verification for that account is locked after too many "
        "attempts. To reach a person, reply AGENT."
    ),
    "locked_contact": " You can also reach us at {contact}.",
    # --- reminders (bot/policy/reminder_text.py) -----------------------------------------
    "no_link": "Reply here to pay or ask a question.",
    "pay_at": "Pay at {link} or reply here.",
    "charges_ref": " (incl. {amount} finance charges)",
    "invoice_ref": " (invoice {invoice})",
    "day": "{month} {day}",
    "day_year": "{month} {day}, {year}",
    # --- decisions (bot/policy/decision_notices.py) --------------------------------------
    "about_invoice": " about invoice {invoice}",
    "dispute_upheld": "We reviewed your dispute {reference}{about} and accepted it.",
    "dispute_credited": " We credited {amount}, so you no longer owe it.",
    "dispute_rejected": (
        "We reviewed your dispute {reference}{about} and could not accept it, so {amount} is "
        "due again. Reply here if you have questions or want to set up a payment plan."
    ),
    "plan_approved": "Your payment plan for {total} is approved.",
    "plan_first_payment": " Your first payment of {amount} is due {due}.",
    "plan_rejected": (
        "We could not approve your payment plan for {total}. Reply here and we will work "
        "out another arrangement with you."
    ),
    # --- payments (bot/policy/payments.py) -----------------------------------------------
    "receipt": "Thank you: we received your payment of {amount}.",
    "receipt_invoice": " It paid invoice {parts}.",
    "receipt_invoices": " It paid invoices {parts}.",
    "receipt_one": " It paid 1 invoice.",
    "receipt_count": " It paid {count} invoices.",
    "receipt_credit": " {amount} is kept as a credit on your account.",
    "receipt_left": " You now owe {amount}.",
    "receipt_nothing_left": " You owe nothing more.",
    "bank_processing": (
        "We received your bank payment of {amount}. It is being processed, which can take "
        "a few business days; we will confirm when it clears."
    ),
    "bank_failed": (
        "Your bank payment of {amount} did not go through, so it was not paid. Reply here "
        "for a new payment link or another way to pay."
    ),
    # --- collectors' canned replies (the console) ----------------------------------------
    "canned_looking_into_it": "Thanks for your message. I'm looking into your account now.",
    "canned_call_back": (
        "I'll call you back within one business day at the number we have on file."
    ),
    "canned_payment_received": "We've received your payment. Thank you!",
    "canned_back_to_bot": (
        "I'm handing you back to our assistant. Reply AGENT any time to reach a person again."
    ),
}
