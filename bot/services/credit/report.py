"""``arbot report credit`` (SPEC §12): holds, the allowance, write-offs, finance charges.

The allowance is the aging of :mod:`bot.repositories.reports` (the same statement as
``arbot report aging``) times ``ARBOT_ALLOWANCE_RATES``; the bad-debt ratio is the
write-offs approved in the period over its credit sales.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from bot.policy.aging import BUCKETS
from bot.policy.credit import DEFAULT_ALLOWANCE_RATES, allowance, parse_allowance_rates
from bot.policy.credit import bad_debt_ratio as ratio
from bot.policy.money import format_money
from bot.repositories import credit_report as repo
from bot.repositories.reports import aging_buckets
from bot.services.reports import check_period


@dataclass(frozen=True)
class CreditReport:
    """The credit figures as of a day and for a period."""

    as_of: date
    period_start: date
    period_end: date
    holds: int
    aging: dict[str, Decimal]
    allowance: dict[str, Decimal]
    allowance_total: Decimal
    write_offs_proposed: int
    written_off: Decimal
    charges_posted: Decimal
    charges_waived: Decimal
    credit_sales: Decimal

    @property
    def bad_debt_ratio(self) -> Decimal | None:
        return ratio(self.written_off, self.credit_sales)

    def to_json(self) -> dict[str, Any]:
        bad_debt = self.bad_debt_ratio
        return {
            "as_of": self.as_of.isoformat(),
            "from": self.period_start.isoformat(),
            "to": self.period_end.isoformat(),
            "holds": self.holds,
            "allowance": {
                "buckets": {name: format_money(self.allowance[name]) for name in BUCKETS},
                "total": format_money(self.allowance_total),
            },
            "write_offs": {
                "proposed": self.write_offs_proposed,
                "approved_amount": format_money(self.written_off),
            },
            "finance_charges": {
                "posted_amount": format_money(self.charges_posted),
                "waived_amount": format_money(self.charges_waived),
            },
            "bad_debt_ratio": None if bad_debt is None else float(bad_debt),
        }


def credit_report(
    session: Session,
    as_of: date,
    start: date,
    end: date,
    rates: Mapping[str, Decimal] | None = None,
) -> CreditReport:
    """The credit report: holds and allowance as of ``as_of``, flows of [start, end].

    Args:
        rates: percent per aging bucket (``ARBOT_ALLOWANCE_RATES``; None: the default).

    Raises:
        InputError: naming ``--to`` when the period ends before it starts.
    """
    check_period(start, end)
    rates = parse_allowance_rates(DEFAULT_ALLOWANCE_RATES) if rates is None else rates
    with session.begin():
        buckets = aging_buckets(session, as_of)
        sums = repo.credit_sums(session, as_of, start, end)
    per_bucket, total = allowance(buckets, rates)
    return CreditReport(
        as_of=as_of,
        period_start=start,
        period_end=end,
        holds=sums.holds,
        aging=buckets,
        allowance=per_bucket,
        allowance_total=total,
        write_offs_proposed=sums.proposed,
        written_off=sums.written_off,
        charges_posted=sums.charges_posted,
        charges_waived=sums.charges_waived,
        credit_sales=sums.invoiced - sums.charges_posted,
    )
