"""The repeated marks of the year chart (bands, bars, ticks, table rows) and of an official's
career (year lines, post spans, meeting marks), written in Python.

A list's sidebar, an area's and an official's page draw up to a few hundred bars, each with four
coordinates. Through the template engine, every one was a variable lookup and a `floatformat`
(Decimal arithmetic and a locale check): half the time of rebuilding a list after a save, and
half of rendering an official's page. Here each mark is one string, every label and address
escaped as autoescaping escapes it, and the markup is the same, byte for byte, as the loops in
charts/years.html and charts/career.html wrote.
"""

import functools
import html
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@functools.lru_cache(maxsize=16_384)
def fixed(value: float, places: int) -> str:
    """value as `floatformat:"<places>u"` writes it: rounded half up from its shortest decimal
    form, no grouping, no localisation, never "-0".

    Kept per value: an organisation's page writes about 1,000 coordinates, 200 of them distinct
    (every band's bars sit on the same year slots), at 2 microseconds each through Decimal."""
    number = Decimal(repr(float(value)))
    if places == 0 and number == number.to_integral_value():
        return str(int(number))
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    return text[1:] if text.startswith("-") and not rounded else text


def _band(chart, band) -> str:
    left, right = fixed(chart.plot_left, 1), fixed(chart.plot_right, 1)
    tick_x = fixed(chart.tick_x, 1)
    ticks = []
    for y, label in band.ticks:
        y = fixed(y, 1)
        ticks.append(
            f'\n        <line class="gridline" x1="{left}" x2="{right}" y1="{y}" y2="{y}"/>'
            f'\n        <text class="tick" x="{tick_x}" y="{y}" text-anchor="end" dominant-baseline="middle">'
            f"{escape(label)}</text>\n        "
        )
    bars = []
    for bar in band.bars:
        url, label = escape(bar.url), escape(bar.label)
        bars.append(
            f'\n      <a href="{url}" aria-label="{label}"><title>{label}</title>'
            f'<rect class="bar" x="{fixed(bar.x, 2)}" y="{fixed(bar.y, 2)}"'
            f' width="{fixed(bar.width, 2)}" height="{fixed(bar.height, 2)}"/></a>\n      '
        )
    return (
        f'\n    <g class="band {escape(band.css)}">\n      <g aria-hidden="true">'
        f'\n        <text class="band-label" x="{left}" y="{fixed(band.label_y, 1)}">'
        f"{escape(band.label)}</text>\n        "
        f"{''.join(ticks)}\n      </g>\n      {''.join(bars)}\n    </g>\n    "
    )


@register.simple_tag
def year_chart_bands(chart) -> SafeString:
    """Every band of a charts.YearChart: its label, count ticks and bars (links to each year's list)."""
    return mark_safe("".join(_band(chart, band) for band in chart.bands))


@register.simple_tag
def year_chart_labels(chart) -> SafeString:
    """The year under each labelled slot of the time axis."""
    y = fixed(chart.year_label_y, 1)
    return mark_safe(
        "".join(
            f'<text class="tick" x="{fixed(x, 1)}" y="{y}" text-anchor="middle">{escape(year)}</text>'
            for x, year in chart.year_labels
        )
    )


@register.simple_tag
def year_chart_rows(chart) -> SafeString:
    """The chart's numbers as table rows: a year, then its count in each column."""
    return mark_safe(
        "".join(
            f'<tr><th scope="row">{escape(row["year"])}</th>'
            + "".join(f"<td>{escape(count)}</td>" for count in row["counts"])
            + "</tr>"
            for row in chart.table
        )
    )


@register.simple_tag
def career_grid(career) -> SafeString:
    """A charts.Timeline's year lines, each with its year below the axis."""
    bottom, height = fixed(career.axis_y, 1), fixed(career.height, 1)
    lines = []
    for x, year in career.year_labels:
        x = fixed(x, 1)
        lines.append(
            f'<line class="gridline" x1="{x}" x2="{x}" y1="8" y2="{bottom}"/>'
            f'<text class="tick" x="{x}" y="{height}" dy="-4" text-anchor="middle">{escape(year)}</text>'
        )
    return mark_safe("".join(lines))


def _span(career, span) -> str:
    url, label, start, end = escape(span.url), escape(span.label), escape(span.start_text), escape(span.end_text)
    y, middle = fixed(span.y, 1), fixed(span.mid_y, 1)
    fuzzy_start = fuzzy_end = open_start = open_end = ""
    if span.fuzzy_start:
        fuzzy_start = (
            f'<rect class="span-fuzzy" fill="url(#fade-in)" x="{fixed(span.fuzzy_start_x, 1)}" y="{y}"'
            f' width="{fixed(span.fuzzy_start, 1)}" height="14"/>'
        )
    if span.fuzzy_end:
        fuzzy_end = (
            f'<rect class="span-fuzzy" fill="url(#fade-out)" x="{fixed(span.end_x, 1)}" y="{y}"'
            f' width="{fixed(span.fuzzy_end, 1)}" height="14"/>'
        )
    if span.open_start:
        open_start = (
            f'<line class="open" x1="{fixed(career.arrow_left, 1)}" x2="{fixed(career.left, 1)}"'
            f' y1="{middle}" y2="{middle}" marker-end="url(#open-end)"/>'
        )
    if span.open_end:
        open_end = (
            f'<line class="open" x1="{fixed(span.end_x, 1)}" x2="{fixed(career.right, 1)}"'
            f' y1="{middle}" y2="{middle}" marker-end="url(#open-end)"/>'
        )
    anchor = ' text-anchor="end"' if span.label_end else ""
    return (
        f'\n    <a href="{url}" aria-label="{label}: {start} to {end}">'
        f"\n      <title>{label}: {start} – {end}</title>"
        f"\n      {fuzzy_start}"
        f'\n      <rect class="span" x="{fixed(span.x, 1)}" y="{y}" width="{fixed(span.width, 1)}" height="14"/>'
        f"\n      {fuzzy_end}\n      {open_start}\n      {open_end}"
        f'\n      <text class="span-label" x="{fixed(span.label_x, 1)}" y="{y}" dy="-4"{anchor}>'
        f"{label} ({start} – {end})</text>\n    </a>\n    "
    )


@register.simple_tag
def career_spans(career) -> SafeString:
    """Every post of a charts.Timeline as a span (a link to its organisation), with its faded or open ends and label."""
    return mark_safe("".join(_span(career, span) for span in career.spans))


@register.simple_tag
def career_marks(career) -> SafeString:
    """The meetings of each year of a charts.Timeline as a circle, a link to that year's list."""
    marks = []
    for mark in career.marks:
        label = escape(mark.label)
        marks.append(
            f'\n    <a href="{escape(mark.url)}" aria-label="{label}"><title>{label}</title><circle class="mark"'
            f' cx="{fixed(mark.x, 1)}" cy="{fixed(mark.y, 1)}" r="{fixed(mark.radius, 1)}"/></a>\n    '
        )
    return mark_safe("".join(marks))


def escape(value) -> str:
    """What autoescaping writes for a label or an address (a str or an int): escaped, unless it is
    already safe HTML; without the lazy-string wrapper of django.utils.html.conditional_escape."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))
