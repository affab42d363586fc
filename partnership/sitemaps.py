"""sitemap.xml (public records only, drafts never) and robots.txt."""

from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from .exports import EXPORTS


class RecordSitemap(Sitemap):
    """The public records of one kind, as listed by the exports."""

    limit = 5000

    def __init__(self, kind: str, changefreq: str = "monthly"):
        self.kind, self.changefreq = kind, changefreq

    def items(self):
        return EXPORTS[self.kind].queryset().order_by("pk")


class ReleaseSitemap(RecordSitemap):
    def lastmod(self, item):
        return item.updated_at


class HomeSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return ["partnership:home"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "home": HomeSitemap,
    "meetings": RecordSitemap("meetings", "monthly"),
    "releases": ReleaseSitemap("releases", "yearly"),
    "agreements": RecordSitemap("agreements"),
    "officials": RecordSitemap("officials"),
    "organisations": RecordSitemap("organisations"),
    "areas": RecordSitemap("areas"),
}


@require_safe
def robots_txt(request):
    """Crawl the pages and feeds; keep crawlers off the admin, the API and the bulk downloads."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /export/",
        f"Sitemap: {request.build_absolute_uri(reverse('partnership:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
