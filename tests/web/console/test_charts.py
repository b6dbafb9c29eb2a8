"""The dashboard's SVG charts (bot.web.console.charts): valid, proportional, escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from bot.web.console.charts import PLOT, Bar, aging_chart, bar_chart, kept_rate_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it is valid XML
    assert root.tag == f"{SVG}svg"
    return root


def heights(root: ET.Element) -> list[float]:
    return [float(rect.attrib["height"]) for rect in root.iter(f"{SVG}rect")]


def texts(root: ET.Element, cls: str) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text") if t.attrib.get("class") == cls]


def test_aging_bars_are_proportional_to_the_amounts_and_print_them() -> None:
    buckets = {"current": "500.00", "1-30": "1000.00", "31-60": "250.00", "61-90": "0.00"}
    root = parse(aging_chart(buckets, "1750.00", "2026-11-22"))

    assert heights(root) == pytest.approx([PLOT / 2, PLOT, PLOT / 4, 0])
    assert texts(root, "figure") == ["500.00", "1,000.00", "250.00", "0.00"]
    assert texts(root, "label") == ["current", "1-30", "31-60", "61-90"]
    tooltips = [g.find(f"{SVG}title").text for g in root.iter(f"{SVG}g")]
    assert tooltips[1] == "1-30 days past due: 1,000.00"


def test_a_chart_is_an_image_with_an_accessible_name() -> None:
    root = parse(aging_chart({"current": "5.00"}, "5.00", "2026-11-22"))

    assert root.attrib["role"] == "img"
    assert root.attrib["aria-label"] == "Aging as of 2026-11-22: open AR 5.00 by days past due"
    assert root.find(f"{SVG}title").text == root.attrib["aria-label"]
    assert root.attrib["id"] == "chart-aging"


def test_kept_rates_are_drawn_on_a_fixed_0_to_100_percent_scale() -> None:
    weeks = [
        {"week": "2026-W45", "kept": 2, "broken": 1, "kept_rate": 0.67},
        {"week": "2026-W46", "kept": 1, "broken": 1, "kept_rate": 0.5},
        {"week": "2026-W47", "kept": 0, "broken": 0, "kept_rate": None},
    ]
    root = parse(kept_rate_chart(weeks))

    assert heights(root) == pytest.approx([PLOT * 0.67, PLOT * 0.5, 0])
    assert texts(root, "figure") == ["67%", "50%", "n/a"]
    assert root.attrib["id"] == "chart-ptp-weeks"


def test_labels_and_titles_are_escaped() -> None:
    nasty = '<script>alert("x")</script> & co'
    svg = bar_chart([Bar(nasty, Decimal(1), nasty, nasty)], title=f"{nasty} title", chart_id='a"b')
    root = parse(svg)

    assert "<script>" not in svg
    assert texts(root, "label") == [nasty]
    assert texts(root, "figure") == [nasty]
    assert root.attrib["aria-label"] == f"{nasty} title"
    assert root.attrib["id"] == 'a"b'


@pytest.mark.parametrize(
    "svg",
    [
        bar_chart([], title="empty", chart_id="c"),
        aging_chart({"current": "0.00", "1-30": "0.00"}, "0.00", "2026-11-22"),
        kept_rate_chart([{"week": "2026-W47", "kept": 0, "broken": 0, "kept_rate": None}]),
    ],
    ids=["no-bars", "all-zero", "no-rates"],
)
def test_nothing_to_draw_says_no_data(svg: str) -> None:
    root = parse(svg)

    assert texts(root, "no-data") == ["no data"]
    assert heights(root) == []
    assert root.attrib["role"] == "img"


def test_many_bars_keep_their_figures_in_the_tooltips_and_thin_out_the_labels() -> None:
    bars = [Bar(f"W{n:02d}", Decimal(n + 1), str(n + 1), f"week {n}: {n + 1}") for n in range(52)]
    root = parse(bar_chart(bars, title="a year", chart_id="y"))

    assert len(heights(root)) == 52
    assert heights(root)[-1] == pytest.approx(PLOT)
    assert texts(root, "figure") == []
    assert 0 < len(texts(root, "label")) <= 9
    assert len([g for g in root.iter(f"{SVG}g")]) == 52
