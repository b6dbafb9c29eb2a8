"""KPI formulas of SPEC §8 (bot.policy.kpis)."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from bot.policy.kpis import KpiInputs, compute_kpis, ratio

D = Decimal

# March 2026 (N = 31): AR(Feb 28) 100,000; sales 90,000; AR(Mar 31) 120,000 of which
# 60,000 current; 7 promises kept, 3 broken; 45 of 60 conversations contained.
MARCH = KpiInputs(
    period_start=date(2026, 3, 1),
    period_end=date(2026, 3, 31),
    ar_before=D("100000"),
    ar_end=D("120000"),
    current_ar_end=D("60000"),
    credit_sales=D("90000"),
    promises_kept=7,
    promises_broken=3,
    conversations=60,
    conversations_contained=45,
)


@pytest.mark.parametrize(
    ("numerator", "denominator", "places", "expected"),
    [
        ("1", "8", 2, "0.13"),
        ("1", "3", 2, "0.33"),
        ("2", "3", 2, "0.67"),
        ("2", "3", 4, "0.6667"),
        ("5", "1", 2, "5.00"),
        ("0", "7", 2, "0.00"),
    ],
    ids=["half-rounds-up", "third", "two-thirds", "four-places", "whole", "zero-numerator"],
)
def test_ratio_rounds_half_up(numerator: str, denominator: str, places: int, expected: str) -> None:
    assert str(ratio(D(numerator), D(denominator), places)) == expected


def test_ratio_of_a_zero_denominator_is_none() -> None:
    assert ratio(D("5"), D("0")) is None


def test_days_count_both_ends_of_the_period() -> None:
    assert compute_kpis(MARCH).days == 31


def test_dso_is_ar_over_sales_times_days() -> None:
    assert compute_kpis(MARCH).dso == D("41.33")  # 120,000 / 90,000 × 31 = 41.333…


def test_best_possible_dso_uses_current_ar() -> None:
    assert compute_kpis(MARCH).best_possible_dso == D("20.67")  # 60,000 / 90,000 × 31


def test_add_is_computed_before_rounding() -> None:
    kpis = compute_kpis(MARCH)
    assert kpis.add == D("20.67")  # 41.333… − 20.666… = 20.666…, not 41.33 − 20.67
    assert kpis.dso is not None
    assert kpis.best_possible_dso is not None
    assert kpis.dso - kpis.best_possible_dso == D("20.66")


def test_cei_compares_what_was_collected_with_what_could_be() -> None:
    # (100,000 + 90,000 − 120,000) / (100,000 + 90,000 − 60,000) × 100 = 53.846…
    assert compute_kpis(MARCH).cei == D("53.85")


def test_ptp_kept_rate_is_kept_over_kept_and_broken() -> None:
    kpis = compute_kpis(MARCH)
    assert (kpis.ptp_kept_rate, kpis.promises_kept, kpis.promises_broken) == (D("0.70"), 7, 3)


def test_bot_containment_is_contained_over_all_conversations() -> None:
    assert compute_kpis(MARCH).bot_containment == D("0.75")


def test_a_single_day_period_has_one_day() -> None:
    one_day = dataclasses.replace(MARCH, period_end=MARCH.period_start)
    kpis = compute_kpis(one_day)
    assert (kpis.days, kpis.dso) == (1, D("1.33"))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"credit_sales": D(0)}, "dso"),
        ({"credit_sales": D(0)}, "best_possible_dso"),
        ({"credit_sales": D(0)}, "add"),
        ({"ar_before": D(0), "credit_sales": D(60000)}, "cei"),
        ({"promises_kept": 0, "promises_broken": 0}, "ptp_kept_rate"),
        ({"conversations": 0, "conversations_contained": 0}, "bot_containment"),
    ],
    ids=["dso", "best-dso", "add", "cei", "ptp-kept-rate", "containment"],
)
def test_a_zero_denominator_gives_none(changes: dict[str, object], field: str) -> None:
    kpis = compute_kpis(dataclasses.replace(MARCH, **changes))  # type: ignore[arg-type]
    assert getattr(kpis, field) is None


def test_cei_is_computed_when_sales_are_zero_but_ar_was_open() -> None:
    quiet = dataclasses.replace(MARCH, credit_sales=D(0), ar_end=D("80000"))
    assert compute_kpis(quiet).cei == D("50.00")  # (100,000 − 80,000) / (100,000 − 60,000)


def test_a_period_ending_before_it_starts_is_refused() -> None:
    backwards = dataclasses.replace(MARCH, period_end=date(2026, 2, 28))
    with pytest.raises(ValueError, match="period_end 2026-02-28 is before period_start"):
        compute_kpis(backwards)
