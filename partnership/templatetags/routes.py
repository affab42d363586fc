"""{% route 'partnership:meeting-list' %}: {% url %} for a route without arguments, read once.

Every page links to a dozen such routes (the header, the footer, the breadcrumbs), and reverse()
walks the resolver each time: about a millisecond a page.
"""

from django import template

from partnership.models import route_url

register = template.Library()


@register.simple_tag
def route(name: str) -> str:
    return route_url(name)


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """This page's address as it should be cited: a list's with its active filters and without its
    page number (`filterset.query_string`). Written three times a page (the canonical link, Open
    Graph, the printed footer), and an include costs a tenth of a millisecond each."""
    request = context["request"]
    query = getattr(context.get("filterset"), "query_string", "")
    return f"{request.scheme}://{request.get_host()}{request.path}{f'?{query}' if query else ''}"
