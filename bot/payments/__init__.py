"""Paying in the chat (SPEC §11): Stripe Checkout links, signed webhooks, cash application.

What this package owns:

* **links** (:mod:`bot.payments.links`): payment requests — a random token per link, only
  its SHA-256 stored — made by the bot, reminders and ``arbot pay link``; opening a link
  recomputes what is owed and creates (or reuses) a Stripe Checkout Session.
* **webhooks** (:mod:`bot.payments.webhooks`): each Stripe event once, in any order: a
  payment recorded and applied with the CSV import's own cash application
  (:func:`bot.imports.payments.record_payments`), promises kept and installments paid at
  once (:func:`bot.services.daily_review.settle_paid`), refunds and card disputes
  reversed (:mod:`bot.payments.reversals`).
* **notices** (:mod:`bot.payments.notices`): the receipt, "processing" and "failed"
  messages, worked out in the payment's transaction and sent once per key through
  :func:`bot.payments.notices.queue_notice` (queued in the payment's transaction).

The rules (amounts, minor units, texts, how a reversal is split) are in
:mod:`bot.policy.payments`; the queries in :mod:`bot.repositories.payment_requests`; the
Stripe adapter in :mod:`integrations.stripe_checkout`.
"""
