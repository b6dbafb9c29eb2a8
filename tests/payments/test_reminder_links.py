"""A PTP reminder carries the promise's pay link, made when it is sent (Stripe on)."""

from __future__ import annotations

import asyncio
import re
from datetime import date
from decimal import Decimal

from bot.clock import FixedClock
from bot.services.delivery import Postman
from bot.services.promises import record_promise
from bot.services.reminder_plan import plan
from bot.services.reminders import run_pass
from integrations.senders import OutboxSender
from tests.payments.conftest import NOW, PUBLIC_URL, PayDesk


def test_a_ptp_reminder_carries_a_working_link_for_the_promise(desk: PayDesk) -> None:
    with desk.sessions() as session:
        record_promise(
            session,
            "A-7",
            Decimal("400.00"),
            date(2026, 11, 23),
            channel="sms",
            now=NOW,
            policy=desk.settings.policy,
        )
    (planned,) = [p for p in plan(desk.sessions, NOW, desk.settings) if not p.decision.held]
    assert planned.decision.kind == "ptp_reminder"
    assert f"{PUBLIC_URL}/pay/…" in planned.text  # the dry run makes no link
    postman = Postman(desk.sessions, FixedClock(NOW), {"sms": OutboxSender()})
    asyncio.run(run_pass(postman, desk.settings, NOW, concurrency=1))
    (sent,) = desk.notices()
    found = re.search(rf"{re.escape(PUBLIC_URL)}/pay/[A-Za-z0-9_-]{{32}}", sent)
    assert found is not None, sent
    assert len(sent) < 320  # two SMS segments at most
    response = desk.open(found.group(0))
    assert response.status_code == 303
    session_id = response.headers["location"].rsplit("/", 1)[-1]
    assert desk.stripe.sessions[session_id]["amount_total"] == 40000
