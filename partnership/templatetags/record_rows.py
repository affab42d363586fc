"""Rows every render repeats, written in Python: the meetings list's (`{% meeting_rows %}`) and
the meetings an official attended, by year (`{% meetings_attended %}`).

Every request for a list renders its 25 rows, and an official's page up to 50: through the
template engine each row was five lookups or more, each escaped and localised, a third of
rendering the page. These write the same markup, byte for byte, as the loops in
partnership/meeting_list.html and partnership/official_detail.html did, every value escaped as
autoescaping escapes it.
"""

from itertools import groupby

from django import template
from django.utils.safestring import SafeString, mark_safe

from .chart_marks import escape
from .facts import source_link

register = template.Library()


@register.simple_tag
def meeting_rows(meetings) -> SafeString:
    """One list item per meeting (lists.meeting_rows): its title linked to its page, its date with
    its precision and its place."""
    return mark_safe("".join(map(_row, meetings)))


def _row(meeting) -> str:
    place = meeting.place
    return (
        f'\n    <li class="record"><a href="{escape(meeting.url)}">{escape(meeting.title)}</a>'
        f'\n  <span class="meta"><span class="date">{escape(meeting.date_display)}</span>'
        f"{f' · {escape(place)}' if place else ''}</span></li>\n\n    "
    )


@register.simple_tag
def meetings_attended(participations) -> SafeString:
    """An official's participations (newest meeting first) under a heading per year: each meeting
    linked, with its date, the role played and the public post held, and the fact's source link."""
    years = []
    for year, rows in groupby(participations, key=lambda participation: participation.meeting.date.year):
        years.append(
            f'\n  <h3 id="meetings-{year}" class="year-heading">{year}</h3>\n  <ul class="records">\n    '
            f"{''.join(map(_attended, rows))}\n  </ul>\n  "
        )
    return mark_safe("".join(years) or "<p>None recorded.</p>\n  ")


def _attended(participation) -> str:
    meeting, post = participation.meeting, participation.public_post
    role = escape(participation.get_role_display().lower())
    held = f", as {escape(post.title)}" if post else ""
    return (
        f'\n    <li><a href="{escape(meeting.get_absolute_url())}">{escape(meeting.title)}</a>'
        f'\n      <span class="meta">{escape(meeting.date_display)} · {role}'
        f"{held}</span>\n      {source_link(participation)}</li>\n    "
    )
