"""What a meetings list's parts depend on, finer than a generation: scope tokens.

A list filtered by an official, an organisation, an agreement, an area or a year holds only
meetings linked to it (an area: to it or an area below it; a year: held in it). A write to a
meeting or to one of its links can change such a list only when that meeting is linked to the
filter's record, before or after the write. So each such record, and each year, has a token in
the shared cache, replaced by every write to a meeting linked to it; a list's parts are kept
with the token of one of its filters and served while it is unchanged (partnership/lists.py).
A list with none of those filters (the unfiltered list, a kind, a date range) depends on every
meeting: the MEETINGS token, which every such write replaces.

Writes to anything else (a name, the area tree, a release published or unpublished) move the
records' generation the lists' parts are keyed by (partnership/cache.py), and writes that send
no signal move every generation (cache.invalidate()). Tokens are versions' random tokens
(partnership/versions.py), moved now and again after commit.
"""

import secrets

from django.apps import apps
from django.core.cache import cache

from . import versions

PREFIX = "partnership:scope:"
MEETINGS = f"{PREFIX}meetings"
# The records a meetings list filters by, as model names (versions.meeting_links names them so),
# in the order a list picks its token: the most selective first.
RECORD_FILTERS = {
    "official": "official",
    "organisation": "organisation",
    "agreement": "agreement",
    "area": "cooperationarea",
}
# The models whose writes move only tokens (and the whole pages' generation), not the records' generation.
MEETING_MODELS = ("meeting", "participation", "meetingarea", "meetingorganisation", "meetingagreement", "outcome")


def token(kind: str, value) -> str:
    return f"{PREFIX}{kind}:{value}"


def of_filters(filterset) -> str:
    """The one token a valid MeetingFilter's result depends on: a meeting that can enter or leave
    the result, or change what it counts, is linked to every record the filters name."""
    from .facets import hub_filter

    # A list counted as every meeting less the others (facets.StoredCountsLess) depends on every meeting.
    if hub_filter(filterset) and getattr(filterset.stored_counts(), "over_every_meeting", False):
        return MEETINGS
    data = filterset.form.cleaned_data
    for name, kind in RECORD_FILTERS.items():
        records = data.get(name) or []
        if records:
            return token(kind, records[0].pk)
    if data.get("year"):
        return token("year", int(data["year"]))
    return MEETINGS


def is_meeting_write(instance) -> bool:
    """Whether a write of instance can change only the lists its meeting is in: a meeting or one of
    its links, naming no record still waiting for its first release. A fact can make such a record
    public (it attests it), and with it that record's links in other meetings: that write, like a
    release published, changes lists anywhere, and moves the records' generation instead."""
    model = type(instance)
    if not (model._meta.app_label == "partnership" and model._meta.model_name in MEETING_MODELS):
        return False
    from .facets import record_fields
    from .models import ReleaseStatus

    before = getattr(instance, "_versions_before", None) or {}
    for field, record_model in record_fields(model):
        ids = {pk for pk in (getattr(instance, field), before.get(field)) if pk is not None}
        first_seen = record_model.first_seen_field
        waiting = record_model._base_manager.filter(pk__in=ids, **{f"{first_seen}__isnull": False}).exclude(
            **{f"{first_seen}__status": ReleaseStatus.PUBLISHED}
        )
        if ids and waiting.exists():
            return False
    return True


def moved_by(instance) -> set[str]:
    """The tokens a write of instance (a meeting or a link of one) moves: of every record linked to
    the meeting before and after, the areas above them, its years before and after, and MEETINGS."""
    before = getattr(instance, "_versions_before", None) or {}
    Meeting, CooperationArea = (apps.get_model("partnership", name) for name in ("Meeting", "CooperationArea"))
    years: set[int] = set()
    if isinstance(instance, Meeting):
        named = {"meeting": {instance.pk}}
        years |= {day.year for day in (instance.date, before.get("date")) if day is not None}
    else:
        named = versions.named_by(instance)
    meeting_ids = named.pop("meeting", set())
    linked = {(kind, pk) for kind, pks in named.items() for pk in pks} | versions.meeting_links(meeting_ids)
    years |= {day.year for day in Meeting._base_manager.filter(pk__in=meeting_ids).values_list("date", flat=True)}
    areas = {pk for kind, pk in linked if kind == "cooperationarea"}
    # A list filtered by an area holds the meetings below it too.
    linked |= {("cooperationarea", pk) for pk in CooperationArea.objects.ancestor_ids(areas)}
    kinds = set(RECORD_FILTERS.values())
    return {token(kind, pk) for kind, pk in linked if kind in kinds} | {token("year", y) for y in years} | {MEETINGS}


def seen(name: str) -> str:
    """The token's value now. A token never moved on (or evicted) is given one first, so a value
    kept with it can never match a token evicted after a write moved it on."""
    value = versions.current([name])[0]
    if value is None:
        cache.add(name, secrets.token_hex(8), timeout=None)
        value = versions.current([name])[0]
    return value
