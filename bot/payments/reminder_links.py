"""Pay links in PTP and installment reminders (SPEC §11), made only when one is sent.

With Stripe on, a promise or installment reminder is worded with a placeholder link
(:func:`bot.policy.payments.link_slot`: what ``arbot reminders plan`` shows); once a pass
has claimed the send, :func:`with_pay_links` makes the payment request — in one
transaction for the chunk — and puts its link in the text. A reminder about something no
longer owed keeps the plain "reply here" sentence.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.payments.links import LinkSettings, link_for
from bot.policy.catalog import say
from bot.policy.languages import LANGUAGES
from bot.policy.payments import Purpose, link_slot
from bot.services.reminder_plan import PlannedMessage
from bot.settings import Settings

#: reminder kinds that carry the link of what they remind of, and its purpose
KINDS = {"ptp_reminder": Purpose.PROMISE, "installment_reminder": Purpose.INSTALLMENT}


def with_pay_links(
    sessions: sessionmaker[Session],
    claimed: Sequence[tuple[PlannedMessage, int]],
    now: datetime,
    settings: Settings,
) -> list[tuple[PlannedMessage, int]]:
    """The claimed sends, each placeholder replaced by a fresh link (or by "reply here")."""
    slot = link_slot(settings.public_url)
    if settings.payment_provider != "stripe" or not any(slot in p.text for p, _ in claimed):
        return list(claimed)
    links = LinkSettings(settings.public_url, settings.payment_link_days, settings.default_timezone)
    done: list[tuple[PlannedMessage, int]] = []
    with sessions() as session, session.begin():
        for planned, attempt_id in claimed:
            decision = planned.decision
            purpose = KINDS.get(decision.kind)
            if purpose is None or slot not in planned.text:
                done.append((planned, attempt_id))
                continue
            target = decision.target.split(":")[1]
            made = link_for(session, decision.account_id, purpose, target, now=now, settings=links)
            text = (
                planned.text.replace(slot, made.url)
                if made is not None
                else _unlinked(planned.text, slot)
            )
            done.append((dataclasses.replace(planned, text=text), attempt_id))
    return done


def _unlinked(text: str, slot: str) -> str:
    """``text`` with its "pay at <slot>" sentence (in whichever language it is written)
    replaced by the one that asks the customer to reply instead."""
    for language in LANGUAGES:
        text = text.replace(say("pay_at", language, link=slot), say("no_link", language))
    return text
