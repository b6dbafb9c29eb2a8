"""Payments of an account and of all accounts (``arbot payments``, the console's list)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.repositories import payment_requests as repo
from bot.services.accounts import payment_json
from bot.services.customers import require_account


def account_payments(session: Session, account_number: str) -> list[dict[str, Any]]:
    """The account's payments and reversals, newest first, as JSON objects.

    Raises:
        NotFound: naming the account number.
    """
    with session.begin():
        account = require_account(session, account_number)
        return [payment_json(p) for p in repo.payments_of(session, account.id)]


def recent_payments(session: Session, limit: int = 200) -> list[dict[str, Any]]:
    """The latest payments of every account, newest first, with the account number."""
    with session.begin():
        return [
            payment_json(p) | {"account_number": number}
            for p, number in repo.recent_payments(session, limit)
        ]
