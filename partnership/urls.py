from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import exports, feeds, sitemaps, views
from .api.views import not_found as api_not_found
from .api.views import router as api_router

public_patterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("search/", views.search_page, name="search"),
    path("search/suggest/", views.suggest, name="suggest"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/network/", views.meeting_network, name="meeting-network"),
    path("meetings/map/", views.meeting_map, name="meeting-map"),
    path("meetings/<slug:slug>/", views.meeting_detail, name="meeting-detail"),
    path("officials/", views.official_list, name="official-list"),
    path("officials/<slug:slug>/", views.official_detail, name="official-detail"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
    path("areas/", views.area_list, name="area-list"),
    re_path(r"^areas/vocabulary\.(?P<extension>ttl|jsonld)$", views.area_vocabulary, name="area-vocabulary"),
    path("areas/<slug:slug>/", views.area_detail, name="area-detail"),
    path("agreements/", views.agreement_list, name="agreement-list"),
    path("agreements/<slug:slug>/", views.agreement_detail, name="agreement-detail"),
    path("releases/", views.release_list, name="release-list"),
    path("releases/<slug:slug>/", views.release_detail, name="release-detail"),
    # Data out: filtered exports, the full dataset, feeds.
    path("export/dataset.json", exports.dataset_download, name="export-dataset"),
    path("export/<slug:kind>.csv", exports.export_csv, name="export-csv"),
    path("export/<slug:kind>.json", exports.export_json, name="export-json"),
    path("feeds/meetings/", feeds.MeetingFeed(), name="feed-meetings"),
    path("feeds/releases/", feeds.ReleaseFeed(), name="feed-releases"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps.SITEMAPS}, name="sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots-txt"),
]

api_patterns = [
    path("", include(api_router.urls)),
    # One API version: a ?version= from the query string would go into a response header unchecked.
    path("schema/", SpectacularAPIView.as_view(api_version=settings.SPECTACULAR_SETTINGS["VERSION"]), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^.*/$", api_not_found),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include((api_patterns, "api"))),
    path("", include((public_patterns, "partnership"))),
]

if settings.BENCH_BASELINE:
    urlpatterns.append(path("bench/baseline/", views.baseline, name="bench-baseline"))
