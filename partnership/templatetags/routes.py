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
