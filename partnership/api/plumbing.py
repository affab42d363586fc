"""API plumbing named in settings.REST_FRAMEWORK: pagination, throttles, error shape, filter backend.

Kept apart from the views: DRF reads these settings while importing its views, so
this module must not import rest_framework.views at import time.
"""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from partnership.filters import FilterError, bind_filters


class Pagination(PageNumberPagination):
    """Pages of 50 by default; ?page_size= up to 200. A malformed page number is a 400, not a 404."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        errors = {}
        for name in (self.page_query_param, self.page_size_query_param):
            value = request.query_params.get(name)
            if value is not None and value != "last" and not (value.isascii() and value.isdigit() and int(value) >= 1):
                errors[name] = ["Expected a whole number of 1 or more."]
        if errors:
            raise ValidationError(errors)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        """As DRF's, with the minimum of 1 that paginate_queryset enforces (a larger page_size is capped)."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters


class FilterBackend(DjangoFilterBackend):
    """The view's FilterSet, refusing unknown parameters as well as malformed ones (400, by name)."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        ignore = {"format", Pagination.page_query_param, Pagination.page_size_query_param}
        try:
            return bind_filters(filterset_class, request.query_params, queryset, request=request, ignore=ignore).qs
        except FilterError as error:
            raise ValidationError(error.errors) from None


class AnonThrottle(AnonRateThrottle):
    """Per-IP limit for anonymous use; the rate (settings API_THROTTLE_ANON) is read per request."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class UserThrottle(UserRateThrottle):
    """Per-account limit for signed-in use; anonymous use has AnonThrottle's budget alone (DRF's
    user throttle also counts anonymous clients by address, which held them to the smaller rate)."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


def exception_handler(exc, context):
    """DRF's handler, with 400s shaped like the exports': {"detail": ..., "errors": {parameter: [...]}}."""
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError) and isinstance(response.data, dict):
        response.data = {"detail": "Bad query parameters.", "errors": response.data}
    return response
