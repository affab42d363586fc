"""Writes that touch several records: keyword-only, validated, all or nothing.

Services never render. Each record goes through full_clean() and is saved with
the acting user, so the history (django-simple-history) says who did it.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction

from .intake import Known, Proposal
from .models import (
    Agreement,
    CooperationArea,
    LearnedAlias,
    Meeting,
    MeetingAgreement,
    MeetingArea,
    MeetingOrganisation,
    NamedRecord,
    Official,
    Organisation,
    Outcome,
    Participation,
    Post,
    PressRelease,
    ReleaseStatus,
    SlugRedirect,
)
from .names import name_key

EDITORS_GROUP = "Editors"


def _save(instance: models.Model, *, user=None, reason: str = "") -> models.Model:
    instance.full_clean()
    if user is not None and user.is_authenticated:
        instance._history_user = user
    if reason:
        instance._change_reason = _short(reason)
    instance.save()
    return instance


def _short(reason: str) -> str:
    """History keeps a change reason of at most 100 characters."""
    return reason if len(reason) <= 100 else reason[:99] + "…"


def _by_keys(records) -> dict[str, models.Model]:
    found = {}
    for record in records:
        for key in record.name_keys():
            found.setdefault(key, record)
    return found


class AlreadyExtracted(ValidationError):
    """The release already has its meeting (another editor confirmed first)."""

    def __init__(self, meeting: Meeting):
        self.meeting = meeting
        super().__init__(
            f"This release was already extracted: it already has a meeting, “{meeting}”.", code="extracted"
        )


@transaction.atomic
def meeting_create_from_proposal(*, release: PressRelease, proposal: Proposal, user=None) -> Meeting:
    """Create the meeting, any new records and every link, each citing its paragraph; all or nothing.

    Only items the editor kept (include) are written; matched items link to the existing record.
    """
    if release.pk is None:
        raise ValidationError("Save the release before extracting records from it.")
    # Concurrent confirmations of one release queue on its row; the first writes, the rest find its meeting.
    release = PressRelease.objects.select_for_update().get(pk=release.pk)
    existing = release.derived_meetings.first()
    if existing is not None:
        raise AlreadyExtracted(existing)
    if proposal.meeting_date is None:
        raise ValidationError({"date": "Give the meeting's date."})
    source = {"source": release}
    # New records are first seen here: hidden until this (or another) published release names them.
    seen = {"first_seen": release}
    reason = f"From release “{release.title}”"

    def cite(paragraph: int) -> dict:
        return {**source, "source_paragraph": paragraph}

    organisations: list[tuple[Organisation, int]] = []
    for item in proposal.organisations:
        if not item.include:
            continue
        if item.match:
            record = Organisation.objects.get(pk=item.match.pk)
        else:
            record = _save(
                Organisation(name=item.name, acronym=item.acronym, kind=item.kind, **seen), user=user, reason=reason
            )
        organisations.append((record, item.paragraph))
    # Parents second: "ASEAN Secretariat" belongs to ASEAN, proposed or known.
    known_orgs = _by_keys(Organisation.objects.all())
    for item, (record, _) in zip([i for i in proposal.organisations if i.include], organisations, strict=True):
        if not item.match and item.parent:
            parent = known_orgs.get(name_key(item.parent))
            if parent and parent.pk != record.pk:
                record.parent = parent
                _save(record, user=user, reason=reason)

    areas = []
    for item in proposal.areas:
        if item.include:
            if item.match:
                record = CooperationArea.objects.get(pk=item.match.pk)
            else:
                # A new area sits under the broader one the editor kept, not at the top of the tree.
                parent = (
                    CooperationArea.objects.filter(slug=item.suggested_parent).first()
                    if item.suggested_parent
                    else None
                )
                record = _save(CooperationArea(name=item.name, parent=parent, **seen), user=user, reason=reason)
            areas.append((record, item.paragraph))

    agreements = []
    for item in proposal.agreements:
        if not item.include:
            continue
        if item.match:
            record = Agreement.objects.get(pk=item.match.pk)
        else:
            record = _save(
                Agreement(
                    title=item.name,
                    kind=item.kind,
                    signed_date=item.signed.date if item.signed else None,
                    signed_precision=item.signed.precision if item.signed else "day",
                    **cite(item.paragraph),
                ),
                user=user,
                reason=reason,
            )
        agreements.append((record, item.paragraph))

    meeting = _save(
        Meeting(
            title=proposal.meeting_title[:300],
            date=proposal.meeting_date.date,
            date_precision=proposal.meeting_date.precision,
            venue=proposal.venue,
            city=proposal.city,
            kind=proposal.meeting_kind,
            summary=proposal.summary.text if proposal.summary else "",
            **cite(proposal.meeting_paragraph),
        ),
        user=user,
        reason=reason,
    )

    linked_officials = set()
    for item in proposal.officials:
        if not item.include:
            continue
        if item.match:
            official = Official.objects.get(pk=item.match.pk)
        else:
            official = _save(Official(name=item.name, honorific=item.honorific, **seen), user=user, reason=reason)
        if official.pk in linked_officials:
            continue
        linked_officials.add(official.pk)
        post = None
        organisation = known_orgs.get(name_key(item.organisation)) if item.organisation else None
        if organisation is None and item.organisation:
            organisation = _by_keys(Organisation.objects.all()).get(name_key(item.organisation))
        if item.title and organisation:
            post = official.posts.filter(organisation=organisation, title=item.title).first() or _save(
                Post(official=official, organisation=organisation, title=item.title, **cite(item.paragraph)),
                user=user,
                reason=reason,
            )
        _save(
            Participation(meeting=meeting, official=official, post=post, role=item.role, **cite(item.paragraph)),
            user=user,
            reason=reason,
        )

    for model, field, records in [
        (MeetingOrganisation, "organisation", organisations),
        (MeetingArea, "area", areas),
        (MeetingAgreement, "agreement", agreements),
    ]:
        linked = set()
        for record, paragraph in records:
            if record.pk not in linked:
                linked.add(record.pk)
                _save(model(meeting=meeting, **{field: record}, **cite(paragraph)), user=user, reason=reason)
    kept = [item for item in proposal.outcomes if item.include]
    for position, item in enumerate(kept):
        outcome = Outcome(meeting=meeting, kind=item.kind, text=item.text, position=position, **cite(item.paragraph))
        _save(outcome, user=user, reason=reason)
    return meeting


@transaction.atomic
def release_extract(
    *, release: PressRelease, proposal: Proposal, spellings=(), publish: bool = False, user=None
) -> tuple[Meeting, list[LearnedAlias]]:
    """Confirm an extraction: the meeting and its links, the spellings the editor taught, and (if asked) publish.

    `spellings` are (record, text) pairs: a record the editor chose where extraction proposed another
    or none, and how the release wrote it. All or nothing.
    """
    meeting = meeting_create_from_proposal(release=release, proposal=proposal, user=user)
    learned = [alias_learn(record=record, text=text, release=release, user=user) for record, text in spellings]
    if publish:
        releases_set_status(releases=[release], status=ReleaseStatus.PUBLISHED, user=user)
    return meeting, [alias for alias in learned if alias is not None]


@transaction.atomic
def releases_set_status(*, releases, status: str, user=None) -> int:
    """Publish or unpublish releases one by one, so each change is in the history."""
    changed = 0
    for release in releases:
        if release.status != status:
            release.status = status
            _save(release, user=user, reason=f"Status set to {status}")
            changed += 1
    return changed


def _merge_aliases(survivor, duplicate) -> list[str]:
    keys = survivor.name_keys()
    aliases = list(survivor.aliases)
    for name in [duplicate.display_name(), *duplicate.aliases, getattr(duplicate, "acronym", "")]:
        if name and name_key(name) not in keys:
            aliases.append(name)
            keys.add(name_key(name))
    return aliases


@transaction.atomic
def records_merge(*, survivor, duplicate, user=None):
    """Fold duplicate into survivor: every link and alias moves, the old URL redirects, the history says so.

    A link that would repeat one the survivor already has (the same official twice at a meeting) is
    dropped rather than moved.
    """
    model = type(survivor)
    if type(duplicate) is not model:
        raise ValidationError("Only two records of the same kind can be merged.")
    if survivor.pk == duplicate.pk:
        raise ValidationError("Choose two different records to merge.")
    survivor = model.objects.select_for_update().get(pk=survivor.pk)
    duplicate = model.objects.select_for_update().get(pk=duplicate.pk)
    public = model.objects.public()
    if public.filter(pk=duplicate.pk).exists() and not public.filter(pk=survivor.pk).exists():
        # The public facts would move onto (and so publish) a record only an unpublished release names,
        # and the old page would redirect to it: keep the public record instead.
        raise ValidationError(
            f"“{survivor.display_name()}” is known only from an unpublished release and “{duplicate.display_name()}” "
            "is public: merge them the other way round, or publish the release first."
        )
    reason = f"Merged “{duplicate.display_name()}” (#{duplicate.pk}) into “{survivor.display_name()}” (#{survivor.pk})"
    old_path = duplicate.get_absolute_url()

    if getattr(survivor, "parent_id", None) == duplicate.pk:
        survivor.parent_id = duplicate.parent_id
    if isinstance(survivor, Organisation) and not survivor.acronym:
        survivor.acronym = duplicate.acronym
    survivor.aliases = _merge_aliases(survivor, duplicate)
    if not survivor.description:
        survivor.description = duplicate.description

    for relation in model._meta.related_objects:
        if relation.related_model._meta.app_label != "partnership" or relation.related_model.__name__.startswith(
            "Historical"
        ):
            continue
        if relation.many_to_many:
            accessor = relation.get_accessor_name()
            for row in getattr(duplicate, accessor).all():
                manager = getattr(row, relation.field.name)
                manager.remove(duplicate)
                if not (relation.related_model is model and row.pk == survivor.pk):
                    manager.add(survivor)
        elif relation.one_to_many:
            for row in relation.related_model._default_manager.filter(**{relation.field.name: duplicate}):
                if relation.related_model is model and row.pk == survivor.pk:
                    continue
                setattr(row, relation.field.name, survivor)
                try:
                    row.validate_constraints()
                except ValidationError:
                    _drop_repeated_link(row, relation.field.name, survivor, user=user)
                    continue
                _save(row, user=user, reason=reason)
    for field in model._meta.many_to_many:
        manager = getattr(survivor, field.name)
        manager.add(*[r for r in getattr(duplicate, field.name).all() if r.pk not in (survivor.pk, duplicate.pk)])

    content_type = ContentType.objects.get_for_model(model)
    SlugRedirect.objects.filter(content_type=content_type, object_id=duplicate.pk).update(object_id=survivor.pk)
    learned = LearnedAlias.objects.filter(content_type=content_type, object_id=duplicate.pk)
    survivor_learned = LearnedAlias.objects.filter(content_type=content_type, object_id=survivor.pk)
    learned.filter(text__in=survivor_learned.values("text")).delete()
    learned.update(object_id=survivor.pk)
    SlugRedirect.objects.update_or_create(
        old_path=old_path, defaults={"content_type": content_type, "object_id": survivor.pk}
    )
    duplicate._history_user = user if user is not None and user.is_authenticated else None
    duplicate._change_reason = _short(reason)
    duplicate.delete()
    _save(survivor, user=user, reason=reason)
    return survivor


def _drop_repeated_link(row, field: str, survivor, *, user=None) -> None:
    """The survivor already has this link; repoint anything hanging on the row, then delete it."""
    if isinstance(row, Post):
        twin = Post.objects.get(
            official=row.official if field != "official" else survivor,
            organisation=row.organisation if field != "organisation" else survivor,
            title=row.title,
            start_date=row.start_date,
        )
        Participation.objects.filter(post_id=row.pk).update(post=twin)
    type(row)._default_manager.filter(pk=row.pk).delete()


EDITOR_RECORDS = [
    "organisation",
    "official",
    "cooperationarea",
    "agreement",
    "pressrelease",
    "meeting",
    "city",
    "venue",
]
EDITOR_LINKS = [
    "post",
    "participation",
    "meetingorganisation",
    "meetingarea",
    "meetingagreement",
    "outcome",
    "relationship",
]


def editors_group() -> Group:
    """The Editors group with its permissions (as migration 0003 made it; restored if a flush emptied it)."""
    codenames = [f"{action}_{model}" for model in EDITOR_RECORDS for action in ("add", "change", "view")]
    codenames += [f"{action}_{model}" for model in EDITOR_LINKS for action in ("add", "change", "delete", "view")]
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    if group.permissions.count() != len(codenames):
        group.permissions.set(Permission.objects.filter(content_type__app_label="partnership", codename__in=codenames))
    return group


def editor_create(*, username: str, email: str = "") -> tuple[models.Model, str]:
    """A staff account in the Editors group, with a generated password returned once."""
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise ValidationError({"username": f"A user named {username!r} already exists."})
    password = secrets.token_urlsafe(15)
    with transaction.atomic():
        user = user_model(username=username, email=email, is_staff=True)
        user.set_password(password)
        user.full_clean()
        user.save()
        user.groups.add(editors_group())
    return user, password


def release_find_by_text(*, text: str, dateline_place: str, date) -> PressRelease | None:
    """The release already holding this text (same dateline and body), if any."""
    body = text.strip()
    candidates = PressRelease.objects.filter(date=date, dateline_place__iexact=dateline_place)
    return next((release for release in candidates if release.body.strip() == body), None)


@transaction.atomic
def release_create_from_text(
    *, text: str, proposal: Proposal, publisher: Organisation | None = None, status: str = "draft", user=None
) -> PressRelease:
    """A release from archived text; without a publisher, the secretariat it names (created if new).

    A publisher created here is marked as matched in the proposal, so confirming does not create it twice,
    and is first seen in this release.
    """
    if proposal.dateline_date is None:
        raise ValidationError("The text has no dateline (e.g. 'JAKARTA, 30 June 2015-'): give the release's date.")
    new_publisher = None
    if publisher is None:
        item = next((o for o in proposal.organisations if o.kind == "secretariat"), None) or next(
            iter(proposal.organisations), None
        )
        if item is None:
            raise ValidationError("The text names no organisation to publish it: give a publisher.")
        if item.match:
            publisher = Organisation.objects.get(pk=item.match.pk)
        else:
            publisher = new_publisher = _save(
                Organisation(name=item.name, acronym=item.acronym, kind=item.kind), user=user
            )
            item.match = Known(publisher.pk, publisher.name, publisher.slug, frozenset(publisher.name_keys()))
    release = _save(
        PressRelease(
            title=proposal.release_title or "Untitled release",
            publisher=publisher,
            dateline_place=proposal.dateline_place,
            date=proposal.dateline_date,
            body=text.strip(),
            status=status,
        ),
        user=user,
        reason="Imported from an archive",
    )
    if new_publisher is not None:
        new_publisher.first_seen = release
        _save(new_publisher, user=user, reason="Imported from an archive")
    return release


@transaction.atomic
def alias_learn(*, record: NamedRecord, text: str, release: PressRelease, user=None) -> LearnedAlias | None:
    """Keep a release's spelling of a record as one of its aliases, so the next release using it is matched.

    Nothing is learned when the record already goes by that spelling, or when another record of the
    kind does (the spelling would then match two records and decide nothing).
    """
    text = " ".join(text.split())[:300]
    key = name_key(text)
    model = type(record)
    record = model.objects.select_for_update().get(pk=record.pk)
    if not key or key in record.name_keys():
        return None
    # Every record of the kind, as extraction reads them all too; name keys fold accents the database cannot.
    if any(key in other.name_keys() for other in model.objects.exclude(pk=record.pk).iterator()):
        return None
    record.aliases = [*record.aliases, text]
    _save(record, user=user, reason=f"Learned “{text}” from release “{release.title}”")
    return LearnedAlias.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id=record.pk,
        text=text,
        source=release,
        editor=user if user is not None and user.is_authenticated else None,
    )
