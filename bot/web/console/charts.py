"""Server-side SVG charts of the dashboard: no script, no CDN, readable without colour.

Each function returns one ``<svg role="img">`` string whose ``aria-label`` and ``<title>``
name the chart; every bar carries a ``<title>`` (the tooltip) and its figure printed as
text, so the numbers are there for a screen reader, a test or a printout. Labels are
XML-escaped. A chart with nothing to draw says "no data" instead of drawing empty axes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

WIDTH, HEIGHT = 640, 240
#: room for the figures above the bars and the labels below them
TOP, BOTTOM, SIDE = 24, 40, 12
PLOT = HEIGHT - TOP - BOTTOM
#: at most this many axis labels; a bar narrower than this many pixels prints no figure
MAX_LABELS, MIN_FIGURE_SLOT = 9, 40


@dataclass(frozen=True)
class Bar:
    """One bar: its label on the axis, its value (None: nothing to draw), the figure
    printed above it and the tooltip."""

    label: str
    value: Decimal | None
    figure: str
    tooltip: str


def bar_chart(
    bars: Sequence[Bar], *, title: str, chart_id: str, maximum: Decimal | None = None
) -> str:
    """A vertical bar chart; bar heights are proportional to the values.

    Args:
        bars: the bars, left to right.
        title: what the chart shows (its accessible name).
        chart_id: the ``id`` of the ``<svg>`` element.
        maximum: the value of a full-height bar (default: the largest value).
    """
    values = [bar.value for bar in bars if bar.value is not None]
    top = maximum if maximum is not None else max(values, default=Decimal(0))
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" id={quoteattr(chart_id)} class="chart" '
        f'role="img" aria-label={quoteattr(title)} viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}"><title>{escape(title)}</title>'
    )
    if not values or top <= 0:
        middle = HEIGHT // 2
        return (
            f'{head}<text class="no-data" x="{WIDTH // 2}" y="{middle}" '
            f'text-anchor="middle">no data</text></svg>'
        )
    slot = (WIDTH - 2 * SIDE) / len(bars)
    parts = [head, f'<line class="axis" x1="{SIDE}" y1="{TOP + PLOT}" x2="{WIDTH - SIDE}" '
             f'y2="{TOP + PLOT}" stroke="#5b6476"/>']  # fmt: skip
    every = -(-len(bars) // MAX_LABELS)  # a label on every n-th bar when they are many
    for index, bar in enumerate(bars):
        parts.append(_bar(bar, SIDE + index * slot, slot, top, labelled=index % every == 0))
    parts.append("</svg>")
    return "".join(parts)


def _bar(bar: Bar, left: float, slot: float, top: Decimal, *, labelled: bool) -> str:
    value = bar.value if bar.value is not None else Decimal(0)
    height = float(min(max(value, Decimal(0)), top) / top) * PLOT
    width = slot * 0.6
    x, centre = left + (slot - width) / 2, left + slot / 2
    y = TOP + PLOT - height
    parts = [
        f'<g class="bar"><title>{escape(bar.tooltip)}</title>'
        f'<rect x="{x:.2f}" y="{y:.2f}" width="{width:.2f}" height="{height:.2f}" '
        f'fill="#1f5fbf"/>'
    ]
    if slot >= MIN_FIGURE_SLOT:  # narrower bars keep their figure in the tooltip only
        parts.append(
            f'<text class="figure" x="{centre:.2f}" y="{y - 6:.2f}" text-anchor="middle" '
            f'font-size="12">{escape(bar.figure)}</text>'
        )
    if labelled:
        parts.append(
            f'<text class="label" x="{centre:.2f}" y="{TOP + PLOT + 18}" text-anchor="middle" '
            f'font-size="12">{escape(bar.label)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def aging_chart(buckets: Mapping[str, str], total: str, as_of: str) -> str:
    """Open AR by aging bucket (amounts as the report prints them, e.g. ``"1250.00"``)."""
    bars = [
        Bar(name, Decimal(amount), _money(amount), f"{name} days past due: {_money(amount)}")
        for name, amount in buckets.items()
    ]
    title = f"Aging as of {as_of}: open AR {_money(total)} by days past due"
    return bar_chart(bars, title=title, chart_id="chart-aging")


def kept_rate_chart(weeks: Sequence[Mapping[str, object]]) -> str:
    """PTP kept rate per ISO week of the promise date, on a 0-100 % scale.

    Args:
        weeks: ``{"week", "kept", "broken", "kept_rate"}`` per week (the dashboard JSON).
    """
    bars = []
    for week in weeks:
        rate = week["kept_rate"]
        value = None if rate is None else Decimal(str(rate))
        figure = "n/a" if value is None else f"{value * 100:.0f}%"
        tooltip = f"{week['week']}: {figure} kept ({week['kept']} kept, {week['broken']} broken)"
        bars.append(Bar(str(week["week"]), value, figure, tooltip))
    if all(bar.value is None for bar in bars):
        bars = []
    return bar_chart(
        bars,
        title="Promise-to-pay kept rate by week of the promise date",
        chart_id="chart-ptp-weeks",
        maximum=Decimal(1),
    )


def _money(amount: str) -> str:
    return f"{Decimal(amount):,.2f}"
