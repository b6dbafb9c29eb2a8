"""Collections KPIs from period totals, exactly as SPEC §8 defines them.

The report query supplies the AR figures and counts; these formulas only divide. Every
ratio is rounded half up to 2 places and is ``None`` when its denominator is 0, which the
JSON reports print as ``null``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class KpiInputs:
    """The period totals the KPIs are computed from.

    Attributes:
        period_start: first day of the period (``from``).
        period_end: last day of the period (``to``), inclusive.
        ar_before: AR as of the day before the period, AR(from − 1).
        ar_end: AR as of the last day, AR(to).
        current_ar_end: the part of AR(to) that is not past due on ``to``.
        credit_sales: S, the amounts of invoices issued in the period.
        promises_kept: promises dated in the period that were kept.
        promises_broken: promises dated in the period that were broken.
        conversations: conversations in the period.
        conversations_contained: of those, the ones that ended without an escalation.
        collected_in_chat: payments by method ``stripe`` received in the period.
    """

    period_start: date
    period_end: date
    ar_before: Decimal
    ar_end: Decimal
    current_ar_end: Decimal
    credit_sales: Decimal
    promises_kept: int
    promises_broken: int
    conversations: int
    conversations_contained: int
    collected_in_chat: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class Kpis:
    """The KPI report of one period (SPEC §8 ``kpis`` JSON, plus ``days``)."""

    period_start: date
    period_end: date
    days: int
    dso: Decimal | None
    best_possible_dso: Decimal | None
    add: Decimal | None
    cei: Decimal | None
    ptp_kept_rate: Decimal | None
    promises_kept: int
    promises_broken: int
    bot_containment: Decimal | None
    collected_in_chat: Decimal = Decimal("0.00")


def ratio(numerator: Decimal, denominator: Decimal, places: int = 2) -> Decimal | None:
    """``numerator / denominator`` rounded half up to ``places``; ``None`` when dividing by 0."""
    if denominator == 0:
        return None
    return _round(Decimal(numerator) / Decimal(denominator), places)


def compute_kpis(inputs: KpiInputs) -> Kpis:
    """Computes DSO, best possible DSO, ADD, CEI, PTP kept rate and bot containment.

    With N = to − from + 1 days and S the credit sales: DSO = AR(to) / S × N; best possible
    DSO = current AR(to) / S × N; ADD = DSO − best possible DSO (from the unrounded values,
    then rounded); CEI = (AR(from − 1) + S − AR(to)) / (AR(from − 1) + S − current AR(to)) ×
    100. The PTP kept rate and bot containment are ratios between 0 and 1.

    Raises:
        ValueError: when ``period_end`` is before ``period_start``.
    """
    if inputs.period_end < inputs.period_start:
        raise ValueError(
            f"period_end {inputs.period_end} is before period_start {inputs.period_start}"
        )
    days = (inputs.period_end - inputs.period_start).days + 1
    sales = inputs.credit_sales
    dso = best = add = None
    if sales != 0:
        # Multiplying before the one division keeps each value exact to 28 digits.
        dso = _round(inputs.ar_end * days / sales)
        best = _round(inputs.current_ar_end * days / sales)
        add = _round((inputs.ar_end - inputs.current_ar_end) * days / sales)
    collectible = inputs.ar_before + sales
    return Kpis(
        period_start=inputs.period_start,
        period_end=inputs.period_end,
        days=days,
        dso=dso,
        best_possible_dso=best,
        add=add,
        cei=ratio((collectible - inputs.ar_end) * _HUNDRED, collectible - inputs.current_ar_end),
        ptp_kept_rate=ratio(
            Decimal(inputs.promises_kept), Decimal(inputs.promises_kept + inputs.promises_broken)
        ),
        promises_kept=inputs.promises_kept,
        promises_broken=inputs.promises_broken,
        bot_containment=ratio(
            Decimal(inputs.conversations_contained), Decimal(inputs.conversations)
        ),
        collected_in_chat=inputs.collected_in_chat,
    )


def _round(value: Decimal, places: int = 2) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
