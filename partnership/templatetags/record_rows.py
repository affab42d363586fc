"""{% meeting_rows meetings %}: the meetings list's rows, written in Python.

Every request for a list renders its 25 rows: through the template engine each row was five
lookups, each escaped and localised, a third of rendering the page. This writes the same markup,
byte for byte, as the loop in partnership/meeting_list.html did, every value escaped as
autoescaping escapes it.
"""

from django import template
from django.utils.safestring import SafeString, mark_safe

from .chart_marks import escape

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
