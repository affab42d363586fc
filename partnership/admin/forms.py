"""Editors' forms: a save refused when someone else saved first, and a guard against duplicate names."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from .. import models
from ..intake import Known, KnownNames, find_name_duplicates, propose


def is_staff(request) -> bool:
    return request.user.is_active and request.user.is_staff


def history_token(instance) -> str:
    """The id of the record's latest history entry: it changes with every save."""
    if instance.pk is None:
        return ""
    latest = (
        type(instance).history.filter(id=instance.pk).order_by("-history_id").values_list("history_id", flat=True)
    ).first()
    return str(latest or 0)


class EditorsForm(forms.ModelForm):
    """Refuses a save when someone else saved the record after this form was opened.

    docs/decisions/0005-history-and-concurrency.md says why optimistic locking on the history.
    """

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


class AliasesField(forms.Field):
    """Other spellings, one per line (stored as the record's list of aliases)."""

    widget = forms.Textarea(attrs={"rows": 4, "class": "vLargeTextField aliases-list"})
    default_help_text = "One spelling per line, as releases write it: “Jenca”, “SG Minh”."

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", self.default_help_text)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value):
        lines = value if isinstance(value, list) else (value or "").splitlines()
        names, seen = [], set()
        for line in lines:
            name = " ".join(str(line).split())
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
        too_long = [name for name in names if len(name) > 200]
        if too_long:
            raise ValidationError(f"A spelling is at most 200 characters: “{too_long[0][:40]}…” is longer.")
        return names


class DuplicateGuardForm(EditorsForm):
    """Warns when a name, alias or acronym already belongs to another record, and links to it."""

    save_anyway = forms.BooleanField(
        required=False,
        label="Save anyway",
        help_text="Tick only if this really is a different record from the one with the same name.",
    )
    aliases = AliasesField()
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


class PressReleaseForm(EditorsForm):
    """A release; its title, place and date may be left empty and are then read from the text."""

    original_url = forms.URLField(max_length=500, required=False, assume_scheme="https", label="Original URL")
    # Field → (what the proposal calls it, where in the text it is read).
    READ_FROM_TEXT = {
        "title": ("release_title", "headline"),
        "dateline_place": ("dateline_place", "dateline"),
        "date": ("dateline_date", "dateline"),
    }

    class Meta:
        model = models.PressRelease
        fields = ["title", "slug", "publisher", "dateline_place", "date", "body", "original_url", "status"]
        widgets = {"body": forms.Textarea(attrs={"rows": 20, "class": "vLargeTextField release-body"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Staff who may only read get a form without fields.
        for name, (_, where) in self.READ_FROM_TEXT.items():
            if name not in self.fields:
                continue
            self.fields[name].required = False
            self.fields[name].help_text = f"Left empty: read from the text's {where}."

    def clean(self):
        cleaned = super().clean()
        missing = [
            name
            for name in self.READ_FROM_TEXT
            if name in self.fields and not cleaned.get(name) and name not in self.errors
        ]
        if not missing:
            return cleaned
        proposal = propose(cleaned["body"], KnownNames()) if cleaned.get("body") else None
        for name in missing:
            attribute, where = self.READ_FROM_TEXT[name]
            value = getattr(proposal, attribute, None)
            if value:
                cleaned[name] = value
            else:
                self.add_error(
                    name, f"Give the {self.fields[name].label.lower()}: the text has no {where} to read it from."
                )
        return cleaned


class CooperationAreaForm(DuplicateGuardForm):
    """An area as a concept of the controlled vocabulary (SKOS: preferred and alternative labels, broader)."""

    aliases = AliasesField(
        label="Alternative labels",
        help_text="One per line: other names releases use for this area, e.g. “countering terrorism”.",
    )

    class Meta:
        model = models.CooperationArea
        fields = ["name", "slug", "parent", "aliases", "description"]
        labels = {"name": "Preferred label", "parent": "Broader concept", "description": "Scope note"}
        help_texts = {"description": "What the area covers (Markdown)."}


class PlaceForm(forms.ModelForm):
    """A city or venue: its other spellings one per line, as every record's aliases are edited."""

    aliases = AliasesField(required=False)
