"""Editors' screens: every record with search, filters, autocomplete, history and a guard against duplicates.

Roles (issue 4): the Editors group adds and changes releases and records; other staff may
read every screen but change nothing; anonymous visitors are sent to the login page.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.forms import formset_factory
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from . import models, services
from .dates import PartialDate
from .intake import (
    Known,
    KnownNames,
    ProposedAgreement,
    ProposedArea,
    ProposedOfficial,
    ProposedOrganisation,
    find_name_duplicates,
    propose,
)
from .markdown import render_markdown
from .pagination import EstimatedCountPaginator

# -- permissions --------------------------------------------------------------


def is_staff(request) -> bool:
    return request.user.is_active and request.user.is_staff


class StaffReadable:
    """Any staff member may read; changing needs the model permissions (the Editors group)."""

    def has_view_permission(self, request, obj=None):
        return is_staff(request) or super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return is_staff(request) or super().has_module_permission(request)


# -- concurrent saves -----------------------------------------------------------


def history_token(instance) -> str:
    """The id of the record's latest history entry: it changes with every save."""
    if instance.pk is None:
        return ""
    latest = (
        type(instance).history.filter(id=instance.pk).order_by("-history_id").values_list("history_id", flat=True)
    ).first()
    return str(latest or 0)


class EditorsForm(forms.ModelForm):
    """Refuses a save when someone else saved the record after this form was opened (docs/decisions/0005)."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = history_token(self.instance)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        if connection.in_atomic_block:
            # Hold the row until this save commits, so two saves cannot both pass the check.
            type(self.instance)._default_manager.select_for_update().filter(pk=self.instance.pk).first()
        current = history_token(self.instance)
        if (cleaned.get("version") or "") != current:
            latest = type(self.instance).history.filter(id=self.instance.pk).order_by("-history_id").first()
            who = latest.history_user if latest and latest.history_user else "someone else"
            when = f" at {latest.history_date:%H:%M:%S} UTC" if latest else ""
            raise ValidationError(
                f"{who} saved this record{when} after you opened it. Your changes were not saved: "
                "reload the page to see theirs, then make your change again.",
                code="stale",
            )
        return cleaned


class DuplicateGuardForm(EditorsForm):
    """Warns when a name, alias or acronym already belongs to another record, and links to it."""

    save_anyway = forms.BooleanField(
        required=False,
        label="Save anyway",
        help_text="Tick only if this really is a different record from the one with the same name.",
    )
    name_fields = ["name", "acronym", "short_title", "title"]

    def clean(self):
        cleaned = super().clean()
        names = [cleaned.get(field, "") for field in self.name_fields] + list(cleaned.get("aliases") or [])
        names = [name for name in names if isinstance(name, str) and name.strip()]
        model = self._meta.model
        others = model._default_manager.exclude(pk=self.instance.pk) if self.instance.pk else model._default_manager
        known = [Known(r.pk, r.display_name(), r.slug, frozenset(r.name_keys())) for r in others.all()]
        duplicates = find_name_duplicates(known, names)
        if duplicates and not cleaned.get("save_anyway"):
            links = format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                (
                    (reverse(f"admin:partnership_{model._meta.model_name}_change", args=[d.pk]), d.name)
                    for d in duplicates
                ),
            )
            raise ValidationError(
                format_html(
                    "Already in the knowledge base: {}. Use the existing record, or tick “Save anyway” "
                    "if this is a different {}.",
                    links,
                    model._meta.verbose_name,
                ),
                code="duplicate",
            )
        return cleaned


class EditorsAdmin(StaffReadable, SimpleHistoryAdmin):
    form = EditorsForm
    view_on_site = True
    list_per_page = 50

    def get_queryset(self, request):
        columns = {name: getattr(self, name, None) for name in self.list_display if isinstance(name, str)}
        counts = {name: column.count for name, column in columns.items() if hasattr(column, "count")}
        return super().get_queryset(request).annotate(**counts)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a revert for anyone who may read the history: reverting is a change.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class MergeAdmin(EditorsAdmin):
    """Records that can be merged: two entries for one official, organisation, area or agreement."""

    form = DuplicateGuardForm
    actions = ["merge_records"]

    @admin.action(description="Merge two selected records into one", permissions=["change"])
    def merge_records(self, request, queryset):
        records = list(queryset[:3])
        if len(records) != 2:
            self.message_user(request, "Select exactly two records to merge.", messages.WARNING)
            return None
        survivor_id = request.POST.get("survivor")
        if request.POST.get("post") == "yes" and survivor_id:
            survivor = next((r for r in records if str(r.pk) == survivor_id), None)
            if survivor is None:
                self.message_user(request, "Choose which record to keep.", messages.ERROR)
                return None
            duplicate = next(r for r in records if r.pk != survivor.pk)
            name = str(duplicate)
            try:
                services.records_merge(survivor=survivor, duplicate=duplicate, user=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            self.message_user(request, f"Merged “{name}” into “{survivor}”; its old address now redirects here.")
            return redirect(reverse(f"admin:partnership_{self.model._meta.model_name}_change", args=[survivor.pk]))
        return TemplateResponse(
            request,
            "admin/partnership/merge_confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Merge two {self.model._meta.verbose_name_plural}",
                "opts": self.model._meta,
                "records": records,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )


# -- inlines ----------------------------------------------------------------------


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


# -- records --------------------------------------------------------------------------


def count_of(model, field: str):
    """A per-row count as a correlated subquery, so only the rows a page shows are counted
    (a GROUP BY over the whole table took seconds at 200,000 meetings, issue 6)."""
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(rows.annotate(count=Count("pk")).values("count")), 0)


def counted(field: str, description: str, model, link: str):
    """A sortable list column counting the model's rows whose `link` points at the record;
    EditorsAdmin.get_queryset annotates it (as `field`) for every such column shown."""

    def column(model_admin, obj):
        return getattr(obj, field)

    column.short_description = description
    column.admin_order_field = field
    column.count = count_of(model, link)
    return column


@admin.register(models.Organisation)
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


@admin.register(models.Official)
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


@admin.register(models.Post)
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


@admin.register(models.CooperationArea)
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


@admin.register(models.Agreement)
class AgreementAdmin(MergeAdmin):
    list_display = ["title", "kind", "status", "signed_date", "meeting_count"]
    ordering = ["title"]
    list_filter = ["kind", "status", "signed_precision", ("parties", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "short_title", "aliases", "slug"]
    autocomplete_fields = ["parties", "areas", "takes_into_account", "source"]
    prepopulated_fields = {"slug": ["title"]}
    meeting_count = counted("meeting_count", "meetings", models.MeetingAgreement, "agreement")


@admin.register(models.Meeting)
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
    # At 200,000 meetings: no COUNT(*) of the whole table on every page (issue 6).
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


@admin.register(models.Relationship)
class RelationshipAdmin(EditorsAdmin):
    list_display = ["from_organisation", "to_organisation", "kind", "since_date"]
    list_filter = ["kind", "since_precision"]
    list_select_related = ["from_organisation", "to_organisation"]
    search_fields = ["description", "from_organisation__name", "to_organisation__name"]
    autocomplete_fields = ["from_organisation", "to_organisation", "source"]
    view_on_site = False


@admin.register(models.SlugRedirect)
class SlugRedirectAdmin(StaffReadable, admin.ModelAdmin):
    list_display = ["old_path", "content_type", "object_id", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["old_path"]


# -- releases: preview, extract and confirm, publish --------------------------------------


class PartialDateField(forms.CharField):
    """A date as precise as it is known: 2015-06-26, 2015-06, 2015 or 1970s."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return PartialDate.parse(value)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def prepare_value(self, value):
        return value.isoformat() if isinstance(value, PartialDate) else value


class MeetingProposalForm(forms.Form):
    title = forms.CharField(max_length=300)
    date = PartialDateField(help_text="2015-06-26, 2015-06, 2015 or 1970s")
    venue = forms.CharField(max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    kind = forms.ChoiceField(choices=models.MeetingKind.choices)
    paragraph = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ProposedItemForm(forms.Form):
    include = forms.BooleanField(required=False, initial=True)
    name = forms.CharField(max_length=300)
    paragraph = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    match = forms.ModelChoiceField(queryset=None, required=False, empty_label="— new record —")
    model = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["match"].queryset = self.model._default_manager.all()

    def known(self) -> Known | None:
        record = self.cleaned_data.get("match")
        return Known(record.pk, record.display_name(), record.slug, frozenset()) if record else None


class ProposedOfficialForm(ProposedItemForm):
    model = models.Official
    honorific = forms.CharField(max_length=40, required=False)
    title = forms.CharField(max_length=200, required=False)
    organisation = forms.CharField(max_length=200, required=False)
    role = forms.ChoiceField(choices=models.ParticipantRole.choices)


class ProposedOrganisationForm(ProposedItemForm):
    model = models.Organisation
    acronym = forms.CharField(max_length=30, required=False)
    kind = forms.ChoiceField(choices=models.OrganisationKind.choices)
    parent = forms.CharField(max_length=200, required=False)


class ProposedAreaForm(ProposedItemForm):
    model = models.CooperationArea


class ProposedAgreementForm(ProposedItemForm):
    model = models.Agreement
    kind = forms.ChoiceField(choices=models.AgreementKind.choices)
    signed = PartialDateField(required=False)


PROPOSAL_FORMSETS = {
    "officials": (ProposedOfficialForm, ["honorific", "title", "organisation", "role"]),
    "organisations": (ProposedOrganisationForm, ["acronym", "kind", "parent"]),
    "areas": (ProposedAreaForm, []),
    "agreements": (ProposedAgreementForm, ["kind", "signed"]),
}
PROPOSAL_ITEMS = {
    "officials": ProposedOfficial,
    "organisations": ProposedOrganisation,
    "areas": ProposedArea,
    "agreements": ProposedAgreement,
}


class PressReleaseForm(EditorsForm):
    original_url = forms.URLField(max_length=500, required=False, assume_scheme="https", label="Original URL")

    class Meta:
        model = models.PressRelease
        fields = ["title", "slug", "publisher", "dateline_place", "date", "body", "original_url", "status"]
        widgets = {"body": forms.Textarea(attrs={"rows": 20, "class": "vLargeTextField release-body"})}


@admin.register(models.PressRelease)
class PressReleaseAdmin(EditorsAdmin):
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

    def extract_view(self, request, object_id):
        """Propose records from the release; the editor corrects and confirms; nothing is written before."""
        release = get_object_or_404(models.PressRelease, pk=object_id)
        if not (self.has_change_permission(request, release) and request.user.has_perm("partnership.add_meeting")):
            raise PermissionDenied
        existing = release.derived_meetings.first()
        proposal = propose(release.body, KnownNames.from_database())
        if request.method == "POST":
            meeting_form = MeetingProposalForm(request.POST, prefix="meeting")
            formsets = {
                key: formset_factory(form_class, extra=0)(request.POST, prefix=key)
                for key, (form_class, _) in PROPOSAL_FORMSETS.items()
            }
            if meeting_form.is_valid() and all(f.is_valid() for f in formsets.values()) and existing is None:
                self.apply_corrections(proposal, meeting_form, formsets)
                try:
                    meeting = services.meeting_create_from_proposal(
                        release=release, proposal=proposal, user=request.user
                    )
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
                else:
                    self.message_user(request, f"Created the meeting “{meeting}” and its links.", messages.SUCCESS)
                    return redirect(reverse("admin:partnership_meeting_change", args=[meeting.pk]))
        else:
            meeting_form = MeetingProposalForm(
                prefix="meeting",
                initial={
                    "title": proposal.meeting_title,
                    "date": proposal.meeting_date,
                    "venue": proposal.venue,
                    "city": proposal.city,
                    "kind": proposal.meeting_kind,
                    "paragraph": proposal.meeting_paragraph,
                },
            )
            formsets = {
                key: formset_factory(form_class, extra=0)(
                    prefix=key,
                    initial=[
                        {
                            "include": True,
                            "name": item.name,
                            "paragraph": item.paragraph,
                            "match": item.match.pk if item.match else None,
                            **{field: getattr(item, field) for field in extra_fields},
                        }
                        for item in getattr(proposal, key)
                    ],
                )
                for key, (form_class, extra_fields) in PROPOSAL_FORMSETS.items()
            }
        paragraphs = release.paragraphs()
        sections = [
            {
                "key": key,
                "title": key.capitalize(),
                "formset": formset,
                "rows": [
                    {"form": form, "quote": paragraphs[(form.initial or {}).get("paragraph", 1) - 1][:300]}
                    if (form.initial or {}).get("paragraph", 1) <= len(paragraphs)
                    else {"form": form, "quote": ""}
                    for form in formset
                ],
            }
            for key, formset in formsets.items()
        ]
        return TemplateResponse(
            request,
            "admin/partnership/pressrelease/extract.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Extract records from “{release.title}”",
                "opts": self.model._meta,
                "original": release,
                "release": release,
                "existing": existing,
                "meeting_form": meeting_form,
                "sections": sections,
                "dates": proposal.dates,
                "places": proposal.places,
                "media": self.media,
            },
        )

    @staticmethod
    def apply_corrections(proposal, meeting_form, formsets) -> None:
        """The editor's corrections replace what the text proposed."""
        data = meeting_form.cleaned_data
        proposal.meeting_title, proposal.meeting_date = data["title"], data["date"]
        proposal.venue, proposal.city, proposal.meeting_kind = data["venue"], data["city"], data["kind"]
        proposal.meeting_paragraph = data["paragraph"]
        for key, formset in formsets.items():
            item_class = PROPOSAL_ITEMS[key]
            items = [
                item_class(
                    name=form.cleaned_data["name"],
                    paragraph=form.cleaned_data["paragraph"],
                    match=form.known(),
                    include=form.cleaned_data["include"],
                    **{field: form.cleaned_data[field] for field in PROPOSAL_FORMSETS[key][1]},
                )
                for form in formset
                if form.cleaned_data
            ]
            setattr(proposal, key, items)
