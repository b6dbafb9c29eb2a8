"""The English catalog: every text arbot's own code sends a customer (not the Rasa
responses, which are in ``domain.yml``; not the reminder bodies, which are files in
``bot/templates/reminders/``). Keys are shared with :mod:`bot.policy.catalog.es`;
``{placeholders}`` are :meth:`str.format` fields and must match across languages."""

from __future__ import annotations

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

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
    # --- the bot's own texts (actions/replies.py and the actions) -----------------------
    "bot_and": " and ",
    "bot_weekday_day": "{weekday}, {month} {day}",
    "bot_verified": "Thanks, you're verified.",
    "bot_failed_one": "That doesn't match our records. 1 try left.",
    "bot_failed_many": "That doesn't match our records. {left} tries left.",
    "bot_failed_postal_one": "That postal code doesn't match our records. 1 try left.",
    "bot_failed_postal_many": "That postal code doesn't match our records. {left} tries left.",
    "bot_no_balance": "You have no open balance with us. Thank you!",
    "bot_balance_one": "Your balance is {total} on 1 open invoice.",
    "bot_balance_many": "Your balance is {total} on {count} open invoices.",
    "bot_finance_charges": "That includes {amount} of finance charges.",
    "bot_past_due": "{amount} is past due.",
    "bot_oldest_one": "The oldest, {invoice}, is 1 day late.",
    "bot_oldest_many": "The oldest, {invoice}, is {days} days late.",
    "bot_nothing_past_due": "Nothing is past due.",
    "bot_disputed_hold": "{amount} is on hold while a dispute is reviewed.",
    "bot_credit_hold": "Your account is on credit hold.",
    "bot_hold_over_limit": "A payment of {amount} brings the account back under its limit.",
    "bot_hold_past_due": "Paying the invoices more than {days} days past due releases it.",
    "bot_hold_plan_default": "Your payment plan defaulted: please talk to a person to release it.",
    "bot_amount_on": "{amount} on {day}",
    "bot_promised": "You've promised to pay {promised}.",
    "bot_plan_next": "Your payment plan's next payment is {when}",
    "bot_plan_pending_next": (
        "Your payment plan is waiting for a collector's approval; its next payment is {when}"
    ),
    "bot_plan_more_one": ", then 1 more monthly payment{each}",
    "bot_plan_more_many": ", then {count} more monthly payments{each}",
    "bot_plan_each": " of {amount}",
    "bot_plan_last": ", the last on {day}",
    "bot_invoice_line": "{invoice}, due {day}: {amount}",
    "bot_invoice_disputed": " (disputed, on hold)",
    "bot_no_invoices": "You have no open invoices.",
    "bot_more_invoices": "…and {count} more.",
    "bot_open_invoices": "Your open invoices:",
    "bot_unknown_invoice": "I can't find invoice {given} on your account.{listed}{question}",
    "bot_open_invoices_are": " Your open invoices are {numbers}.",
    "bot_which_invoice": " Which one is it? Or reply ALL.",
    "bot_greeting": (
        "Hi, this is the virtual assistant of {company}. I can tell you your balance, take a "
        "payment promise, set up a payment plan or record a dispute. How can I help?"
    ),
    "bot_who": (
        "This is the automated assistant of {company}'s accounts team, writing about your "
        "account with {company}. To protect your privacy I only share details after you "
        "verify the account. If you're unsure, call the number printed on your invoice, or "
        "reply AGENT for a person."
    ),
    "bot_venting": (
        "I'm sorry this has been frustrating, and thank you for telling me. I'm here to help "
        "sort it out: I can tell you what's owed, take a promise to pay or set up a payment "
        "plan. Reply AGENT to talk to a person, or STOP if you don't want these texts."
    ),
    "bot_human_requested": (
        "I've asked a collector to take over this conversation. A collector will reply "
        "within one business day."
    ),
    "bot_rephrase": (
        "Sorry, I didn't get that. You can ask about your balance, promise a payment, set up "
        "a payment plan or dispute an invoice. Reply HELP for more."
    ),
    "bot_fallback_escalated": (
        "Sorry, I'm still not getting it. I've asked a person to help you. A collector will "
        "reply within one business day."
    ),
    "bot_fallback_pending": (
        "A person from our team will follow up with you soon. A collector will reply within "
        "one business day."
    ),
    "bot_not_resubscribed": (
        "I haven't changed anything. To get our messages again, reply START; to stop them, "
        "reply STOP."
    ),
    "bot_opted_out": (
        "You won't get automated messages from us here anymore. Reply START to turn them back on."
    ),
    "bot_already_out": (
        "You're already unsubscribed from automated messages here. Reply START to turn them "
        "back on."
    ),
    "bot_opted_in": "You're subscribed again. Reply STOP at any time to opt out.",
    "bot_already_in": "You're already subscribed. Reply STOP at any time to opt out.",
    "bot_ceased": (
        "Understood. We'll stop contacting you about this account on every channel, except "
        "for any written notice the law requires. A member of our team will review your "
        "request."
    ),
}
