"""Page links for the lists: numbers around the current page, and what to do beyond the last one."""

from django import template

from partnership.pagination import beyond_the_last_page

register = template.Library()


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def pagination(context, page_obj, query: str):
    request = context.get("request")
    sort = request.GET.get("sort", "") if request else ""
    numbers = page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1) if page_obj else []
    return {
        "page_obj": page_obj,
        "query": query,
        "page_numbers": list(numbers),
        "truncated_advice": beyond_the_last_page(sort),
    }
