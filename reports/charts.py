"""Horizontal bar charts as plain numbers for an inline SVG drawn by `reports/_bars.html` (no JS)."""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 660
LABEL_WIDTH = 200
VALUE_WIDTH = 70
ROW = 26
BAR = 16


def _short(label: str, limit: int = 30) -> str:
    """A label that fits the chart's left column: cut at a word, with an ellipsis (the full one is the
    bar's tooltip and is in the table under the chart)."""
    if len(label) <= limit:
        return label
    cut = label[: limit - 1].rsplit(" ", 1)[0] if " " in label[: limit - 1] else label[: limit - 1]
    return cut.rstrip(" :,-") + "…"


@dataclass
class Bar:
    label: str
    value: float
    text: str
    y: int
    width: float
    alert: bool = False
    mark_x: float | None = None
    full_label: str = ""


@dataclass
class BarChart:
    title: str
    bars: list[Bar] = field(default_factory=list)
    reference_x: float | None = None
    reference_label: str = ""
    height: int = 0
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR

    @property
    def value_x(self) -> int:
        return WIDTH - VALUE_WIDTH + 6


def bar_chart(
    title: str,
    items: list[tuple[str, float | None]],
    *,
    unit: str = "",
    reference: float | None = None,
    reference_label: str = "",
    alerts: list[bool] | None = None,
    marks: list[float | None] | None = None,
    scale_max: float | None = None,
) -> BarChart:
    """One bar per (label, value); `reference` draws a vertical line (e.g. the budget), `marks` a tick."""
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    values = [v or 0 for _, v in items] + [m or 0 for m in marks or []] + [reference or 0]
    top = scale_max or max(values, default=0) or 1

    def x(value: float) -> float:
        return LABEL_WIDTH + span * min(value, top) / top

    chart = BarChart(title=title, height=max(len(items), 1) * ROW + 8)
    for index, (label, value) in enumerate(items):
        number = value or 0
        text = "—" if value is None else f"{number:g}{unit}"
        chart.bars.append(
            Bar(
                label=_short(label),
                full_label=label,
                value=number,
                text=text,
                y=4 + index * ROW,
                width=round(x(number) - LABEL_WIDTH, 1),
                alert=bool(alerts and alerts[index]),
                mark_x=None if not marks or marks[index] is None else round(x(marks[index]), 1),
            )
        )
    if reference is not None:
        chart.reference_x = round(x(reference), 1)
        chart.reference_label = reference_label
    return chart
