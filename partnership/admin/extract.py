"""Extraction: the proposal from a release, corrected by the editor, then confirmed into records."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import formset_factory
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from .. import models, services
from ..dates import PartialDate
from ..intake import (
    Known,
    KnownNames,
    ProposedAgreement,
    ProposedArea,
    ProposedOfficial,
    ProposedOrganisation,
    propose,
)


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


class ExtractViewMixin:
    """The release admin's Extract screen: propose, let the editor correct, confirm in one transaction."""

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
