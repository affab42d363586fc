"""Template tags for record pages: a fact's link to the paragraph it comes from."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

NEWLINE = mark_safe("\n")


@register.simple_tag
def source_link(fact):
    """The link to the release paragraph a fact cites, when the public may see that release.

    A tag rather than an included template: a page has a link per fact, and an include costs a
    template render each. The newline after it is the one the included file ended with.
    """
    source = fact.public_source
    if source is None:
        return NEWLINE
    return format_html(
        '<a class="source" href="{}" title="Source: {}, paragraph {}">source ¶{}</a>\n',
        fact.get_source_url(),
        source.title,
        fact.source_paragraph,
        fact.source_paragraph,
    )
