"""API serializers: records with links between them as API URLs and `html_url` as the permanent page."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from partnership.dates import isoformat_partial_date
from partnership.models import Agreement, CooperationArea, Meeting, Official, Organisation, PressRelease

# -- fields -------------------------------------------------------------------------


@extend_schema_field({"type": "array", "items": {"type": "string", "format": "uri"}})
class LinkList(serializers.Field):
    """API URLs of linked records; `attr` reads the record from a link row (e.g. MeetingArea.area)."""

    def __init__(self, view_name: str, attr: str = "", **kwargs):
        self.view_name, self.attr = view_name, attr
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        items = value.all() if hasattr(value, "all") else value
        request = self.context.get("request")
        return [
            reverse(
                self.view_name, kwargs={"slug": (getattr(item, self.attr) if self.attr else item).slug}, request=request
            )
            for item in items
        ]


def link(view_name: str, **kwargs):
    return serializers.HyperlinkedRelatedField(view_name=view_name, lookup_field="slug", read_only=True, **kwargs)


@extend_schema_field(OpenApiTypes.URI)
class PageURL(serializers.Field):
    """The record's permanent page."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        request = self.context.get("request")
        path = record.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


@extend_schema_field(OpenApiTypes.STR)
class PartialDate(serializers.Field):
    """A date as precise as it is known: 2015-06-26, 2015-05, 2011 or 1970s."""

    def __init__(self, date_attr: str, precision_attr: str, **kwargs):
        self.date_attr, self.precision_attr = date_attr, precision_attr
        super().__init__(source="*", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, record):
        return isoformat_partial_date(getattr(record, self.date_attr), getattr(record, self.precision_attr)) or None


@extend_schema_field(OpenApiTypes.URI)
class SourceURL(serializers.Field):
    """The paragraph of the release a fact rests on."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, record):
        request = self.context.get("request")
        if not record.public_source:
            return None
        return request.build_absolute_uri(record.get_source_url()) if request else record.get_source_url()


@extend_schema_field({"type": "integer", "nullable": True})
class PublicSourceParagraph(serializers.Field):
    """The paragraph cited, when its release is one the public may see."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, record):
        return record.source_paragraph if record.public_source else None


class SourcedSerializer(serializers.Serializer):
    source = link("api:release-detail", allow_null=True, source="public_source")
    source_paragraph = PublicSourceParagraph()
    source_url = SourceURL()


# -- serializers --------------------------------------------------------------------


class OrganisationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:organisation-detail", lookup_field="slug")
    html_url = PageURL()
    parent = link("api:organisation-detail", allow_null=True)

    class Meta:
        model = Organisation
        fields = ["url", "html_url", "slug", "name", "acronym", "kind", "parent", "aliases", "description"]


class AreaSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:area-detail", lookup_field="slug")
    html_url = PageURL()
    parent = link("api:area-detail", allow_null=True)

    class Meta:
        model = CooperationArea
        fields = ["url", "html_url", "slug", "name", "parent", "aliases", "description"]


class PostSerializer(SourcedSerializer):
    title = serializers.CharField(read_only=True)
    organisation = link("api:organisation-detail")
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    start = PartialDate("start_date", "start_precision")
    end = PartialDate("end_date", "end_precision")


class OfficialSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:official-detail", lookup_field="slug")
    html_url = PageURL()
    posts = PostSerializer(source="public_posts", many=True, read_only=True)

    class Meta:
        model = Official
        fields = ["url", "html_url", "slug", "name", "honorific", "aliases", "description", "posts"]


class AgreementSerializer(SourcedSerializer, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:agreement-detail", lookup_field="slug")
    html_url = PageURL()
    signed = PartialDate("signed_date", "signed_precision")
    parties = LinkList("api:organisation-detail", source="public_parties")
    areas = LinkList("api:area-detail", source="public_areas")
    takes_into_account = LinkList("api:agreement-detail", source="public_takes_into_account")

    class Meta:
        model = Agreement
        fields = [
            "url",
            "html_url",
            "slug",
            "title",
            "short_title",
            "kind",
            "status",
            "signed",
            "signed_precision",
            "parties",
            "areas",
            "takes_into_account",
            "aliases",
            "description",
            "source",
            "source_paragraph",
            "source_url",
        ]


class ParticipantSerializer(serializers.Serializer):
    official = link("api:official-detail")
    name = serializers.CharField(source="official.name", read_only=True)
    role = serializers.CharField(read_only=True)
    post = serializers.CharField(source="public_post.title", read_only=True, allow_null=True, default=None)
    post_organisation = link(
        "api:organisation-detail", source="public_post.organisation", allow_null=True, default=None
    )


class OutcomeSerializer(SourcedSerializer):
    kind = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True)
    areas = LinkList("api:area-detail", source="public_areas")
    agreements = LinkList("api:agreement-detail", source="public_agreements")


class MeetingSerializer(SourcedSerializer, serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:meeting-detail", lookup_field="slug")
    html_url = PageURL()
    date = PartialDate("date", "date_precision")
    participants = ParticipantSerializer(source="public_participations", many=True, read_only=True)
    organisations = LinkList("api:organisation-detail", attr="organisation", source="public_organisation_links")
    areas = LinkList("api:area-detail", attr="area", source="public_area_links")
    agreements = LinkList("api:agreement-detail", attr="agreement", source="public_agreement_links")
    outcomes = OutcomeSerializer(source="public_outcomes", many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "url",
            "html_url",
            "slug",
            "title",
            "date",
            "date_precision",
            "kind",
            "venue",
            "city",
            "summary",
            "participants",
            "organisations",
            "areas",
            "agreements",
            "outcomes",
            "source",
            "source_paragraph",
            "source_url",
        ]


class ReleaseSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:release-detail", lookup_field="slug")
    html_url = PageURL()
    publisher = link("api:organisation-detail")
    publisher_name = serializers.CharField(source="publisher.name", read_only=True)

    class Meta:
        model = PressRelease
        fields = [
            "url",
            "html_url",
            "slug",
            "title",
            "date",
            "dateline_place",
            "publisher",
            "publisher_name",
            "original_url",
            "body",
        ]
