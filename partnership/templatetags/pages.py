"""Page links for the lists: numbers around the current page, and what to do beyond the last one.

Written in Python, as the loop in the former includes/pagination.html wrote them, byte for byte:
every list and search page renders them on each request, and through the template engine the
dozen links were a fifth of rendering a list's rows.
"""

from django import template
from django.utils.safestring import SafeString, mark_safe

from partnership.pagination import beyond_the_last_page

from .chart_marks import escape

register = template.Library()


@register.simple_tag(takes_context=True)
def pagination(context, page_obj, query: str) -> SafeString:
    """Links to the previous, next and nearby pages (query: the active filters, without the page),
    or nothing when the list has one page."""
    if not page_obj or page_obj.paginator.num_pages <= 1:
        return mark_safe("\n")
    paginator, number = page_obj.paginator, page_obj.number
    href = f"?{escape(query)}&amp;page=" if query else "?page="
    items = []
    for shown in paginator.get_elided_page_range(number, on_each_side=2, on_ends=1):
        if shown == paginator.ELLIPSIS:
            item = '<li aria-hidden="true">…</li>\n    '
        elif shown == number:
            item = (
                f'<li><a href="{href}{shown}" aria-current="page" aria-label="Page {shown}, this page">'
                f"{shown}</a></li>\n    "
            )
        else:
            item = f'<li><a href="{href}{shown}" aria-label="Page {shown}">{shown}</a></li>'
        items.append(f"\n    {item}\n    ")
    previous = f'<a rel="prev" href="{href}{number - 1}">← Previous</a>' if page_obj.has_previous() else ""
    following = f'<a rel="next" href="{href}{number + 1}">Next →</a>' if page_obj.has_next() else ""
    truncated = ""
    if paginator.truncated:
        request = context.get("request")
        advice = beyond_the_last_page(request.GET.get("sort", "") if request else "")
        truncated = f" (pages stop at {paginator.num_pages}: {escape(advice)} to reach the rest)"
    return mark_safe(
        f'\n<nav class="pagination" aria-label="Pages">\n  {previous}\n  <ul class="page-numbers">\n    '
        f"{''.join(items)}\n  </ul>\n  {following}\n"
        f'  <p class="page-of">Page {number} of {paginator.num_pages}{truncated}</p>\n</nav>\n\n'
    )
