"""Public pages: thin views over QuerySets."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Agreement, CooperationArea, Meeting, Official, Organisation, PressRelease


def home(request):
    meetings = Meeting.objects.public().select_related("source")[:10]
    return render(request, "partnership/home.html", {"meetings": meetings})


def meeting_detail(request, slug):
    meeting = get_object_or_404(Meeting.objects.public().select_related("source"), slug=slug)
    return render(request, "partnership/meeting_detail.html", {"meeting": meeting})


def official_detail(request, slug):
    official = get_object_or_404(Official, slug=slug)
    return render(request, "partnership/official_detail.html", {"official": official})


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    return render(request, "partnership/organisation_detail.html", {"organisation": organisation})


def area_detail(request, slug):
    area = get_object_or_404(CooperationArea, slug=slug)
    return render(request, "partnership/area_detail.html", {"area": area})


def agreement_detail(request, slug):
    agreement = get_object_or_404(Agreement, slug=slug)
    return render(request, "partnership/agreement_detail.html", {"agreement": agreement})


def release_detail(request, slug):
    release = get_object_or_404(PressRelease.objects.published(), slug=slug)
    return render(request, "partnership/release_detail.html", {"release": release})


def baseline(request):
    """The benchmark's ceiling (issue 6): the full middleware stack, no database, no template."""
    return HttpResponse("ok\n", content_type="text/plain")
