"""The dataset format: every record and link, keyed by slug, with provenance.

One format serves the shipped fixture, the full download and its restore
(docs/decisions/0003-dataset-format-and-provenance.md). Loading is atomic and idempotent:
records are matched by slug and updated, a meeting's links are replaced, and
the first bad value stops the load with a message naming the record and field.
"""

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch

from .dates import PartialDate, isoformat_partial_date
from .models import (
    Agreement,
    City,
    CooperationArea,
    Meeting,
    MeetingAgreement,
    MeetingArea,
    MeetingOrganisation,
    Official,
    Organisation,
    Outcome,
    Participation,
    Post,
    PressRelease,
    Relationship,
    Venue,
)

FORMAT = "partnership-dataset/1"
# The format as a JSON Schema, shipped for anyone to check a file with (README, "Data").
SCHEMA_PATH = Path(settings.BASE_DIR) / "fixtures" / "dataset.schema.json"


class DatasetError(ValueError):
    """A bad value in a dataset, named by record and field."""

    def __init__(self, record: str, field: str, message: str):
        self.record, self.field, self.message = record, field, message
        super().__init__(f"{record}, field '{field}': {message}")


class _Loader:
    def __init__(self, data: dict):
        if not isinstance(data, dict):
            raise DatasetError("dataset", "(top level)", "expected a JSON object")
        if data.get("format", FORMAT) != FORMAT:
            raise DatasetError("dataset", "format", f"expected '{FORMAT}', got {data.get('format')!r}")
        self.data = data
        self.saved: dict[str, set] = {}

    # -- reading values -------------------------------------------------
    def items(self, key: str) -> list[tuple[str, dict]]:
        rows = self.data.get(key, [])
        if not isinstance(rows, list):
            raise DatasetError(key, "(list)", "expected a list of records")
        labelled = []
        for index, row in enumerate(rows):
            label = f"{key}[{index}]"
            if not isinstance(row, dict):
                raise DatasetError(label, "(record)", "expected an object")
            if row.get("slug"):
                label += f" ({row['slug']})"
            labelled.append((label, row))
        return labelled

    @staticmethod
    def required(label: str, row: dict, field: str) -> Any:
        value = row.get(field)
        if value in (None, "", []):
            raise DatasetError(label, field, "is required")
        return value

    @staticmethod
    def strings(label: str, row: dict, field: str) -> list[str]:
        value = row.get(field, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise DatasetError(label, field, "expected a list of strings")
        return value

    @staticmethod
    def partial_date(label: str, row: dict, field: str, required: bool = False) -> PartialDate | None:
        value = row.get(field)
        if value in (None, ""):
            if required:
                raise DatasetError(label, field, "is required")
            return None
        try:
            return PartialDate.parse(value)
        except ValueError as error:
            raise DatasetError(label, field, str(error)) from None

    @staticmethod
    def ref(label: str, field: str, model, slug: Any):
        if not isinstance(slug, str):
            raise DatasetError(label, field, f"expected a slug, got {slug!r}")
        try:
            return model._default_manager.get(slug=slug)
        except model.DoesNotExist:
            raise DatasetError(label, field, f"no {model._meta.verbose_name} with slug '{slug}'") from None

    def source(self, label: str, row: dict) -> dict:
        slug, paragraph = row.get("source"), row.get("paragraph")
        if slug in (None, ""):
            if paragraph not in (None, ""):
                raise DatasetError(label, "source", "a paragraph needs a source release")
            return {"source": None, "source_paragraph": None}
        release = self.ref(label, "source", PressRelease, slug)
        if not isinstance(paragraph, int) or isinstance(paragraph, bool):
            raise DatasetError(label, "paragraph", f"expected a paragraph number, got {paragraph!r}")
        return {"source": release, "source_paragraph": paragraph}

    # -- writing --------------------------------------------------------
    def save(self, label: str, instance, exclude_unique: bool = False):
        try:
            instance.full_clean(validate_unique=not exclude_unique)
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            raise DatasetError(label, field, " ".join(messages)) from None
        instance.save()
        self.saved.setdefault(str(instance._meta.verbose_name_plural), set()).add(instance.pk)
        return instance

    def upsert(self, label: str, model, slug: str, values: dict):
        instance = model._default_manager.filter(slug=slug).first() or model(slug=slug)
        for field, value in values.items():
            setattr(instance, field, value)
        return self.save(label, instance)

    def load(self) -> dict[str, int]:
        self.load_named_tree("organisations", Organisation, ["name", "acronym", "kind"])
        self.load_named_tree("areas", CooperationArea, ["name"])
        self.load_releases()
        # Releases load after the organisations that publish them; where records were first seen, after both.
        self.load_first_seen("organisations", Organisation)
        self.load_first_seen("areas", CooperationArea)
        self.load_officials()
        self.load_agreements()
        self.load_places()
        self.load_meetings()
        self.load_relationships()
        return {kind: len(pks) for kind, pks in self.saved.items()}

    def load_named_tree(self, key: str, model, fields: list[str]):
        rows = self.items(key)
        for label, row in rows:
            slug = self.required(label, row, "slug")
            values = {field: row.get(field, model._meta.get_field(field).get_default()) for field in fields}
            values["name"] = self.required(label, row, "name")
            values["aliases"] = self.strings(label, row, "aliases")
            values["description"] = row.get("description", "")
            self.upsert(label, model, slug, values)
        # Parents second, so a record may name a parent listed after it.
        for label, row in rows:
            instance = model._default_manager.get(slug=row["slug"])
            parent = row.get("parent")
            instance.parent = self.ref(label, "parent", model, parent) if parent else None
            self.save(label, instance)

    def first_seen(self, label: str, row: dict) -> PressRelease | None:
        slug = row.get("first_seen")
        return self.ref(label, "first_seen", PressRelease, slug) if slug not in (None, "") else None

    def load_first_seen(self, key: str, model):
        for label, row in self.items(key):
            instance = model._default_manager.get(slug=row["slug"])
            instance.first_seen = self.first_seen(label, row)
            self.save(label, instance)

    def load_releases(self):
        for label, row in self.items("releases"):
            day = self.partial_date(label, row, "date", required=True)
            if day.precision != "day":
                raise DatasetError(label, "date", "a release's dateline gives the full date (YYYY-MM-DD)")
            self.upsert(
                label,
                PressRelease,
                self.required(label, row, "slug"),
                {
                    "title": self.required(label, row, "title"),
                    "publisher": self.ref(label, "publisher", Organisation, self.required(label, row, "publisher")),
                    "dateline_place": self.required(label, row, "dateline_place"),
                    "date": day.date,
                    "body": self.required(label, row, "body"),
                    "original_url": row.get("original_url", ""),
                    "status": row.get("status", "draft"),
                },
            )

    def load_officials(self):
        for label, row in self.items("officials"):
            official = self.upsert(
                label,
                Official,
                self.required(label, row, "slug"),
                {
                    "name": self.required(label, row, "name"),
                    "honorific": row.get("honorific", ""),
                    "aliases": self.strings(label, row, "aliases"),
                    "description": row.get("description", ""),
                    "first_seen": self.first_seen(label, row),
                },
            )
            for index, post_row in enumerate(row.get("posts", [])):
                self.load_post(f"{label} → posts[{index}]", official, post_row)

    def load_post(self, label: str, official: Official, row: dict):
        organisation = self.ref(label, "organisation", Organisation, self.required(label, row, "organisation"))
        title = self.required(label, row, "title")
        start = self.partial_date(label, row, "start")
        end = self.partial_date(label, row, "end")
        post = Post.objects.filter(
            official=official, organisation=organisation, title=title, start_date=start.date if start else None
        ).first() or Post(official=official, organisation=organisation, title=title)
        post.start_date, post.start_precision = (start.date, start.precision) if start else (None, "day")
        post.end_date, post.end_precision = (end.date, end.precision) if end else (None, "day")
        for field, value in self.source(label, row).items():
            setattr(post, field, value)
        self.save(label, post)

    def load_agreements(self):
        rows = self.items("agreements")
        for label, row in rows:
            signed = self.partial_date(label, row, "signed")
            agreement = self.upsert(
                label,
                Agreement,
                self.required(label, row, "slug"),
                {
                    "title": self.required(label, row, "title"),
                    "short_title": row.get("short_title", ""),
                    "kind": row.get("kind", "agreement"),
                    "status": row.get("status", "not_stated"),
                    "signed_date": signed.date if signed else None,
                    "signed_precision": signed.precision if signed else "day",
                    "aliases": self.strings(label, row, "aliases"),
                    "description": row.get("description", ""),
                    **self.source(label, row),
                },
            )
            agreement.parties.set(
                [self.ref(label, "parties", Organisation, slug) for slug in self.strings(label, row, "parties")]
            )
            agreement.areas.set(
                [self.ref(label, "areas", CooperationArea, slug) for slug in self.strings(label, row, "areas")]
            )
        for label, row in rows:
            Agreement.objects.get(slug=row["slug"]).takes_into_account.set(
                [
                    self.ref(label, "takes_into_account", Agreement, slug)
                    for slug in self.strings(label, row, "takes_into_account")
                ]
            )

    def load_places(self):
        """Cities and venues (optional: a meeting's place text makes its records when they are absent)."""
        for label, row in self.items("cities"):
            values = {field: row.get(field) for field in ("latitude", "longitude")}
            values.update(name=self.required(label, row, "name"), country=row.get("country", ""))
            values.update(aliases=self.strings(label, row, "aliases"), description=row.get("description", ""))
            self.upsert(label, City, self.required(label, row, "slug"), values)
        for label, row in self.items("venues"):
            city = self.ref(label, "city", City, row["city"]) if row.get("city") else None
            values = {"name": self.required(label, row, "name"), "city": city}
            values.update(aliases=self.strings(label, row, "aliases"), description=row.get("description", ""))
            self.upsert(label, Venue, self.required(label, row, "slug"), values)

    def load_meetings(self):
        for label, row in self.items("meetings"):
            day = self.partial_date(label, row, "date", required=True)
            meeting = self.upsert(
                label,
                Meeting,
                self.required(label, row, "slug"),
                {
                    "title": self.required(label, row, "title"),
                    "date": day.date,
                    "date_precision": day.precision,
                    "venue": row.get("venue", ""),
                    "city": row.get("city", ""),
                    "kind": row.get("kind", "bilateral"),
                    "summary": row.get("summary", ""),
                    **self.source(label, row),
                },
            )
            # A meeting owns its links: a reload replaces them rather than adding to them.
            meeting.participations.all().delete()
            meeting.organisation_links.all().delete()
            meeting.area_links.all().delete()
            meeting.agreement_links.all().delete()
            meeting.outcomes.all().delete()
            for index, link in enumerate(row.get("participants", [])):
                link_label = f"{label} → participants[{index}]"
                official = self.ref(link_label, "official", Official, self.required(link_label, link, "official"))
                post = None
                if link.get("post"):
                    post = official.posts.filter(title=link["post"]).first()
                    if post is None:
                        raise DatasetError(link_label, "post", f"{official} has no post titled '{link['post']}'")
                self.save(
                    link_label,
                    Participation(
                        meeting=meeting,
                        official=official,
                        post=post,
                        role=link.get("role", "participant"),
                        **self.source(link_label, link),
                    ),
                )
            for key, model, field, target in [
                ("organisations", MeetingOrganisation, "organisation", Organisation),
                ("areas", MeetingArea, "area", CooperationArea),
                ("agreements", MeetingAgreement, "agreement", Agreement),
            ]:
                for index, link in enumerate(row.get(key, [])):
                    link_label = f"{label} → {key}[{index}]"
                    record = self.ref(link_label, field, target, self.required(link_label, link, field))
                    self.save(link_label, model(meeting=meeting, **{field: record}, **self.source(link_label, link)))
            for index, link in enumerate(row.get("outcomes", [])):
                link_label = f"{label} → outcomes[{index}]"
                outcome = self.save(
                    link_label,
                    Outcome(
                        meeting=meeting,
                        position=index,
                        kind=self.required(link_label, link, "kind"),
                        text=self.required(link_label, link, "text"),
                        **self.source(link_label, link),
                    ),
                )
                outcome.areas.set(
                    [self.ref(link_label, "areas", CooperationArea, s) for s in self.strings(link_label, link, "areas")]
                )
                outcome.agreements.set(
                    [
                        self.ref(link_label, "agreements", Agreement, s)
                        for s in self.strings(link_label, link, "agreements")
                    ]
                )

    def load_relationships(self):
        for label, row in self.items("relationships"):
            since = self.partial_date(label, row, "since")
            values = {
                "from_organisation": self.ref(label, "from", Organisation, self.required(label, row, "from")),
                "to_organisation": self.ref(label, "to", Organisation, self.required(label, row, "to")),
                "kind": self.required(label, row, "kind"),
                "description": self.required(label, row, "description"),
            }
            relationship = Relationship.objects.filter(**values).first() or Relationship(**values)
            relationship.since_date = since.date if since else None
            relationship.since_precision = since.precision if since else "day"
            for field, value in self.source(label, row).items():
                setattr(relationship, field, value)
            self.save(label, relationship)


def load_dataset(data: dict) -> dict[str, int]:
    """Create or update every record in data, all or nothing. Returns counts by kind."""
    check_schema(data)
    with transaction.atomic():
        return _Loader(data).load()


def load_dataset_file(path: str | Path) -> dict[str, int]:
    path = Path(path)
    # Bytes that are not UTF-8 become lone surrogates, which the schema refuses in the field that holds them.
    text = path.read_bytes().decode("utf-8", errors="surrogateescape")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DatasetError(str(path), f"line {error.lineno}", f"not valid JSON ({error.msg})") from None
    return load_dataset(data)


# -- the schema ---------------------------------------------------------------


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def check_schema(data: Any) -> None:
    """Raise DatasetError for the first value of data the schema refuses, named by record and field."""
    error = next(_validator().iter_errors(data), None)
    if error is not None:
        record, field = _locate(data, list(error.absolute_path))
        if error.validator == "required":
            field = next(name for name in error.validator_value if name not in error.instance)
        raise DatasetError(record, field, _describe(error))


def _locate(data: Any, path: list) -> tuple[str, str]:
    """("meetings[0] (slug) → participants[1]", "official") for the path of a value in data."""
    parts, node, i = [], data, 0
    while i + 1 < len(path) and isinstance(path[i], str) and isinstance(path[i + 1], int):
        item = node[path[i]][path[i + 1]]
        if not isinstance(item, dict):
            break
        slug = item.get("slug")
        parts.append(f"{path[i]}[{path[i + 1]}]" + (f" ({slug})" if isinstance(slug, str) and slug else ""))
        node, i = item, i + 2
    field = "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if n else p) for n, p in enumerate(path[i:]))
    return " → ".join(parts) or "dataset", field or ("(record)" if parts else "(top level)")


JSON_TYPES = {
    "string": "text",
    "array": "a list",
    "object": "an object",
    "integer": "a whole number",
    "number": "a number",
    "null": "null",
}


def _kind(value: Any) -> str:
    for json_type, name in [
        (bool, "true or false"),
        (str, "text"),
        (list, "a list"),
        (dict, "an object"),
        (int, "a whole number"),
        (float, "a number"),
    ]:
        if isinstance(value, json_type):
            return name
    return "null"


def _describe(error: jsonschema.ValidationError) -> str:
    value, rule = error.instance, error.validator_value
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    if error.validator == "type":
        expected = " or ".join(JSON_TYPES.get(t, t) for t in ([rule] if isinstance(rule, str) else rule))
        return f"expected {expected}, got {_kind(value)} {shown}"
    if error.validator == "pattern" and isinstance(value, str):
        if "\x00" in value:
            return f"contains a NUL character (at {value.index(chr(0))})"
        if any("\ud800" <= c <= "\udfff" for c in value):
            return "contains bytes that are not valid UTF-8"
        return f"expected a slug (letters, digits, - and _), got {shown}"
    if error.validator == "required" or (error.validator == "minLength" and rule == 1):
        return "is required"
    if error.validator == "maxLength":
        return f"has {len(value):,} characters; the most allowed is {rule:,}"
    if error.validator in ("enum", "const"):
        allowed = rule if isinstance(rule, list) else [rule]
        return f"expected {' or '.join(repr(a) for a in allowed)}, got {shown}"
    if error.validator in ("minimum", "maximum"):
        return f"expected a number {'from' if error.validator == 'minimum' else 'up to'} {rule}, got {shown}"
    return error.message[:200]


CHUNK_SIZE = 500


def _release(release, public: bool) -> str | None:
    """A release's slug, as a reference; in the public dataset only a published release is named."""
    if release is None or (public and not release.is_published):
        return None
    return release.slug


def _source(fact, public: bool = False) -> dict:
    slug = _release(fact.source if fact.source_id else None, public)
    return {"source": slug, "paragraph": fact.source_paragraph} if slug else {}


def _slugs(records) -> list[str]:
    return [record.slug for record in records]


def dataset_sections(*, public: bool = False) -> dict[str, Iterator[dict]]:
    """Every record and link, section by section, in the format load_dataset reads.

    Each section is a generator reading its rows chunk by chunk (`.iterator()`, prefetching
    per chunk), so a whole dataset is written in constant memory. With public, each section
    reads through the public rule (models.py): no draft, nothing drawn only from one, and no
    reference to anything left out, so the result loads into an empty database.
    """

    def read(queryset):
        return queryset.public() if public else queryset.all()

    def listed(relation: str, queryset) -> Prefetch:
        return Prefetch(relation, queryset=read(queryset), to_attr=f"listed_{relation}")

    def rows(queryset, row):
        return (row(record) for record in queryset.order_by("pk").iterator(chunk_size=CHUNK_SIZE))

    def named(record, **extra):
        return {"slug": record.slug, **extra, "aliases": record.aliases, "description": record.description}

    def first_seen(record) -> dict:
        slug = _release(record.first_seen, public)
        return {"first_seen": slug} if slug else {}

    def tree(model):
        # A parent the public may not see is read as None (a prefetch of public parents only).
        parents = Prefetch("parent", queryset=read(model.objects.all()))
        return read(model.objects.all()).select_related("first_seen").prefetch_related(parents)

    releases = PressRelease.objects.select_related("publisher")
    posts = Post.objects.select_related("organisation", "source")
    participations = Participation.objects.select_related("official", "source").with_public_post()
    return {
        "organisations": rows(
            tree(Organisation),
            lambda o: named(
                o,
                name=o.name,
                acronym=o.acronym,
                kind=o.kind,
                parent=o.parent.slug if o.parent else None,
                **first_seen(o),
            ),
        ),
        "areas": rows(
            tree(CooperationArea),
            lambda a: named(a, name=a.name, parent=a.parent.slug if a.parent else None, **first_seen(a)),
        ),
        "releases": rows(
            read(releases),
            lambda r: {
                "slug": r.slug,
                "title": r.title,
                "publisher": r.publisher.slug,
                "dateline_place": r.dateline_place,
                "date": r.date.isoformat(),
                "body": r.body,
                "original_url": r.original_url,
                "status": r.status,
            },
        ),
        "officials": rows(
            read(Official.objects.all()).select_related("first_seen").prefetch_related(listed("posts", posts)),
            lambda o: named(
                o,
                name=o.name,
                honorific=o.honorific,
                posts=[
                    {
                        "organisation": p.organisation.slug,
                        "title": p.title,
                        "start": isoformat_partial_date(p.start_date, p.start_precision) or None,
                        "end": isoformat_partial_date(p.end_date, p.end_precision) or None,
                        **_source(p, public),
                    }
                    for p in o.listed_posts
                ],
                **first_seen(o),
            ),
        ),
        "agreements": rows(
            read(Agreement.objects.all())
            .select_related("source")
            .prefetch_related(
                listed("parties", Organisation.objects.all()),
                listed("areas", CooperationArea.objects.all()),
                listed("takes_into_account", Agreement.objects.all()),
            ),
            lambda a: named(
                a,
                title=a.title,
                short_title=a.short_title,
                kind=a.kind,
                status=a.status,
                signed=isoformat_partial_date(a.signed_date, a.signed_precision) or None,
                parties=_slugs(a.listed_parties),
                areas=_slugs(a.listed_areas),
                takes_into_account=_slugs(a.listed_takes_into_account),
                **_source(a, public),
            ),
        ),
        "cities": rows(
            read(City.objects.all()),
            lambda c: named(c, name=c.name, country=c.country, latitude=c.latitude, longitude=c.longitude),
        ),
        "venues": rows(
            read(Venue.objects.all()).select_related("city"),
            lambda v: named(v, name=v.name, city=v.city.slug if v.city else None),
        ),
        "meetings": rows(
            read(Meeting.objects.all())
            .select_related("source")
            .prefetch_related(
                listed("participations", participations),
                listed("organisation_links", MeetingOrganisation.objects.select_related("organisation", "source")),
                listed("area_links", MeetingArea.objects.select_related("area", "source")),
                listed("agreement_links", MeetingAgreement.objects.select_related("agreement", "source")),
                listed(
                    "outcomes",
                    Outcome.objects.select_related("source").prefetch_related(
                        listed("areas", CooperationArea.objects.all()),
                        listed("agreements", Agreement.objects.all()),
                    ),
                ),
            ),
            lambda m: {
                "slug": m.slug,
                "title": m.title,
                "date": isoformat_partial_date(m.date, m.date_precision),
                "venue": m.venue,
                "city": m.city,
                "kind": m.kind,
                "summary": m.summary,
                **_source(m, public),
                "participants": [
                    {
                        "official": p.official.slug,
                        "role": p.role,
                        "post": getattr(p.public_post if public else p.post, "title", None),
                        **_source(p, public),
                    }
                    for p in m.listed_participations
                ],
                "organisations": [
                    {"organisation": x.organisation.slug, **_source(x, public)} for x in m.listed_organisation_links
                ],
                "areas": [{"area": x.area.slug, **_source(x, public)} for x in m.listed_area_links],
                "agreements": [{"agreement": x.agreement.slug, **_source(x, public)} for x in m.listed_agreement_links],
                "outcomes": [
                    {
                        "kind": x.kind,
                        "text": x.text,
                        "areas": _slugs(x.listed_areas),
                        "agreements": _slugs(x.listed_agreements),
                        **_source(x, public),
                    }
                    for x in m.listed_outcomes
                ],
            },
        ),
        "relationships": rows(
            read(Relationship.objects.all()).select_related("from_organisation", "to_organisation", "source"),
            lambda r: {
                "from": r.from_organisation.slug,
                "to": r.to_organisation.slug,
                "kind": r.kind,
                "since": isoformat_partial_date(r.since_date, r.since_precision) or None,
                "description": r.description,
                **_source(r, public),
            },
        ),
    }


def dump_dataset(*, public: bool = False) -> dict:
    """Every record and link (with public, only what the public may see), in the format load_dataset reads."""
    return {"format": FORMAT, **{key: list(rows) for key, rows in dataset_sections(public=public).items()}}


def dataset_json(header: dict, *, public: bool = False, batch: int = CHUNK_SIZE) -> Iterator[str]:
    """The dataset as JSON text, piece by piece: header keys first, then each section row by row."""
    yield "{\n"
    for key, value in {"format": FORMAT, **header}.items():
        yield f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n"
    sections = dataset_sections(public=public)
    for index, (key, rows) in enumerate(sections.items()):
        yield f"{json.dumps(key)}: ["
        pieces, separator = [], "\n"
        for row in rows:
            pieces.append(separator + json.dumps(row, ensure_ascii=False))
            separator = ",\n"
            if len(pieces) >= batch:
                yield "".join(pieces)
                pieces = []
        yield "".join(pieces) + ("\n]" if separator != "\n" else "]") + (",\n" if index < len(sections) - 1 else "\n")
    yield "}\n"
