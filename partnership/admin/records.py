"""The ModelAdmins of every record and their inlines."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path

from .. import models, services
from ..markdown import render_markdown
from ..pagination import EstimatedCountPaginator
from .base import EditorsAdmin, MergeAdmin, StaffReadable, counted
from .extract import ExtractViewMixin
from .forms import PressReleaseForm


class SourcedInline(StaffReadable, admin.TabularInline):
    extra = 0
    autocomplete_fields = ["source"]


class PostInline(SourcedInline):
    model = models.Post
    autocomplete_fields = ["organisation", "source"]


class ParticipationInline(SourcedInline):
    model = models.Participation
    autocomplete_fields = ["official", "post", "source"]


class MeetingOrganisationInline(SourcedInline):
    model = models.MeetingOrganisation
    autocomplete_fields = ["organisation", "source"]


class MeetingAreaInline(SourcedInline):
    model = models.MeetingArea
    autocomplete_fields = ["area", "source"]


class MeetingAgreementInline(SourcedInline):
    model = models.MeetingAgreement
    autocomplete_fields = ["agreement", "source"]


class OutcomeInline(StaffReadable, admin.StackedInline):
    model = models.Outcome
    extra = 0
    autocomplete_fields = ["areas", "agreements", "source"]


class OrganisationAdmin(MergeAdmin):
    list_display = ["name", "acronym", "kind", "parent", "post_count", "meeting_count"]
    ordering = ["name"]
    list_filter = ["kind", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "acronym", "aliases", "slug"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    post_count = counted("post_count", "posts", models.Post, "organisation")
    meeting_count = counted("meeting_count", "meetings", models.MeetingOrganisation, "organisation")


class OfficialAdmin(MergeAdmin):
    list_display = ["name", "honorific", "post_count", "meeting_count"]
    ordering = ["name"]
    list_filter = ["honorific", ("posts__organisation", admin.RelatedOnlyFieldListFilter)]
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    search_fields = ["name", "aliases", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PostInline]
    post_count = counted("post_count", "posts", models.Post, "official")
    meeting_count = counted("meeting_count", "meetings", models.Participation, "official")


class PostAdmin(EditorsAdmin):
    list_display = ["official", "title", "organisation", "start_date", "end_date", "participation_count"]
    ordering = ["official__name", "title"]
    list_filter = [("organisation", admin.RelatedOnlyFieldListFilter), "start_precision"]
    list_select_related = ["official", "organisation"]
    search_fields = ["title", "official__name", "official__aliases", "organisation__name"]
    autocomplete_fields = ["official", "organisation", "source"]
    participation_count = counted("participation_count", "meetings", models.Participation, "post")

    def view_on_site(self, obj):
        return obj.official.get_absolute_url()


class CooperationAreaAdmin(MergeAdmin):
    list_display = ["name", "parent", "meeting_count", "agreement_count"]
    ordering = ["name"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "aliases", "slug"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    meeting_count = counted("meeting_count", "meetings", models.MeetingArea, "area")
    agreement_count = counted("agreement_count", "agreements", models.Agreement.areas.through, "cooperationarea")


class AgreementAdmin(MergeAdmin):
    list_display = ["title", "kind", "status", "signed_date", "meeting_count"]
    ordering = ["title"]
    list_filter = ["kind", "status", "signed_precision", ("parties", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "short_title", "aliases", "slug"]
    autocomplete_fields = ["parties", "areas", "takes_into_account", "source"]
    prepopulated_fields = {"slug": ["title"]}
    meeting_count = counted("meeting_count", "meetings", models.MeetingAgreement, "agreement")


class MeetingAdmin(EditorsAdmin):
    list_display = ["title", "date", "city", "kind", "participant_count", "area_count", "is_public"]
    ordering = ["-date", "-pk"]
    list_filter = [
        "kind",
        "date_precision",
        "source__status",
        "areas",
        "organisations",
    ]
    # At 200,000 meetings: no COUNT(*) of the whole table on every page.
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    list_select_related = ["source"]
    search_fields = ["title", "summary", "venue", "city", "participants__name"]
    autocomplete_fields = ["source"]
    date_hierarchy = "date"
    inlines = [
        ParticipationInline,
        MeetingOrganisationInline,
        MeetingAreaInline,
        MeetingAgreementInline,
        OutcomeInline,
    ]
    participant_count = counted("participant_count", "participants", models.Participation, "meeting")
    area_count = counted("area_count", "areas", models.MeetingArea, "meeting")

    @admin.display(boolean=True, description="public")
    def is_public(self, obj):
        return bool(obj.source_id and obj.source.is_published)


class RelationshipAdmin(EditorsAdmin):
    list_display = ["from_organisation", "to_organisation", "kind", "since_date"]
    list_filter = ["kind", "since_precision"]
    list_select_related = ["from_organisation", "to_organisation"]
    search_fields = ["description", "from_organisation__name", "to_organisation__name"]
    autocomplete_fields = ["from_organisation", "to_organisation", "source"]
    view_on_site = False


class SlugRedirectAdmin(StaffReadable, admin.ModelAdmin):
    list_display = ["old_path", "content_type", "object_id", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["old_path"]


class PressReleaseAdmin(ExtractViewMixin, EditorsAdmin):
    form = PressReleaseForm
    ordering = ["-date", "title"]
    list_display = ["title", "dateline_place", "date", "publisher", "status", "meeting_count"]
    list_filter = ["status", ("publisher", admin.RelatedOnlyFieldListFilter), "dateline_place"]
    list_select_related = ["publisher"]
    search_fields = ["title", "body", "dateline_place"]
    autocomplete_fields = ["publisher"]
    date_hierarchy = "date"
    actions = ["publish", "unpublish"]
    readonly_fields = ["created_at", "updated_at"]
    meeting_count = counted("meeting_count", "meetings", models.Meeting, "source")
    change_form_template = "admin/partnership/pressrelease/change_form.html"

    class Media:
        js = ["partnership/admin/release-preview.js"]
        css = {"all": ["partnership/admin/editors.css"]}

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_published else None

    def get_urls(self):
        return [
            path("preview/", self.admin_site.admin_view(self.preview_view), name="partnership_pressrelease_preview"),
            path(
                "<int:object_id>/extract/",
                self.admin_site.admin_view(self.extract_view),
                name="partnership_pressrelease_extract",
            ),
            *super().get_urls(),
        ]

    @admin.action(description="Publish selected releases", permissions=["change"])
    def publish(self, request, queryset):
        count = services.releases_set_status(
            releases=queryset, status=models.ReleaseStatus.PUBLISHED, user=request.user
        )
        self.message_user(request, f"Published {count} release(s).")

    @admin.action(description="Unpublish selected releases (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = services.releases_set_status(releases=queryset, status=models.ReleaseStatus.DRAFT, user=request.user)
        self.message_user(request, f"Unpublished {count} release(s).")

    def preview_view(self, request):
        """The body as the public page will show it, sanitised the same way (POST: text=…)."""
        if request.method != "POST":
            return HttpResponse(status=405)
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        # The public page's renderer and allow-list: the preview is what readers will see.
        text = request.POST.get("text", "")
        return HttpResponse(render_markdown(text, paragraph_anchors=True), content_type="text/html")
