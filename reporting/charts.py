"""Server-rendered SVG charts for the monthly report page (R18): no JavaScript, no CDN.

Every text that reaches the markup (department names, month labels) goes through
`format_html`, so a name with `<` or `&` in it stays text. Numbers are formatted here, not
by the template engine, so a locale never turns "95.5" into "95,5" inside an SVG attribute.
"""

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

BAR_COLOUR = "#b71c1c"
LINE_COLOUR = "#b71c1c"
GRID_COLOUR = "#dddddd"
TEXT_COLOUR = "#666666"
TICKS = (0, 25, 50, 75, 100)


def percent_text(rate: float | None) -> str:
    """0.955 → "95.5%"; no figure → "—"."""
    if rate is None:
        return "—"
    return f"{rate * 100:.1f}%"


def _n(value: float) -> str:
    return f"{value:.1f}"


def on_time_bar_chart(bars: Sequence[tuple[str, float | None]], *, title: str) -> SafeString:
    """Horizontal bars, one per department, of its on-time claim rate (0…1).

    A department with nothing due in the month has no rate: it keeps its row, with an empty
    bar and "—", so every visible department is on the chart.
    """
    label_width, bar_width, value_width = 220, 420, 70
    row_height, top, bottom = 28, 24, 24
    width = label_width + bar_width + value_width
    height = top + row_height * max(len(bars), 1) + bottom
    grid = format_html_join(
        "",
        '<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{colour}" stroke-width="1"/>'
        '<text x="{x}" y="{ty}" font-size="11" fill="{text}" text-anchor="middle">{tick}%</text>',
        (
            {
                "x": _n(label_width + bar_width * tick / 100),
                "y1": top - 4,
                "y2": height - bottom + 4,
                "ty": top - 8,
                "tick": tick,
                "colour": GRID_COLOUR,
                "text": TEXT_COLOUR,
            }
            for tick in TICKS
        ),
    )
    rows = []
    for index, (label, rate) in enumerate(bars):
        y = top + index * row_height
        length = bar_width * max(0.0, min(rate, 1.0)) if rate is not None else 0.0
        rows.append(
            format_html(
                '<g class="bar-row">'
                '<text x="{lx}" y="{ty}" font-size="13" text-anchor="end">{label}</text>'
                '<rect class="{css}" x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}">'
                "<title>{label}: {value}</title></rect>"
                '<text x="{vx}" y="{ty}" font-size="13">{value}</text>'
                "</g>",
                lx=label_width - 8,
                ty=_n(y + row_height / 2 + 4),
                label=label,
                css="bar" if rate is not None else "bar empty",
                x=label_width,
                y=_n(y + 4),
                w=_n(length),
                h=row_height - 8,
                fill=BAR_COLOUR,
                value=percent_text(rate),
                vx=_n(label_width + max(length, 0) + 6),
            )
        )
    return format_html(
        '<svg class="chart bar-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" '
        'width="100%" role="img" aria-label="{title}"><title>{title}</title>{grid}{rows}</svg>',
        w=width,
        h=height,
        title=title,
        grid=grid,
        rows=mark_safe("".join(rows)),  # noqa: S308 - each row was built by format_html
    )


def on_time_trend_chart(points: Sequence[tuple[str, float | None]], *, title: str) -> SafeString:
    """A line of the on-time rate (0…1) per month; a month without a figure is a gap."""
    # The right margin holds half of the last month label ("2026-11" is ~42 px at 11 px).
    left, right, top, bottom = 48, 32, 16, 32
    plot_width, plot_height = 640, 180
    width, height = left + plot_width + right, top + plot_height + bottom
    step = plot_width / max(len(points) - 1, 1)

    def x_at(index: int) -> float:
        return left + index * step if len(points) > 1 else left + plot_width / 2

    def y_at(rate: float) -> float:
        return top + plot_height * (1 - max(0.0, min(rate, 1.0)))

    grid = format_html_join(
        "",
        '<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{colour}" stroke-width="1"/>'
        '<text x="{tx}" y="{ty}" font-size="11" fill="{text}" text-anchor="end">{tick}%</text>',
        (
            {
                "x1": left,
                "x2": left + plot_width,
                "y": _n(y_at(tick / 100)),
                "tx": left - 6,
                "ty": _n(y_at(tick / 100) + 4),
                "tick": tick,
                "colour": GRID_COLOUR,
                "text": TEXT_COLOUR,
            }
            for tick in TICKS
        ),
    )
    labels = format_html_join(
        "",
        '<text x="{x}" y="{y}" font-size="11" fill="{text}" text-anchor="middle">{label}</text>',
        (
            {"x": _n(x_at(i)), "y": height - 10, "label": label, "text": TEXT_COLOUR}
            for i, (label, _rate) in enumerate(points)
        ),
    )
    # Consecutive months with a figure form one segment; a missing month breaks the line.
    segments: list[list[tuple[float, float]]] = [[]]
    for index, (_label, rate) in enumerate(points):
        if rate is None:
            if segments[-1]:
                segments.append([])
            continue
        segments[-1].append((x_at(index), y_at(rate)))
    lines = format_html_join(
        "",
        '<polyline class="trend-line" points="{points}" fill="none" stroke="{colour}" '
        'stroke-width="2"/>',
        (
            {
                "points": " ".join(f"{_n(x)},{_n(y)}" for x, y in segment),
                "colour": LINE_COLOUR,
            }
            for segment in segments
            if len(segment) > 1
        ),
    )
    dots = format_html_join(
        "",
        '<circle class="trend-point" cx="{x}" cy="{y}" r="3.5" fill="{colour}">'
        "<title>{label}: {value}</title></circle>",
        (
            {
                "x": _n(x_at(i)),
                "y": _n(y_at(rate)),
                "colour": LINE_COLOUR,
                "label": label,
                "value": percent_text(rate),
            }
            for i, (label, rate) in enumerate(points)
            if rate is not None
        ),
    )
    return format_html(
        '<svg class="chart trend-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" '
        'width="100%" role="img" aria-label="{title}"><title>{title}</title>'
        "{grid}{labels}{lines}{dots}</svg>",
        w=width,
        h=height,
        title=title,
        grid=grid,
        labels=labels,
        lines=lines,
        dots=dots,
    )


def on_time_bars_phone(bars: Sequence[tuple[str, float | None]], *, title: str) -> SafeString:
    """The phone layout of a rate chart: each label on its own line above its bar, the bar on
    a grey track that stands for 100 %, the value beside it. 340 units wide, so it is drawn
    at about its own size on a 375-px screen and every label and value stays readable.

    Used for the department bars and, one bar per month, for the 12-month trend.
    """
    track_width, value_width, row_height, top = 262, 70, 46, 4
    width = track_width + value_width
    height = top + row_height * max(len(bars), 1)
    rows = []
    for index, (label, rate) in enumerate(bars):
        y = top + index * row_height
        length = track_width * max(0.0, min(rate, 1.0)) if rate is not None else 0.0
        rows.append(
            format_html(
                '<g class="bar-row">'
                '<text x="0" y="{ly}" font-size="14">{label}</text>'
                '<rect x="0" y="{by}" width="{tw}" height="14" fill="{track}"/>'
                '<rect class="{css}" x="0" y="{by}" width="{w}" height="14" fill="{fill}">'
                "<title>{label}: {value}</title></rect>"
                '<text x="{vx}" y="{vy}" font-size="14">{value}</text>'
                "</g>",
                ly=_n(y + 15),
                by=_n(y + 22),
                tw=track_width,
                track="#eeeeee",
                css="bar" if rate is not None else "bar empty",
                w=_n(length),
                fill=BAR_COLOUR,
                label=label,
                value=percent_text(rate),
                vx=track_width + 6,
                vy=_n(y + 34),
            )
        )
    return format_html(
        '<svg class="chart bar-chart chart-phone" xmlns="http://www.w3.org/2000/svg" '
        'viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{title}">'
        "<title>{title}</title>{rows}</svg>",
        w=width,
        h=height,
        title=title,
        rows=mark_safe("".join(rows)),  # noqa: S308 - each row was built by format_html
    )
