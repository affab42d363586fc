"""API viewsets and router: one read-only endpoint per record kind of partnership/kinds.py.

Each reads the kind's public QuerySet and FilterSet, as the pages and the exports do,
so the API, the downloads and the pages agree.
"""

from django.http import JsonResponse
from django_filters import ModelMultipleChoiceFilter
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_array_type, build_basic_type, build_parameter_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers, viewsets
from rest_framework.routers import DefaultRouter

from partnership.filters import YearFilter
from partnership.kinds import KINDS, Kind

from .plumbing import FilterBackend

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
    kind: Kind
    lookup_field = "slug"
    filter_backends = [FilterBackend]

    def get_queryset(self):
        return self.kind.public()


def viewset(kind: Kind) -> type[RecordViewSet]:
    """The kind's endpoint: its public read, FilterSet and serializer (partnership/kinds.py)."""
    return type(
        f"{kind.model.__name__}ViewSet",
        (RecordViewSet,),
        {
            "__doc__": kind.description,
            "__module__": __name__,
            "kind": kind,
            "serializer_class": kind.serializer,
            "filterset_class": kind.filterset_class,
            "queryset": kind.model.objects.none(),
        },
    )


def not_found(request, *args, **kwargs):
    """Any other URL under /api/ ending in a slash (e.g. a slug with a dot, which the router's
    pattern refuses): the API's JSON 404, not the site's HTML page. URLs without the slash are
    left to APPEND_SLASH."""
    return JsonResponse({"detail": "Not found."}, status=404)


router = DefaultRouter()
for _kind in KINDS.values():
    router.register(_kind.collection, viewset(_kind), basename=_kind.key)
