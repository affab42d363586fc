"""The Extract screen: the release beside its proposal; the editor corrects, then confirms into records.

Every match is searched as the editor types (the admin's autocomplete over the records, never a
list of every record); possible matches are flagged for the editor to choose; rows can be added
for what the text names but extraction missed. A match the editor chose is learned as a spelling.
"""

from collections import defaultdict
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import formset_factory
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from .. import models, services
from ..dates import PartialDate
from ..intake import (
    Known,
    KnownNames,
    ProposedAgreement,
    ProposedArea,
    ProposedOfficial,
    ProposedOrganisation,
    ProposedOutcome,
    ProposedSummary,
    propose,
)
from ..names import name_key
from .widgets import RecordSearch


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


def paragraph_naming(text: str, paragraphs: list[str]) -> int | None:
    """The first paragraph (1 is the first) that names the text, ignoring case and accents."""
    key = name_key(text)
    if not key:
        return None
    return next((n for n, p in enumerate(paragraphs, 1) if f" {key} " in f" {name_key(p)} "), None)


class ParagraphMixin:
    """A row cites a paragraph of the release: the one given, or the first that names the row."""

    paragraph_source = "name"

    def __init__(self, *args, paragraphs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.paragraphs = list(paragraphs)

    def clean(self):
        data = super().clean()
        number, text = data.get("paragraph"), data.get(self.paragraph_source)
        if number is None and text:
            number = paragraph_naming(text, self.paragraphs)
            if number is None:
                self.add_error("paragraph", f"“{text[:60]}” is not in the release text: give the paragraph it is in.")
            data["paragraph"] = number
        elif number is not None and number > len(self.paragraphs):
            self.add_error("paragraph", f"The release has {len(self.paragraphs)} paragraphs.")
        return data


def autocomplete(model, field: str, placeholder: str) -> RecordSearch:
    """Search-as-you-type over the records a model field points at (the admin's autocomplete endpoint)."""
    return RecordSearch(model._meta.get_field(field), admin.site, attrs={"data-placeholder": placeholder})


class MeetingProposalForm(forms.Form):
    title = forms.CharField(max_length=300)
    date = PartialDateField(help_text="2015-06-26, 2015-06, 2015 or 1970s")
    venue = forms.CharField(max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    kind = forms.ChoiceField(choices=models.MeetingKind.choices)
    summary = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        help_text="One or two sentences from the text (Markdown).",
    )
    paragraph = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    summary_paragraph = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    @staticmethod
    def initial_for(proposal) -> dict:
        summary = proposal.summary
        return {
            "title": proposal.meeting_title,
            "date": proposal.meeting_date,
            "venue": proposal.venue,
            "city": proposal.city,
            "kind": proposal.meeting_kind,
            "paragraph": proposal.meeting_paragraph,
            "summary": summary.text if summary else "",
            "summary_paragraph": summary.paragraph if summary else None,
        }

    def apply(self, proposal) -> None:
        data = self.cleaned_data
        proposal.meeting_title, proposal.meeting_date = data["title"], data["date"]
        proposal.venue, proposal.city, proposal.meeting_kind = data["venue"], data["city"], data["kind"]
        proposal.meeting_paragraph = data["paragraph"]
        text = data["summary"].strip()
        paragraph = data["summary_paragraph"] or proposal.meeting_paragraph
        proposal.summary = ProposedSummary(text=text, paragraph=paragraph) if text else None


class ProposedItemForm(ParagraphMixin, forms.Form):
    """One proposed record: kept or not, its name, its paragraph, and the existing record it is (if any)."""

    include = forms.BooleanField(required=False, initial=True)
    name = forms.CharField(max_length=300)
    paragraph = forms.IntegerField(
        min_value=1,
        required=False,
        label="¶",
        widget=forms.NumberInput(attrs={"class": "paragraph-input"}),
        help_text="Left empty: the first paragraph naming it.",
    )
    proposed_match = forms.IntegerField(required=False, widget=forms.HiddenInput)
    model = None
    item_class = None
    match_source = None  # (model, field) whose autocomplete searches this kind of record
    extra_fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["match"] = forms.ModelChoiceField(
            queryset=self.model._default_manager.all(),
            required=False,
            label="Existing record",
            widget=autocomplete(*self.match_source, placeholder="— new record —"),
        )
        # The title first: the name, then the record it is.
        self.order_fields(["include", "name", "match"])

    @classmethod
    def initial_for(cls, item) -> dict:
        match = item.match.pk if item.match else None
        return {
            "include": item.include,
            "name": item.name,
            "paragraph": item.paragraph,
            "match": match,
            "proposed_match": match,
            "candidates": item.candidates,
            "mentions": item.mentions,
            **{field: getattr(item, field) for field in cls.extra_fields},
        }

    def to_item(self):
        data = self.cleaned_data
        record = data.get("match")
        known = Known(record.pk, record.display_name(), record.slug, frozenset()) if record else None
        return self.item_class(
            name=data["name"],
            paragraph=data["paragraph"],
            match=known,
            include=data["include"],
            **{field: data[field] for field in self.extra_fields},
        )

    def learned_spelling(self):
        """(record, spelling) when the editor chose a record extraction did not: a spelling to learn."""
        data = self.cleaned_data
        record = data.get("match")
        if not data.get("include") or record is None or record.pk == data.get("proposed_match"):
            return None
        return record, data["name"]


class ProposedOfficialForm(ProposedItemForm):
    model = models.Official
    item_class = ProposedOfficial
    match_source = (models.Participation, "official")
    extra_fields = ["honorific", "title", "organisation", "role"]
    honorific = forms.CharField(max_length=40, required=False)
    title = forms.CharField(max_length=200, required=False, label="Post")
    organisation = forms.CharField(max_length=200, required=False)
    role = forms.ChoiceField(choices=models.ParticipantRole.choices, initial=models.ParticipantRole.PARTICIPANT)


class ProposedOrganisationForm(ProposedItemForm):
    model = models.Organisation
    item_class = ProposedOrganisation
    match_source = (models.MeetingOrganisation, "organisation")
    extra_fields = ["acronym", "kind", "parent"]
    acronym = forms.CharField(max_length=30, required=False)
    kind = forms.ChoiceField(choices=models.OrganisationKind.choices, initial=models.OrganisationKind.OTHER)
    parent = forms.CharField(max_length=200, required=False, label="Part of")


class ProposedAreaForm(ProposedItemForm):
    model = models.CooperationArea
    item_class = ProposedArea
    match_source = (models.MeetingArea, "area")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = forms.ModelChoiceField(
            queryset=models.CooperationArea.objects.all(),
            required=False,
            label="Broader area (if new)",
            widget=autocomplete(models.CooperationArea, "parent", placeholder="— top of the tree —"),
        )

    @classmethod
    def initial_for(cls, item) -> dict:
        # The suggested parent arrives as a slug; the view swaps it for the record (one query for all rows).
        return {**super().initial_for(item), "parent": item.suggested_parent}

    def to_item(self):
        item = super().to_item()
        parent = self.cleaned_data.get("parent")
        item.suggested_parent = parent.slug if parent else None
        return item


class ProposedAgreementForm(ProposedItemForm):
    model = models.Agreement
    item_class = ProposedAgreement
    match_source = (models.MeetingAgreement, "agreement")
    extra_fields = ["kind", "signed"]
    kind = forms.ChoiceField(choices=models.AgreementKind.choices, initial=models.AgreementKind.OTHER)
    signed = PartialDateField(required=False)


class ProposedOutcomeForm(ParagraphMixin, forms.Form):
    paragraph_source = "text"
    include = forms.BooleanField(required=False, initial=True)
    kind = forms.ChoiceField(choices=models.OutcomeKind.choices, initial=models.OutcomeKind.AGREED)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"}))
    paragraph = forms.IntegerField(
        min_value=1, required=False, label="¶", widget=forms.NumberInput(attrs={"class": "paragraph-input"})
    )

    @staticmethod
    def initial_for(outcome) -> dict:
        return {"include": outcome.include, "kind": outcome.kind, "text": outcome.text, "paragraph": outcome.paragraph}

    def to_item(self):
        data = self.cleaned_data
        return ProposedOutcome(
            kind=data["kind"], text=data["text"], paragraph=data["paragraph"], include=data["include"]
        )


@dataclass(frozen=True)
class Section:
    """A kind of proposed row: its key in the proposal and the form of one row."""

    key: str
    title: str
    noun: str
    form: type[forms.Form]
    records: bool = True  # rows that name a record (matched, highlighted, learned)


SECTIONS = [
    Section("officials", "Officials", "official", ProposedOfficialForm),
    Section("organisations", "Organisations", "organisation", ProposedOrganisationForm),
    Section("areas", "Cooperation areas", "cooperation area", ProposedAreaForm),
    Section("agreements", "Agreements and documents", "agreement or document", ProposedAgreementForm),
    Section("outcomes", "Outcomes", "outcome", ProposedOutcomeForm, records=False),
]


def highlighted_paragraphs(paragraphs: list[str], marks: list[tuple[str, int, object]]) -> list[dict]:
    """The release's paragraphs, escaped, with each mention wrapped in a <mark> that names its row."""
    by_paragraph = defaultdict(list)
    for key, row, mention in marks:
        by_paragraph[mention.paragraph].append((mention.start, mention.end, key, row))
    rendered = []
    for number, text in enumerate(paragraphs, 1):
        pieces, cursor = [], 0
        for start, end, key, row in sorted(by_paragraph[number]):
            if start < cursor or start >= end or end > len(text):
                continue  # overlapping or out of range: the first mention wins
            pieces.append(escape(text[cursor:start]))
            pieces.append(
                format_html(
                    '<mark class="mention mention-{}" data-row="{}-{}">{}</mark>', key, key, row, text[start:end]
                )
            )
            cursor = end
        pieces.append(escape(text[cursor:]))
        rendered.append({"number": number, "html": mark_safe("".join(pieces))})  # every piece is escaped above
    return rendered


class ExtractViewMixin:
    """The release admin's Extract screen: propose, let the editor correct, confirm in one transaction."""

    def extract_view(self, request, object_id):
        """Propose records from the release; the editor corrects and confirms; nothing is written before."""
        release = get_object_or_404(models.PressRelease, pk=object_id)
        if not (self.has_change_permission(request, release) and request.user.has_perm("partnership.add_meeting")):
            raise PermissionDenied
        existing = release.derived_meetings.first()
        proposal = propose(release.body, KnownNames.cached())
        paragraphs = release.paragraphs()
        data = request.POST if request.method == "POST" else None
        meeting_form = MeetingProposalForm(data, prefix="meeting", initial=MeetingProposalForm.initial_for(proposal))
        initial = {
            section.key: [section.form.initial_for(item) for item in getattr(proposal, section.key)]
            for section in SECTIONS
        }
        self.swap_parent_slugs(initial["areas"])
        formsets = {
            section.key: formset_factory(section.form, extra=1)(
                data, prefix=section.key, initial=initial[section.key], form_kwargs={"paragraphs": paragraphs}
            )
            for section in SECTIONS
        }
        status = 200
        if request.method == "POST":
            if existing is not None:
                self.message_user(request, services.AlreadyExtracted(existing).message, messages.ERROR)
                status = 409
            elif meeting_form.is_valid() and all(formset.is_valid() for formset in formsets.values()):
                meeting_form.apply(proposal)
                for key, formset in formsets.items():
                    setattr(proposal, key, [form.to_item() for form in formset if form.has_changed() or form.initial])
                spellings = [
                    spelling
                    for section in SECTIONS
                    if section.records
                    for form in formsets[section.key]
                    if (form.has_changed() or form.initial) and (spelling := form.learned_spelling())
                ]
                publish = "_publish" in request.POST
                try:
                    meeting, learned = services.release_extract(
                        release=release, proposal=proposal, spellings=spellings, publish=publish, user=request.user
                    )
                except services.AlreadyExtracted as error:
                    existing, status = error.meeting, 409
                    self.message_user(request, error.message, messages.ERROR)
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
                else:
                    self.message_user(request, self.confirmation(meeting, learned, publish), messages.SUCCESS)
                    return redirect(reverse("admin:partnership_meeting_change", args=[meeting.pk]))
        marks = [
            (section.key, index, mention)
            for section in SECTIONS
            if section.records
            for index, form in enumerate(formsets[section.key])
            for mention in (form.initial or {}).get("mentions", [])
        ]
        media = self.media + meeting_form.media + formsets["areas"].media
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
                "sections": [
                    {
                        "key": section.key,
                        "title": section.title,
                        "noun": section.noun,
                        "formset": formsets[section.key],
                        "records": section.records,
                    }
                    for section in SECTIONS
                ],
                "paragraphs": highlighted_paragraphs(paragraphs, marks),
                "dates": proposal.dates,
                "places": proposal.places,
                "media": media,
            },
            status=status,
        )

    @staticmethod
    def swap_parent_slugs(rows: list[dict]) -> None:
        """Suggested parents arrive as slugs; the parent picker wants the records (one query)."""
        slugs = {row["parent"] for row in rows if row.get("parent")}
        found = models.CooperationArea.objects.in_bulk(slugs, field_name="slug") if slugs else {}
        for row in rows:
            parent = found.get(row.get("parent"))
            row["parent"] = parent.pk if parent else None

    @staticmethod
    def confirmation(meeting, learned, publish: bool) -> str:
        parts = [f"Created the meeting “{meeting}” and its links."]
        if learned:
            spellings = ", ".join(f"“{alias.text}”" for alias in learned)
            parts.append(f"Learned {spellings}: the next release using them is matched without help.")
        if publish:
            parts.append("The release is published.")
        return " ".join(parts)
