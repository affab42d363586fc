"""Permanent redirects from the old URLs of merged records (issue 4).

URL-agnostic: a 404 at a path recorded in SlugRedirect becomes a 301 to the
survivor's current URL, whatever view served the old one.
"""

from django.http import HttpResponsePermanentRedirect


class MergedRecordRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        from .models import SlugRedirect

        redirect = SlugRedirect.objects.filter(old_path=request.path).select_related("content_type").first()
        target = redirect.target() if redirect else None
        if target is None:
            return response
        url = target.get_absolute_url()
        if request.META.get("QUERY_STRING"):
            url = f"{url}?{request.META['QUERY_STRING']}"
        return HttpResponsePermanentRedirect(url)
