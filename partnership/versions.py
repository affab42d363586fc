"""Record versions: what a cached record page is checked against (decision 0017).

Every record has a version in the shared cache, a random token replaced whenever something a
page of it (or a page showing it) draws from may have changed. A record page is cached with the
versions of every record it depends on, and served only while they are all unchanged, so a save
elsewhere does not invalidate it, and a save that matters is seen on the next request in
every worker.

What moves a version on (signals, at once and again after commit):

- a save or delete of a record or fact: the row itself, and every record its foreign keys name,
  before and after the save (a link moved from one official to another changes both pages),
  except places, which have no page (PAGELESS);
- a change of a many-to-many link: both ends;
- anything touching a meeting (the meeting, one of its links, an outcome): the `meetings_key`
  of every record linked to that meeting, which only that record's own page depends on (it
  lists the meeting and counts it in its pictures); other pages print the record's name only;
- a save of a release (publish, unpublish, a new title): every record its facts name, the
  records first seen in it and the meetings it reports (with their linked records).

Pages depend on the records their links name whether or not those links are public yet, so a
hidden fact that becomes public (its official published by another release) is seen too.
Writes that send no signal (QuerySet.update(), COPY) must call partnership.cache.invalidate().
"""

import functools
import secrets
from collections.abc import Iterable

from django.apps import apps
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models import Value
from django.db.models.expressions import RawSQL
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from .compiled import Call, Compiled, RawRead

PREFIX = "partnership:v:"
# A version every record page depends on, moved on by partnership.cache.invalidate(): writes
# that send no signal forget every record page.
EPOCH_KEY = "partnership:record-epoch"


def key(record: models.Model | type[models.Model] | str, pk=None) -> str:
    """The version key of a record, or of (model or model name, pk)."""
    if pk is None:
        return f"{PREFIX}{record._meta.model_name}:{record.pk}"
    name = record if isinstance(record, str) else record._meta.model_name
    return f"{PREFIX}{name}:{pk}"


def meetings_key(record: models.Model | str, pk=None) -> str:
    """The version of what a record's own page lists and counts over its meetings (latest meetings,
    pictures): moved by a write to any meeting linked to it, which leaves its name, and so every
    other page printing it, as it was."""
    return f"{key(record, pk)}:meetings"


def keys(records: Iterable[models.Model | None]) -> set[str]:
    return {key(record) for record in records if record is not None and record.pk is not None}


def current(names: Iterable[str]) -> tuple:
    """The versions of the given keys now, in their order (None: never moved on, or evicted)."""
    names = list(names)
    found = cache.get_many(names) if names else {}
    return tuple(found.get(name) for name in names)


def forget_all() -> None:
    """Every record page cached so far is no longer read (after writes that send no signal)."""
    cache.set(EPOCH_KEY, secrets.token_hex(4), timeout=None)


def bump(names: Iterable[str]) -> None:
    """Move the given versions on: a fresh random token each, so an evicted and re-created version
    can never equal one a cached page was stored with."""
    names = set(names)
    if names:
        cache.set_many({name: secrets.token_hex(8) for name in names}, timeout=None)


# -- what a record's pages depend on -------------------------------------------------------


def _model(name: str) -> type[models.Model]:
    return apps.get_model("partnership", name)


def _partnership_fks(model) -> list[models.ForeignKey]:
    return [
        field
        for field in model._meta.concrete_fields
        if field.is_relation and field.many_to_one and field.related_model._meta.app_label == "partnership"
    ]


def meeting_neighbours(meeting_ids: Iterable[int]) -> set[str]:
    """The version keys of every record linked to the meetings (meeting_links)."""
    return {key(kind, pk) for kind, pk in meeting_links(meeting_ids)}


def meeting_neighbours_read(meeting_id: int) -> "RawRead | Call":
    """meeting_neighbours([meeting_id]) as a read a page sends with its others (compiled.read_together)."""
    return _links_read([meeting_id], lambda links: {key(kind, pk) for kind, pk in links})


def neighbours_meetings(meeting_ids: Iterable[int]) -> set[str]:
    """The meetings_key of every record linked to the meetings: what a write to them moves."""
    return {meetings_key(kind, pk) for kind, pk in meeting_links(meeting_ids)}


def meeting_links(meeting_ids: Iterable[int]) -> set[tuple[str, int]]:
    """(model name, pk) of every record linked to the meetings, public or not (one query): the
    officials and the posts they held, organisations, areas, agreements (of the meetings and their
    outcomes), and the releases the links cite."""
    meeting_ids = list(set(meeting_ids))
    if not meeting_ids:
        return set()
    return _links_read(meeting_ids, set).rows()


def _links_read(meeting_ids: list[int], map_links) -> "RawRead | Call":
    """The read of meeting_links(meeting_ids) (a non-empty list without repeats), its set of
    (model name, pk) given to map_links."""
    if connection.vendor != "postgresql":
        return Call(lambda: map_links(set(_links_union(meeting_ids))))
    one = len(meeting_ids) == 1
    sql, params = _compiled_links(one)
    value = meeting_ids[0] if one else meeting_ids
    return RawRead(
        sql,
        [value if param is _MEETING_IDS else param for param in params],
        map_rows=lambda rows: map_links({(kind, pk) for kind, pk in rows}),
    )


# On PostgreSQL the union's SQL is the same for every call: compiled once per process (building
# and compiling its 13 parts took 10 ms of every meeting page and every meeting write).
# _MEETING_IDS marks where the meetings go in its parameters. A meeting's page asks for one
# meeting, by equality: its prepared statement keeps one generic plan. Given an array, PostgreSQL
# plans the 13 parts again on every run (custom plans look cheaper for a short array): 2 ms of
# planning against under 1 ms of reading.
_MEETING_IDS = object()


@functools.cache
def _compiled_links(one: bool) -> tuple[str, tuple]:
    meetings = RawSQL("%s::bigint" if one else "SELECT unnest(%s::bigint[])", (_MEETING_IDS,))
    return _links_union(meetings).query.get_compiler(connection=connection).as_sql()


def _links_union(meeting_ids) -> models.QuerySet:
    """The union behind meeting_links: meeting_ids is a list or a subquery of meeting ids."""
    Participation, MeetingOrganisation, MeetingArea, MeetingAgreement, Outcome = (
        _model(name) for name in ("Participation", "MeetingOrganisation", "MeetingArea", "MeetingAgreement", "Outcome")
    )

    def column(model, kind: str, path: str, **where):
        return (
            model.objects.filter(**where, **{f"{path}__isnull": False})
            .annotate(record_kind=Value(kind, output_field=models.CharField()))
            .values_list("record_kind", path)
            .order_by()
        )

    at = {"meeting_id__in": meeting_ids}
    parts = [
        column(Participation, "official", "official_id", **at),
        column(Participation, "post", "post_id", **at),
        column(Participation, "organisation", "post__organisation_id", **at),
        column(MeetingOrganisation, "organisation", "organisation_id", **at),
        column(MeetingArea, "cooperationarea", "area_id", **at),
        column(MeetingAgreement, "agreement", "agreement_id", **at),
        column(Outcome.areas.through, "cooperationarea", "cooperationarea_id", outcome__meeting_id__in=meeting_ids),
        column(Outcome.agreements.through, "agreement", "agreement_id", outcome__meeting_id__in=meeting_ids),
    ]
    parts += [column(model, "pressrelease", "source_id", **at) for model in (Participation, MeetingOrganisation)]
    parts += [column(model, "pressrelease", "source_id", **at) for model in (MeetingArea, MeetingAgreement, Outcome)]
    return parts[0].union(*parts[1:])


def release_records(release_ids: set[int]) -> tuple[set[str], set[int]]:
    """(keys, meeting ids) of everything the releases support: each fact and the records it names,
    the records first seen in them, and their publishers."""
    found: set[str] = set()
    meeting_ids: set[int] = set()
    ids = sorted(release_ids)
    for model, fks, rows in _supported_rows():
        for row in rows(ids):
            found.add(key(model, row[0]))
            for field, value in zip(fks, row[1:], strict=True):
                if value is not None:
                    found.add(key(field.related_model, value))
                    if field.related_model._meta.model_name == "meeting":
                        meeting_ids.add(value)
            if model._meta.model_name == "meeting":
                meeting_ids.add(row[0])
    for publisher_id in _publishers()(ids):
        found.add(key("organisation", publisher_id))
    return found, meeting_ids


# A release's page and every save of one read what the release supports with the same dozen
# queries: compiled once per process (partnership/compiled.py), when first asked for.
@functools.cache
def _supported_rows() -> list[tuple[type[models.Model], list[models.ForeignKey], Compiled]]:
    """(model, its foreign keys, a compiled read of (pk, *foreign keys) of its rows citing or first
    seen in some releases) for every model with a release as its source or first sighting."""
    supported = []
    for model in apps.get_app_config("partnership").get_models():
        if not _ours(model):
            continue
        fks = _partnership_fks(model)
        by_name = {field.name: field for field in fks}
        source = by_name.get("source") or by_name.get("first_seen")
        if source is None or source.related_model._meta.model_name != "pressrelease":
            continue
        supported.append((model, fks, _rows_citing(model, source.attname, [field.attname for field in fks])))
    return supported


def _rows_citing(model, source: str, attnames: list[str]) -> Compiled:
    return Compiled(lambda ids: model._base_manager.filter(**{f"{source}__in": ids}).values_list("pk", *attnames))


@functools.cache
def _publishers() -> Compiled:
    PressRelease = _model("PressRelease")
    return Compiled(lambda ids: PressRelease._base_manager.filter(pk__in=ids).values_list("publisher_id", flat=True))


# Places have no page of their own: pages depend on a city or venue only to print its name, which
# only the place's own save changes. A meeting naming one moves nothing drawn from it, and moving
# it would re-render every meeting page in that city after any save of one meeting there.
PAGELESS = frozenset({"city", "venue"})


def affected(changed: dict[str, set], named: dict[str, set] | None = None, *, neighbours: bool = True) -> set[str]:
    """Every version to move on when the `changed` records ({model name: pks}) were written, naming
    the `named` ones through their foreign keys or links (but places: PAGELESS); with neighbours,
    every record linked to a meeting among them too."""
    named = {name: pks for name, pks in (named or {}).items() if name not in PAGELESS}
    names = {key(name, pk) for group in (changed, named) for name, pks in group.items() for pk in pks if pk is not None}
    meeting_ids = {pk for group in (changed, named) for pk in group.get("meeting", ()) if pk is not None}
    if not neighbours:
        meeting_ids = set()
    releases = {pk for pk in changed.get("pressrelease", ()) if pk is not None}
    if releases:
        found, meetings = release_records(releases)
        names |= found
        meeting_ids |= meetings
    # The records linked to those meetings list and count them on their own pages; their names,
    # printed on other pages (every meeting page of theirs), are unchanged.
    return names | neighbours_meetings(meeting_ids)


def _bump_now_and_on_commit(names: set[str]) -> None:
    # Now, for reads later in this transaction, and again after commit: a worker that rendered
    # from the old rows in between stored the versions of before, which no longer match.
    bump(names)
    transaction.on_commit(lambda: bump(names))


def _ours(model) -> bool:
    return model._meta.app_label == "partnership" and not model._meta.model_name.startswith("historical")


def named_by(instance) -> dict[str, set]:
    """{model name: pks} of the records a written row names through its foreign keys, after the
    write and, for a save, before it (a link moved from one official to another names both)."""
    before = getattr(instance, "_versions_before", None) or {}
    records: dict[str, set] = {}
    for field in _partnership_fks(type(instance)):
        for value in (getattr(instance, field.attname), before.get(field.attname)):
            if value is not None:
                records.setdefault(field.related_model._meta.model_name, set()).add(value)
    return records


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or not _ours(sender) or instance.pk is None:
        return
    fields = [field.attname for field in _partnership_fks(sender)] + (["date"] if _is_meeting(sender) else [])
    if fields:
        instance._versions_before = sender._base_manager.filter(pk=instance.pk).values(*fields).first()


def _is_meeting(model) -> bool:
    return model._meta.model_name == "meeting"


def _counted_the_same(instance, before: dict | None) -> bool:
    """Whether a meeting saved still counts where it did: same release (so as public as before) and
    same year. Its linked records' pictures count it, their lists name it (and depend on it there),
    so only then may they keep their pages."""
    return bool(
        before
        and before.get("source_id") == instance.source_id
        and before.get("date") is not None
        and instance.date is not None
        and before["date"].year == instance.date.year
    )


def _on_write(sender, instance, raw=False, **kwargs):
    if raw or not _ours(sender):
        return
    named = named_by(instance)
    before = getattr(instance, "_versions_before", None)
    quiet = _is_meeting(sender) and "created" in kwargs and _counted_the_same(instance, before)
    _bump_now_and_on_commit(affected({instance._meta.model_name: {instance.pk}}, named, neighbours=not quiet))


def _on_links(sender, instance, action, model, pk_set, **kwargs):
    if not (_ours(type(instance)) and _ours(model)):
        return
    if action == "pre_clear":
        instance._versions_cleared = _linked_through(sender, instance)
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    named: dict[str, set] = {instance._meta.model_name: {instance.pk}}
    named.setdefault(model._meta.model_name, set()).update(pk_set or ())
    if action == "post_clear":
        for name, pks in getattr(instance, "_versions_cleared", {}).items():
            named.setdefault(name, set()).update(pks)
    # An outcome's areas and agreements are drawn on its meeting's page.
    outcomes = named.get("outcome", set())
    if outcomes:
        Outcome = _model("Outcome")
        named["meeting"] = set(Outcome._base_manager.filter(pk__in=outcomes).values_list("meeting_id", flat=True))
    _bump_now_and_on_commit(affected({}, named))


def _linked_through(through, instance) -> dict[str, set]:
    """The records a clear() is about to unlink from instance: every row of the link table naming it."""
    fields = [field for field in through._meta.concrete_fields if field.many_to_one]
    found: dict[str, set] = {}
    for field in fields:
        if field.related_model is not type(instance):
            continue
        for other in fields:
            if other is field:
                continue
            values = through._base_manager.filter(**{field.attname: instance.pk}).values_list(other.attname, flat=True)
            found.setdefault(other.related_model._meta.model_name, set()).update(values)
    return found


def connect_signals() -> None:
    pre_save.connect(_before_save, dispatch_uid="partnership-versions-pre-save")
    post_save.connect(_on_write, dispatch_uid="partnership-versions-save")
    post_delete.connect(_on_write, dispatch_uid="partnership-versions-delete")
    m2m_changed.connect(_on_links, dispatch_uid="partnership-versions-links")
