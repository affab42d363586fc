"""sitemap.xml (public records only, drafts never) and robots.txt."""

from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from .kinds import KINDS, Kind


class RecordSitemap(Sitemap):
    """The public records of one kind (partnership/kinds.py)."""

    limit = 5000

    def __init__(self, kind: Kind):
        self.kind, self.changefreq = kind, kind.changefreq

    def items(self):
        # Only the record itself is read here: no related lists for a <url> entry.
        return self.kind.model.objects.public().order_by("pk")

    def lastmod(self, item):
        return getattr(item, "updated_at", None)


class HomeSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return ["partnership:home"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"home": HomeSitemap, **{kind.collection: RecordSitemap(kind) for kind in KINDS.values()}}


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
