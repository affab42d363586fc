"""{% facet name label choices %}: one facet of the meetings list's sidebar, written in Python.

A sidebar lists about 150 choices, each a link with its count, a plural and a selected state.
Through the template engine every choice was a dozen lookups and filters; this writes the same
markup, byte for byte, each label and address escaped as autoescaping escapes it.
"""

import functools

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .chart_marks import escape

register = template.Library()

_SELECTED_ATTRIBUTES = ' aria-current="true" class="selected"'
_SELECTED_MARK = '<span aria-hidden="true">✓ </span>'
_SELECTED_HINT = ", selected: remove this filter"


@functools.lru_cache(maxsize=4096)
def _count(count: int, language: str) -> str:
    """intcomma(count), escaped: localising a number looks up the language's format each time,
    and a sidebar prints a hundred counts."""
    return escape(intcomma(count))


@register.simple_tag
def facet(name: str, label: str, choices) -> SafeString:
    """A facet's heading and its choices (filters.FacetChoice), or nothing when it has none."""
    if not choices:
        return mark_safe("\n")
    name, language = escape(name), get_language()
    items = []
    for choice in choices:
        selected = choice.selected
        items.append(
            f'\n    <li class="depth-{escape(choice.depth)}">\n      <a href="?{escape(choice.query)}"'
            f"{_SELECTED_ATTRIBUTES if selected else ''}>{_SELECTED_MARK if selected else ''}{escape(choice.label)} "
            f'<span class="count">{_count(choice.count, language)}<span class="visually-hidden"> '
            f"meeting{'' if choice.count == 1 else 's'}{_SELECTED_HINT if selected else ''}"
            "</span></span></a>\n    </li>\n    "
        )
    return mark_safe(
        f'\n<section class="facet" aria-labelledby="facet-{name}">\n  <h3 id="facet-{name}">{escape(label)}</h3>'
        f"\n  <ul>\n    {''.join(items)}\n  </ul>\n</section>\n\n"
    )
