"""Finance charges (SPEC §12): what an account is charged for a month, and its invoice.

For month M, each undisputed invoice with money open at the end of M and more than the
grace days past due then is charged ``open × rate ÷ 100``; the account's charges are summed,
rounded half-up to cents, and raised to the minimum when any is due. The charge is an
invoice ``FC-{account_number}-{YYYYMM}`` issued on the first day of M + 1, due 30 days later.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from bot.policy.money import cents

#: finance-charge invoices are numbered ``FC-{account_number}-{YYYYMM}``
PREFIX = "FC-"
#: days from a finance charge's issue to its due date
DUE_DAYS = 30


@dataclass(frozen=True)
class ChargeRules:
    """The finance-charge settings (``ARBOT_FINANCE_CHARGE_*``).

    Attributes:
        rate: monthly percentage; 0 turns finance charges off.
        grace_days: an invoice is charged only when more than this many days past due.
        minimum: the least charge when any is due.
        consumers: consumer accounts are charged too (business accounts only otherwise).
    """

    rate: Decimal = Decimal("0")
    grace_days: int = 30
    minimum: Decimal = Decimal("1.00")
    consumers: bool = False

    @property
    def enabled(self) -> bool:
        return self.rate > 0


def parse_month(text: str) -> tuple[int, int]:
    """``YYYY-MM`` → (year, month).

    Raises:
        ValueError: naming the text when it is not a month.
    """
    year, sep, month = text.strip().partition("-")
    if not (sep and len(year) == 4 and year.isdigit() and len(month) == 2 and month.isdigit()):
        raise ValueError(f"{text!r} is not a month (YYYY-MM)")
    if not 1 <= int(month) <= 12:
        raise ValueError(f"{text!r} is not a month (YYYY-MM)")
    return int(year), int(month)


def month_end(year: int, month: int) -> date:
    """The last day of the month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def last_closed_month(today: date) -> tuple[int, int]:
    """The month that ended most recently before ``today``."""
    previous = today.replace(day=1) - timedelta(days=1)
    return previous.year, previous.month


def charged_before(year: int, month: int, grace_days: int) -> date:
    """Invoices due before this day are more than ``grace_days`` past due at the end of M."""
    return month_end(year, month) - timedelta(days=grace_days)


def charge(overdue_open: Decimal, rules: ChargeRules) -> Decimal:
    """The charge on an account's open amount past the grace at month end (0: none)."""
    if not rules.enabled or overdue_open <= 0:
        return Decimal("0.00")
    return max(cents(overdue_open * rules.rate / 100), rules.minimum)


def invoice_number(account_number: str, year: int, month: int) -> str:
    """``FC-{account_number}-{YYYYMM}``."""
    return f"{PREFIX}{account_number}{number_suffix(year, month)}"


def number_suffix(year: int, month: int) -> str:
    """What follows the account number in the month's charge number: ``-{YYYYMM}``."""
    return f"-{year:04d}{month:02d}"


def issue_and_due(year: int, month: int) -> tuple[date, date]:
    """The charge's issue day (the first of M + 1) and due day (30 days later)."""
    issued = month_end(year, month) + timedelta(days=1)
    return issued, issued + timedelta(days=DUE_DAYS)
