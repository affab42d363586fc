from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

public_patterns = [
    path("", views.home, name="home"),
    path("meetings/<slug:slug>/", views.meeting_detail, name="meeting-detail"),
    path("officials/<slug:slug>/", views.official_detail, name="official-detail"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
    path("areas/<slug:slug>/", views.area_detail, name="area-detail"),
    path("agreements/<slug:slug>/", views.agreement_detail, name="agreement-detail"),
    path("releases/<slug:slug>/", views.release_detail, name="release-detail"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include((public_patterns, "partnership"))),
]

if settings.BENCH_BASELINE:
    urlpatterns.append(path("bench/baseline/", views.baseline, name="bench-baseline"))
