"""Manager reports (SPEC §8): aging, KPIs and promise-to-pay compliance.

The database sums — one statement per aging or KPI report, see
:mod:`bot.repositories.reports` — and the formulas are the pure ones in ``bot.policy``.
Each report has ``to_json`` (the contract shape of SPEC §8) and ``to_rows`` (for ``--csv``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from bot.errors import InputError
from bot.policy.aging import BUCKETS, Aging
from bot.policy.kpis import Kpis, compute_kpis, ratio
from bot.policy.money import format_money
from bot.repositories import reports as repo


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class AgingReport:
    aging: Aging

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.aging.as_of.isoformat(),
            "buckets": {name: format_money(self.aging.buckets[name]) for name in BUCKETS},
            "total": format_money(self.aging.total),
        }

    def to_rows(self) -> list[dict[str, str]]:
        rows = [
            {"bucket": name, "amount": format_money(self.aging.buckets[name])} for name in BUCKETS
        ]
        return [*rows, {"bucket": "total", "amount": format_money(self.aging.total)}]


@dataclass(frozen=True)
class KpiReport:
    kpis: Kpis

    def to_json(self) -> dict[str, Any]:
        k = self.kpis
        return {
            "from": k.period_start.isoformat(),
            "to": k.period_end.isoformat(),
            "dso": _number(k.dso),
            "best_possible_dso": _number(k.best_possible_dso),
            "add": _number(k.add),
            "cei": _number(k.cei),
            "ptp_kept_rate": _number(k.ptp_kept_rate),
            "promises_kept": k.promises_kept,
            "promises_broken": k.promises_broken,
            "bot_containment": _number(k.bot_containment),
            "collected_in_chat": format_money(k.collected_in_chat),
        }

    def to_rows(self) -> list[dict[str, str]]:
        return [
            {"metric": key, "value": "" if value is None else str(value)}
            for key, value in self.to_json().items()
        ]


@dataclass(frozen=True)
class PtpReport:
    period_start: date
    period_end: date
    summary: dict[str, Any]
    promises: tuple[dict[str, Any], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.period_start.isoformat(),
            "to": self.period_end.isoformat(),
            "summary": self.summary,
            "promises": list(self.promises),
        }

    def to_rows(self) -> list[dict[str, str]]:
        return [{key: str(value) for key, value in row.items()} for row in self.promises]


def check_period(start: date, end: date) -> None:
    """Raises InputError naming ``--to`` when the period ends before it starts."""
    if end < start:
        raise InputError(f"--to: {end.isoformat()} is before --from {start.isoformat()}")


def aging_report(session: Session, as_of: date) -> AgingReport:
    """Open AR by days past due on ``as_of``."""
    with session.begin():
        buckets = repo.aging_buckets(session, as_of)
    return AgingReport(
        Aging(as_of=as_of, buckets=buckets, total=sum(buckets.values(), Decimal("0.00")))
    )


def kpi_report(session: Session, start: date, end: date) -> KpiReport:
    """DSO, best possible DSO, ADD, CEI, PTP kept rate and bot containment for a period."""
    check_period(start, end)
    with session.begin():
        inputs = repo.period_totals(session, start, end)
    return KpiReport(compute_kpis(inputs))


def ptp_report(session: Session, start: date, end: date) -> PtpReport:
    """Promises dated in the period, with compliance by channel and by who took them."""
    check_period(start, end)
    with session.begin():
        rows = repo.promises_due(session, start, end)
        promises = tuple(
            {
                "id": p.id,
                "account_number": number,
                "amount": format_money(p.amount),
                "due_date": p.due_date.isoformat(),
                "created_at": p.created_at.isoformat(),
                "status": p.status,
                "channel": p.channel,
                "taken_by": p.taken_by,
                "amount_collected": format_money(p.amount_collected),
            }
            for p, number in rows
        )
    summary = _compliance(promises)
    summary["by_channel"] = _grouped(promises, "channel")
    summary["by_taker"] = _grouped(promises, "taken_by")
    return PtpReport(start, end, summary, promises)


def _grouped(promises: tuple[dict[str, Any], ...], key: str) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for promise in promises:
        groups[promise[key]].append(promise)
    return {name: _compliance(tuple(items)) for name, items in sorted(groups.items())}


def _compliance(promises: tuple[dict[str, Any], ...]) -> dict[str, Any]:
    counts = {status: 0 for status in ("pending", "kept", "broken", "cancelled")}
    for promise in promises:
        counts[promise["status"]] += 1
    promised = sum((Decimal(p["amount"]) for p in promises), Decimal("0.00"))
    collected = sum((Decimal(p["amount_collected"]) for p in promises), Decimal("0.00"))
    kept, broken = counts["kept"], counts["broken"]
    return {
        "promises": len(promises),
        **counts,
        "kept_rate": _number(ratio(Decimal(kept), Decimal(kept + broken))),
        "promised_amount": format_money(promised),
        "collected_amount": format_money(collected),
    }
