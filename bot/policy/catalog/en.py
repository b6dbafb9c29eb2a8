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
    "telegram_linked": (
        "Thanks! This chat is now linked to account ending {last4} ({name}). Ask me what you "
        "owe, promise a payment or set up a plan."
    ),
    "telegram_not_linked": "Sorry, that link did not work ({reason}). Please ask us for a new one.",
    "reply_choices": "Reply {choices}",
    "choice_or": " or ",
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
    # --- promises, plans, disputes, claims, payments (actions) ---------------------------
    "bot_ask_amount": "How much can you pay? For example: $200.",
    "bot_ask_date": "What date can you pay? For example: Friday, or the 15th.",
    "bot_ask_plan": "Sorry, I didn't catch a number of months or an amount per month.",
    "bot_nothing_recorded": (
        "OK, I haven't recorded anything. If a different amount or date works, just tell "
        "me, for example: $200 on Friday."
    ),
    "bot_counteroffer_refused": "OK, let's find a plan that works for you instead.",
    "bot_no_plan": (
        "OK, no plan was set up. Tell me another number of months or monthly amount any time."
    ),
    "bot_record_failed": (
        "Sorry, I couldn't save that just now. Please try again in a few minutes."
    ),
    "bot_not_caught": "Sorry, I didn't catch that.",
    "bot_still_not_caught": (
        "Sorry, I still didn't catch that. Pick one of these, or answer in your own words:"
    ),
    "bot_no_amount": "Sorry, I didn't catch an amount.",
    "bot_no_date": "Sorry, I didn't catch a date.",
    "bot_left_form": "OK, let's leave {topic} for now.",
    "bot_topic_promise": "the promise to pay",
    "bot_topic_plan": "the payment plan",
    "bot_topic_dispute": "the dispute",
    "bot_topic_other": "that",
    "bot_promise_readback": (
        "You'll pay {amount} on {day}. Reply YES to confirm or NO to change it."
    ),
    "bot_promise_confirm": "Shall I record this promise? Reply YES or NO.",
    "bot_promise_recorded": "Thank you. Your promise to pay {promise} is recorded.",
    "bot_promise_replaces": " It replaces your earlier promise.",
    "bot_promise_not_positive": "The amount needs to be more than $0.",
    "bot_promise_over_balance": (
        "That's more than you owe: the most I can take is {amount}. Shall I use that?"
    ),
    "bot_promise_below_minimum": (
        "The smallest promise I can take is {amount}. If that's too much right now, say "
        '"payment plan" and I\'ll offer you monthly payments instead.'
    ),
    "bot_promise_date_past": ("That date has already passed. Pick a date up to {day}, or today."),
    "bot_promise_date_far": (
        "The latest date I can take is {day}. Shall I put it down for that day?"
    ),
    "bot_reason_max_installments": "plans run for at most {max_months} months",
    "bot_reason_min_installment": "each monthly payment has to be at least {min_installment}",
    "bot_reason_min_months": "a plan has at least one monthly payment",
    "bot_reason_min_down_payment": "the down payment has to be at least {min_down}",
    "bot_reason_max_down_payment": ("the down payment can't leave less than one monthly payment"),
    "bot_reason_start_in_past": "the first payment can't be in the past",
    "bot_reason_first_due_too_far": "the first payment has to be within {first_days} days",
    "bot_reason_other": "of our payment plan rules",
    "bot_schedule_one": "{down} down on {day}, then 1 monthly payment: {groups}. Total {total}.",
    "bot_schedule_many": (
        "{down} down on {day}, then {count} monthly payments: {groups}. Total {total}."
    ),
    "bot_plan_counteroffer": (
        "I can't do exactly that because {reasons}. The closest plan I can offer: "
    ),
    "bot_plan_offer": "Here's your plan: ",
    "bot_plan_needs_approval": (
        " Because the balance is over {amount}, a collector will review the plan before it starts."
    ),
    "bot_plan_confirm_end": " Reply YES to set it up or NO to change it.",
    "bot_plan_confirm": "Shall I set up this plan? Reply YES or NO.",
    "bot_plan_requested": (
        "Thanks. Your plan request is in: a collector will review it and reply within one "
        "business day."
    ),
    "bot_plan_recorded": (
        "Done, your payment plan is set up. The first payment of {amount} is due {day}."
    ),
    "bot_hardship": (
        "I'm sorry you're going through this. We can work with you. The lowest monthly "
        'payment I can offer is {amount}: {schedule} Say "payment plan" to set it up, or '
        '"talk to a person" if you\'d rather speak with someone.'
    ),
    "bot_hardship_no_plan": (
        "I'm sorry you're going through this. Your balance is small enough that a plan isn't "
        'needed: tell me a date that works and an amount you can manage, or say "talk to a '
        "person\" if you'd rather speak with someone."
    ),
    "bot_plan_not_available": (
        "A payment plan needs a balance of at least {amount}, so I can't set one up for this "
        "account. You can promise a payment instead, for example: $50 on Friday."
    ),
    "bot_nothing_to_dispute": "There was nothing open to dispute on your account.",
    "bot_dispute_opened_one": (
        "Thanks. I've opened dispute {refs}. We've put that invoice on hold, so you won't "
        "get reminders about it while a collector reviews your dispute."
    ),
    "bot_dispute_opened_many": (
        "Thanks. I've opened disputes {refs}. We've put those invoices on hold, so you won't "
        "get reminders about it while a collector reviews your dispute."
    ),
    "bot_already_disputed": (
        "{invoice} is already disputed and on hold while a collector reviews it."
    ),
    "bot_dispute_reason_number": "Please reply with a number from 1 to 6.",
    "bot_claim_found_details": (
        "Thanks, we found your payment of {amount} received {day}; it's applied to your account."
    ),
    "bot_claim_found": "Thanks, we found your payment and it's applied to your account.",
    "bot_claim_dispute": (
        "I couldn't find that payment yet, so I've opened a dispute, reference {reference}. "
        "{held} while a collector checks it."
    ),
    "bot_claim_invoice_held": "{invoice} is on hold",
    "bot_claim_held": "It's on hold",
    "bot_claim_noted": "Thanks, I've noted that you paid. A collector will check it.",
    "bot_claim_unknown_invoice": (
        "I can't find invoice {invoice} on your account. Which invoice did you pay?"
    ),
    "bot_pay_one": "You can pay {amount} securely here: {url}",
    "bot_pay_many": "You can pay securely here:",
    "bot_pay_line": "- {what} {amount}{due}: {url}",
    "bot_pay_promise": "your promise of",
    "bot_pay_installment": "your installment of",
    "bot_pay_balance": "the full balance of",
    "bot_pay_due": " due {day}",
    "bot_pay_promise_now": "You can pay it now, securely, here: {url}",
    "bot_pay_here": "You can pay securely here: {url}",
    "bot_call_us": (
        "To make a payment, please call us at the number on your statement. We're happy to help."
    ),
    "bot_nothing_to_pay": "There's nothing to pay on your account right now. Thank you!",
    # --- buttons (actions/forms.py Choice titles) ----------------------------------------
    "button_person": "Talk to a person",
    "button_cancel": "Cancel",
    "button_yes": "Yes",
    "button_no": "No",
    "button_plan_instead": "Set up a payment plan",
    "button_today": "Today",
    "button_all_amount": "{amount} (all)",
    "button_past_due": "{amount} (past due)",
    "button_minimum": "{amount} (the minimum)",
    "button_months": "{count} months",
    "button_all_invoices": "All of them",
    "button_reason_wrong_amount": "Wrong amount",
    "button_reason_not_received": "Not received",
    "button_reason_damaged": "Damaged",
    "button_reason_already_paid": "Already paid",
    "button_reason_not_my_debt": "Not my debt",
    "button_reason_other": "Other",
}
