"""API viewsets and router: one read-only endpoint per record kind.

Each reads the same public QuerySet, FilterSet and prefetches as the exports
(partnership/exports.py), so the API, the downloads and the pages agree.
"""

from django.db.models import Prefetch
from django.http import JsonResponse
from django_filters import ModelMultipleChoiceFilter
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_array_type, build_basic_type, build_parameter_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers, viewsets
from rest_framework.routers import DefaultRouter

from partnership.exports import EXPORTS
from partnership.filters import YearFilter
from partnership.models import Agreement, CooperationArea, Meeting, Official, Organisation, Outcome, PressRelease

from .plumbing import FilterBackend
from .serializers import (
    AgreementSerializer,
    AreaSerializer,
    MeetingSerializer,
    OfficialSerializer,
    OrganisationSerializer,
    ReleaseSerializer,
)

# -- viewsets -----------------------------------------------------------------------


class SlugFilterExtension(DjangoFilterExtension):
    """Documents slug filters (?area=a&area=b) as repeatable strings, years as bounded integers
    and empty values as allowed, which drf-spectacular cannot guess."""

    target_class = "partnership.api.plumbing.FilterBackend"
    priority = 1

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        parameters = super().get_schema_operation_parameters(auto_schema, *args, **kwargs)
        for parameter in parameters:
            # As in the pages' forms, an empty filter (?date_before=) is no filter.
            parameter["allowEmptyValue"] = True
        return parameters

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        if isinstance(filter_field, YearFilter):
            # A whole year within the form's bounds, not any number (schemathesis found year=0 and 2015.5).
            return [
                build_parameter_type(
                    name=field_name,
                    location=OpenApiParameter.QUERY,
                    description=filter_field.label or field_name,
                    schema={
                        **build_basic_type(OpenApiTypes.INT),
                        "minimum": filter_field.extra["min_value"],
                        "maximum": filter_field.extra["max_value"],
                    },
                )
            ]
        if not isinstance(filter_field, ModelMultipleChoiceFilter):
            return super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        return [
            build_parameter_type(
                name=field_name,
                location=OpenApiParameter.QUERY,
                description=f"{filter_field.label or field_name}: a slug; repeat to require several.",
                schema=build_array_type(build_basic_type(OpenApiTypes.STR)),
                explode=True,
            )
        ]


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class BadParametersSerializer(ErrorSerializer):
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


BAD_PARAMETERS = OpenApiResponse(
    BadParametersSerializer,
    description=(
        "A query parameter the list does not take, or a malformed value (a filter, a page or page_size "
        "that is not a whole number, a control character): each parameter named with its reasons."
    ),
    examples=[
        OpenApiExample(
            "A malformed year",
            value={"detail": "Bad query parameters.", "errors": {"year": ["Enter a whole number."]}},
            response_only=True,
            status_codes=["400"],
        )
    ],
)


class RecordSchema(AutoSchema):
    """Documents the errors every operation can answer with, beside the 200.

    400: a malformed or unknown query parameter (plumbing.FilterBackend, Pagination);
    404: no such slug, or a page past the last; 429: throttled.
    """

    def get_response_serializers(self):
        return {
            200: super().get_response_serializers(),
            400: BAD_PARAMETERS,
            404: ErrorSerializer,
            429: ErrorSerializer,
        }


class RecordViewSet(viewsets.ReadOnlyModelViewSet):
    """A record kind: list (filtered, paginated) and detail by slug; drafts never appear."""

    schema = RecordSchema()
    kind: str = ""
    extra_prefetch: list = []
    lookup_field = "slug"
    filter_backends = [FilterBackend]

    def get_queryset(self):
        export = EXPORTS[self.kind]
        return export.queryset().prefetch_related(*export.prefetch, *self.extra_prefetch)


class MeetingViewSet(RecordViewSet):
    """Meetings reported in published releases, newest first."""

    kind = "meetings"
    serializer_class = MeetingSerializer
    filterset_class = EXPORTS[kind].filterset_class
    queryset = Meeting.objects.none()
    extra_prefetch = [
        Prefetch(
            "outcomes",
            queryset=Outcome.objects.public().select_related("source").prefetch_related("areas", "agreements"),
            to_attr="public_outcomes",
        )
    ]


class OfficialViewSet(RecordViewSet):
    """Officials, with the posts they held (title, organisation, dates as precise as known)."""

    kind = "officials"
    serializer_class = OfficialSerializer
    filterset_class = EXPORTS[kind].filterset_class
    queryset = Official.objects.none()


class OrganisationViewSet(RecordViewSet):
    """Organisations and the parts of them, e.g. the ASEAN Secretariat within ASEAN."""

    kind = "organisations"
    serializer_class = OrganisationSerializer
    filterset_class = EXPORTS[kind].filterset_class
    queryset = Organisation.objects.none()


class AreaViewSet(RecordViewSet):
    """Cooperation areas: pillars (no parent) and the areas below them."""

    kind = "areas"
    serializer_class = AreaSerializer
    filterset_class = EXPORTS[kind].filterset_class
    queryset = CooperationArea.objects.none()


class AgreementViewSet(RecordViewSet):
    """Declarations, plans, MoUs and frameworks, with their parties and areas."""

    kind = "agreements"
    serializer_class = AgreementSerializer
    filterset_class = EXPORTS[kind].filterset_class
    queryset = Agreement.objects.none()
    extra_prefetch = [Prefetch("takes_into_account", queryset=Agreement.objects.public())]


class ReleaseViewSet(RecordViewSet):
    """Published press releases, verbatim (Markdown); paragraphs are numbered from 1 in citations."""

    kind = "releases"
    serializer_class = ReleaseSerializer
    filterset_class = EXPORTS[kind].filterset_class
    queryset = PressRelease.objects.none()


def not_found(request, *args, **kwargs):
    """Any other URL under /api/ ending in a slash (e.g. a slug with a dot, which the router's
    pattern refuses): the API's JSON 404, not the site's HTML page. URLs without the slash are
    left to APPEND_SLASH."""
    return JsonResponse({"detail": "Not found."}, status=404)


router = DefaultRouter()
for prefix, viewset in [
    ("meetings", MeetingViewSet),
    ("officials", OfficialViewSet),
    ("organisations", OrganisationViewSet),
    ("areas", AreaViewSet),
    ("agreements", AgreementViewSet),
    ("releases", ReleaseViewSet),
]:
    router.register(prefix, viewset, basename=EXPORTS[prefix].api_basename)
