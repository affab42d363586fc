"""Public reads, each written once: the pages, the exports, the API and the feeds call these.

Every read starts from a model's `public()` (partnership/models.py), and every related
list a page, a row or a document shows is read through `public()` into a `public_...`
attribute: prefetched, or on the record pages read by queries compiled once per process
(partnership/compiled.py). A template or serializer that reads a relation without these
gets an AttributeError, never a draft's fact.
"""

import heapq
from collections.abc import Callable, Iterator

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404

from . import facets, pictures, versions
from .cache import cached, cached_for_record
from .compiled import Compiled, Read, read_together
from .dataset import dataset_json, dump_dataset
from .filters import RecordQuery
from .models import (
    Agreement,
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
)

# Detail pages show the latest related meetings and link to the filtered list for the rest.
DETAIL_LIMIT = 50
# A fact row shows its release's title and address, never its text: the bodies stay in the database.
RELEASE_BODY = ("body", "body_html")


def _no_body(queryset: QuerySet, *paths: str) -> QuerySet:
    """queryset without the release bodies of the releases reached through paths (e.g. "source")."""
    return queryset.defer(*(f"{path}__{field}" for path in paths for field in RELEASE_BODY))


def _public(relation: str, queryset: QuerySet) -> Prefetch:
    return Prefetch(relation, queryset=queryset, to_attr=f"public_{relation}")


# -- the related lists, as public prefetches ------------------------------------------


def outcome_links() -> list[Prefetch]:
    return [_public("areas", CooperationArea.objects.public()), _public("agreements", Agreement.objects.public())]


def meeting_links() -> list[Prefetch]:
    """A meeting's public participants, organisations, areas, agreements and outcomes."""
    return [
        _public(
            "participations", Participation.objects.public().with_public_post().select_related("official", "source")
        ),
        _public("organisation_links", MeetingOrganisation.objects.public().select_related("organisation", "source")),
        _public("area_links", MeetingArea.objects.public().select_related("area", "source").order_by("area__name")),
        _public("agreement_links", MeetingAgreement.objects.public().select_related("agreement", "source")),
        _public("outcomes", Outcome.objects.public().select_related("source").prefetch_related(*outcome_links())),
    ]


def official_posts() -> Prefetch:
    return _public("posts", Post.objects.public().select_related("organisation", "source"))


def agreement_links() -> list[Prefetch]:
    """An agreement's public parties, areas and the public agreements it takes into account."""
    return [
        _public("parties", Organisation.objects.public()),
        _public("areas", CooperationArea.objects.public()),
        _public("takes_into_account", Agreement.objects.public()),
    ]


# -- lists: one public QuerySet per kind (pages, exports, API, feeds, sitemap) --------


def meetings() -> QuerySet:
    return Meeting.objects.public().select_related("source", "venue_record", "city_record")


def meetings_with_links() -> QuerySet:
    return meetings().prefetch_related(*meeting_links())


def officials() -> QuerySet:
    return Official.objects.public().prefetch_related(official_posts())


def _public_parent(model) -> Prefetch:
    """The parent, read as None when the public may not see it."""
    return Prefetch("parent", queryset=model.objects.public())


def organisations() -> QuerySet:
    return Organisation.objects.public().prefetch_related(_public_parent(Organisation))


def areas() -> QuerySet:
    return CooperationArea.objects.public().prefetch_related(_public_parent(CooperationArea))


def agreements() -> QuerySet:
    return Agreement.objects.public().select_related("source").prefetch_related(*agreement_links())


def agreements_with_counts() -> QuerySet:
    """Agreements with how many public meetings referred to each."""
    links = MeetingAgreement.objects.public().values("pk")
    return agreements().annotate(meeting_count=Count("meeting_links", filter=Q(meeting_links__in=links)))


def releases() -> QuerySet:
    return PressRelease.objects.published().select_related("publisher")


# -- pages: one record with everything its page shows ---------------------------------


def home_counts() -> list[tuple[str, int, str]]:
    """How many public records of each kind. Only the meetings are counted again after a meeting's
    write (from the counts kept on write where there are some); the rest until another record's."""
    total = cached("home:meetings", _meeting_count, facts=True)
    return [("Meetings", total, "partnership:meeting-list"), *cached("home:records", _record_counts, records=True)]


def _meeting_count() -> int:
    if facets.maintained():
        return facets.StoredCounts(0, DEFAULT_DB_ALIAS).total()
    return meetings().count()


def _record_counts() -> list[tuple[str, int, str]]:
    # Records are public when a release names them, whatever meeting they are at: no meeting write
    # changes these but one attesting a record, which moves the records' generation (scopes.py).
    return [
        ("Officials", Official.objects.public().count(), "partnership:official-list"),
        ("Organisations", Organisation.objects.public().count(), "partnership:organisation-list"),
        ("Cooperation areas", CooperationArea.objects.public().count(), "partnership:area-list"),
        ("Agreements", Agreement.objects.public().count(), "partnership:agreement-list"),
        ("Press releases", releases().count(), "partnership:release-list"),
    ]


def _page_link_lists(current: bool) -> dict[str, QuerySet]:
    """meeting_links() for a meeting's page, by the attribute each list goes to: the same public
    facts, without the cited releases' bodies, not yet narrowed to a meeting.

    The links are read by their kept flags (the rule's own answer, decision 0015): a meeting's page
    is a few primary-key probes instead of the rule's nested joins for each kind of link.
    """

    def links(model):
        return facets.public_links(model, current=current)

    return {
        "public_participations": links(Participation).with_public_post().select_related("official", "source"),
        "public_organisation_links": links(MeetingOrganisation).select_related("organisation", "source"),
        "public_area_links": links(MeetingArea).select_related("area", "source").order_by("area__name"),
        "public_agreement_links": links(MeetingAgreement).select_related("agreement", "source"),
        "public_outcomes": Outcome.objects.public().select_related("source"),
    }


def _of_meeting(attribute: str) -> Compiled:
    return Compiled(
        lambda meeting_id, current: _no_body(_page_link_lists(current)[attribute], "source").filter(
            meeting_id=meeting_id
        )
    )


def _outcomes_records(model) -> Compiled:
    """model's public records named by the outcomes of one meeting, each with the outcome's pk."""
    return Compiled(
        lambda meeting_id: (
            model.objects.public().filter(outcomes__meeting_id=meeting_id).annotate(outcome_pk=F("outcomes__pk"))
        )
    )


# A meeting's page reads the same queries for every meeting: compiled once per process (compiling
# them took longer than PostgreSQL took to run them).
# With the release's publisher, which "cite this" names.
_PAGE_MEETING = Compiled(
    lambda slug: _no_body(meetings().select_related("source__publisher"), "source").filter(slug=slug)
)
_PAGE_LINKS = {attribute: _of_meeting(attribute) for attribute in _page_link_lists(current=True)}
_OUTCOME_RECORDS = {
    "public_areas": _outcomes_records(CooperationArea),
    "public_agreements": _outcomes_records(Agreement),
}


def _the_one(found: list, noun: str):
    """The record a compiled read by slug found, or a 404 as get_object_or_404 gives."""
    if not found:
        raise Http404(f"No {noun} matches the given query.")
    return found[0]


def meeting_page(slug: str) -> dict:
    """A meeting with every public fact its page shows; `depends_on`: the version keys of every record
    the page draws from (partnership/versions.py)."""
    meeting = _the_one(_PAGE_MEETING(slug), "meeting")
    current = facets.flags_current()
    # The page's other reads need only the meeting's key: sent together, one round trip.
    *found, neighbours = read_together(
        *(compiled.bind(meeting.pk, key=(current,)) for compiled in _PAGE_LINKS.values()),
        *(compiled.bind(meeting.pk) for compiled in _OUTCOME_RECORDS.values()),
        versions.meeting_neighbours_read(meeting.pk),
    )
    for attribute, links in zip(_PAGE_LINKS, found[: len(_PAGE_LINKS)], strict=True):
        for link in links:
            type(link).meeting.field.set_cached_value(link, meeting)  # as the prefetch did
        setattr(meeting, attribute, links)
    outcomes = {outcome.pk: outcome for outcome in meeting.public_outcomes}
    for outcome in outcomes.values():
        outcome.public_areas, outcome.public_agreements = [], []
    for attribute, records in zip(_OUTCOME_RECORDS, found[len(_PAGE_LINKS) :], strict=True):
        for record in records:
            if record.outcome_pk in outcomes:
                getattr(outcomes[record.outcome_pk], attribute).append(record)
    depends_on = versions.keys([meeting, meeting.source, meeting.city_record, meeting.venue_record])
    depends_on |= neighbours
    return {"meeting": meeting, "depends_on": depends_on}


def _latest(links: QuerySet) -> QuerySet:
    """The latest of a record's public facts at meetings, newest meeting first."""
    links = _no_body(links.select_related("meeting", "source"), "source")
    return links.order_by("-meeting__date", "-meeting__pk")[:DETAIL_LIMIT]


def _shown(links) -> set[str]:
    """The version keys of the meetings and releases a list of facts at meetings shows."""
    return {versions.key("meeting", link.meeting_id) for link in links} | {
        versions.key("pressrelease", link.source_id) for link in links if link.source_id
    }


def _named_by(build: Callable[[int], QuerySet], **fields: str) -> Callable[[int], Read]:
    """For a record's pk, the read of the version keys of the records that the rows of build(pk) name
    through fields ({attname: model name}), public or not: a hidden fact becomes visible when its
    record does. The read is compiled once per process, as the pages' reads are."""
    rows = Compiled(lambda pk: build(pk).order_by().values_list(*fields))
    names = tuple(fields.values())

    def keys(found: list) -> set[str]:
        pairs = (pair for row in found for pair in zip(names, row, strict=True))
        return {versions.key(name, value) for name, value in pairs if value is not None}

    return lambda pk: rows.bind(pk).then(keys)


def _with_public_parent(record, public_by_pk: Compiled) -> None:
    """Set record.parent as _public_parent()'s prefetch reads it: None when the public may not see it."""
    found = public_by_pk(record.parent_id) if record.parent_id else []
    type(record).parent.field.set_cached_value(record, found[0] if found else None)


def _counted_over_meetings(record) -> dict:
    """What an official's or an organisation's page counts over its public meetings (those of its
    public links): the latest meetings' ids, the meetings per year (chart and table), who it met
    most often. Kept until a meeting linked to the record is written (cache.cached_for_record).

    The meetings are read once, by the links' kept flags (the rule's own answer, without its joins:
    decision 0015); the latest are chosen among them by date before their facts are read.
    """
    link = facets.LINK_OF_RECORD[type(record)]
    field = facets.LINKS[link]  # "official" or "organisation": the link's field and the list's filter

    def count():
        meeting_ids, dates = pictures.record_meeting_dates(link, record)
        if dates is not None:
            # Newest first, as a meeting list orders them (-date, -pk).
            latest = heapq.nlargest(DETAIL_LIMIT, dates, key=lambda pk: (dates[pk], pk))
        else:
            latest = list(Meeting.objects.filter(pk__in=meeting_ids).values_list("pk", flat=True)[:DETAIL_LIMIT])
        counts = pictures.record_counts(link, record, meeting_ids, dates=dates)
        counted = {
            "latest": latest,
            "per_year": counts.per_year(),
            "year_chart": pictures.year_chart(RecordQuery(field, record.slug), counts=counts),
            "met_with": pictures.met_with(**{field: record}, counts=counts),
        }
        return counted, counts.over_every_meeting

    return cached_for_record(record, f"{field}-page", count)


def _met_with_versions(met_with: list) -> set[str]:
    kinds = {"People": "official", "Organisations": "organisation"}
    return {versions.key(kinds[heading], row["pk"]) for heading, rows in met_with for row in rows}


# An official's page reads the same queries for every official: compiled once per process.
_PAGE_OFFICIAL = Compiled(lambda slug: Official.objects.public().filter(slug=slug))
_OFFICIAL_POSTS = Compiled(
    lambda official_id: _no_body(
        Post.objects.public().filter(official_id=official_id).select_related("organisation", "source"), "source"
    )
)
# By the kept flags, as a meeting's page reads its links (decision 0015): the rule's joins cost more
# to plan than the 50 rows cost to read. Which posts the public may see comes from the page's own
# list of the official's public posts (_posts_shown), not from the rule asked again for each row.
_OFFICIAL_LATEST = Compiled(
    lambda official_id, meeting_ids, current: _latest(
        facets.public_links(Participation, current=current)
        .select_related("post__organisation")
        .filter(official_id=official_id, meeting_id__in=meeting_ids)
    )
)


def _posts_shown(participations: list, public_posts: list) -> None:
    """Set post_is_public on an official's participations, as with_public_post() would: public
    when the post is among the official's public posts. A post of someone else (which the admin
    refuses, but a bulk load might hold) is asked of the rule."""
    public = {post.pk for post in public_posts}
    others = {p.post_id for p in participations if p.post_id and p.post.official_id != p.official_id}
    if others:
        public |= set(Post.objects.public().filter(pk__in=others).values_list("pk", flat=True))
    for participation in participations:
        participation.post_is_public = participation.post_id in public


_OFFICIAL_POSTS_NAME = _named_by(
    lambda pk: Post.objects.filter(official_id=pk), pk="post", organisation_id="organisation", source_id="pressrelease"
)


def official_page(slug: str) -> dict:
    official = _the_one(_PAGE_OFFICIAL(slug), "official")
    counted = _counted_over_meetings(official)
    participations, named, posts = read_together(
        _OFFICIAL_LATEST.bind(official.pk, counted["latest"], key=(facets.flags_current(),)),
        _OFFICIAL_POSTS_NAME(official.pk),
        _OFFICIAL_POSTS.bind(official.pk),
    )
    depends_on = {versions.key(official), versions.meetings_key(official)} | _shown(participations)
    depends_on |= _met_with_versions(counted["met_with"]) | named
    _posts_shown(participations, posts)
    for post in posts:
        Post.official.field.set_cached_value(post, official)  # as official.posts did
    return {
        "official": official,
        "posts": posts,
        "participations": participations,
        "limit": DETAIL_LIMIT,
        "year_chart": counted["year_chart"],
        "career": pictures.career(official, posts, meetings_per_year=counted["per_year"]),
        "met_with": counted["met_with"],
        "depends_on": depends_on,
    }


def _only_public(records: list) -> list:
    """Those of records (of one kind) that the public may see, in their order."""
    if not records:
        return []
    public = set(type(records[0]).objects.public().filter(pk__in=[r.pk for r in records]).values_list("pk", flat=True))
    return [record for record in records if record.pk in public]


def _relationships_of(organisation_id: int) -> QuerySet:
    return Relationship.objects.filter(Q(from_organisation_id=organisation_id) | Q(to_organisation_id=organisation_id))


# An organisation's page reads the same queries for every organisation: compiled once per process,
# as a meeting's are. The parent is read as None when the public may not see it (_public_parent).
_PAGE_ORGANISATION = Compiled(lambda slug: Organisation.objects.public().filter(slug=slug))
_PUBLIC_ORGANISATION = Compiled(lambda pk: Organisation.objects.public().filter(pk=pk))
_ORGANISATION_LISTS = {
    "children": Compiled(lambda pk: Organisation.objects.public().filter(parent_id=pk)),
    "posts": Compiled(
        lambda pk: _no_body(
            Post.objects.public().filter(organisation_id=pk).select_related("official", "source"), "source"
        )
    ),
    "agreements": Compiled(lambda pk: Agreement.objects.public().filter(parties=pk)),
    # The latest: a secretariat publishes thousands, and its page listed every one.
    "releases": Compiled(
        lambda pk: PressRelease.objects.published().filter(publisher_id=pk).defer(*RELEASE_BODY)[:DETAIL_LIMIT]
    ),
    "relationships": Compiled(
        lambda pk: _no_body(
            _relationships_of(pk).public().select_related("from_organisation", "to_organisation", "source"), "source"
        )
    ),
}
_ORGANISATION_MEETINGS = Compiled(lambda ids: _no_body(meetings(), "source").filter(pk__in=ids))
# What the page depends on, public or not.
_ORGANISATION_NAMES = [
    _named_by(lambda pk: Organisation.objects.filter(parent_id=pk), pk="organisation"),
    _named_by(lambda pk: Organisation.objects.filter(pk=pk), parent_id="organisation"),
    _named_by(lambda pk: Post.objects.filter(organisation_id=pk), pk="post", official_id="official"),
    _named_by(
        _relationships_of,
        from_organisation_id="organisation",
        to_organisation_id="organisation",
        source_id="pressrelease",
    ),
]


def organisation_page(slug: str) -> dict:
    organisation = _the_one(_PAGE_ORGANISATION(slug), "organisation")
    _with_public_parent(organisation, _PUBLIC_ORGANISATION)
    counted = _counted_over_meetings(organisation)
    shown_meetings, *found = read_together(
        _ORGANISATION_MEETINGS.bind(counted["latest"]),
        *(compiled.bind(organisation.pk) for compiled in _ORGANISATION_LISTS.values()),
        *(named(organisation.pk) for named in _ORGANISATION_NAMES),
    )
    lists = dict(zip(_ORGANISATION_LISTS, found[: len(_ORGANISATION_LISTS)], strict=True))
    # A save of any release it published moves the organisation's own version (versions.release_records).
    depends_on = versions.keys([organisation, *shown_meetings, *lists["agreements"], *lists["releases"]])
    depends_on |= _met_with_versions(counted["met_with"])
    depends_on.add(versions.meetings_key(organisation))
    depends_on |= set().union(*found[len(_ORGANISATION_LISTS) :])
    return {
        "organisation": organisation,
        "parent": organisation.parent,
        **lists,
        "meetings": shown_meetings,
        "limit": DETAIL_LIMIT,
        "year_chart": counted["year_chart"],
        "met_with": counted["met_with"],
        "depends_on": depends_on,
    }


# An area's and an agreement's page read the same queries for every record: compiled once per
# process, as a meeting's are. Their latest meetings' links are read by the kept flags (decision
# 0015) while those are current, by the rule's joins after a bulk load (the key).
_PAGE_AREA = Compiled(lambda slug: CooperationArea.objects.public().filter(slug=slug))
_PUBLIC_AREA = Compiled(lambda pk: CooperationArea.objects.public().filter(pk=pk))
_AREA_CHILDREN = Compiled(lambda pk: CooperationArea.objects.public().filter(parent_id=pk))
_AREA_AGREEMENTS = Compiled(lambda pk: Agreement.objects.public().filter(areas=pk))
# Planned for each area: one plan cannot serve both an area with 18,000 meetings (walk the meetings by
# date until 50 are found) and one with none, such as a pillar whose meetings are all on the areas
# below it (the same walk reads all 200,000 of them: 2 s against 0.1 ms).
_AREA_LATEST = Compiled(
    lambda pk, current: _latest(facets.public_links(MeetingArea, current=current).filter(area=pk)),
    planned_each_call=True,
)
_AREA_OUTCOMES = Compiled(lambda pk: _latest(Outcome.objects.public().filter(areas=pk)))


def area_page(slug: str) -> dict:
    area = _the_one(_PAGE_AREA(slug), "cooperation area")
    _with_public_parent(area, _PUBLIC_AREA)
    ancestors = area.ancestors()
    # The latest meetings' links are planned for this area, so read alone (compiled.read_together).
    meeting_links, outcomes, agreements, children = read_together(
        _AREA_LATEST.bind(area.pk, key=(facets.flags_current(),)),
        _AREA_OUTCOMES.bind(area.pk),
        _AREA_AGREEMENTS.bind(area.pk),
        _AREA_CHILDREN.bind(area.pk),
    )
    # Below it: its count of meetings counts theirs (a meeting on a sub-area moves that area's versions).
    below = CooperationArea.objects.descendant_ids([area])
    depends_on = versions.keys([*ancestors, *agreements]) | {versions.key("cooperationarea", pk) for pk in below}
    depends_on |= {versions.meetings_key("cooperationarea", pk) for pk in below}
    depends_on |= _shown(meeting_links) | _shown(outcomes)
    return {
        "area": area,
        "parent": area.parent,
        "ancestors": _only_public(ancestors),
        "children": children,
        "meeting_links": meeting_links,
        "meetings_below": _meetings_in_subtree(area),
        "outcomes": outcomes,
        "agreements": agreements,
        "limit": DETAIL_LIMIT,
        "depends_on": depends_on,
    }


def _meetings_in_subtree(area) -> int:
    """How many public meetings discussed the area or an area below it: kept on write where counts
    are (its list's total), else counted (on PostgreSQL, 50 ms for a large area at 200,000 meetings)."""
    using = Meeting.objects.db
    if facets.maintained(using):
        return facets.StoredCounts(area.pk, using).total()
    return meetings().for_areas([area]).count()


_AGREEMENTS_THROUGH = Agreement.takes_into_account.through
_PAGE_AGREEMENT = Compiled(
    lambda slug: _no_body(Agreement.objects.public().select_related("source"), "source").filter(slug=slug)
)
# The public records an agreement's page lists, by the name agreement_links() prefetched them under.
_AGREEMENT_LISTS = {
    "public_parties": Compiled(lambda pk: Organisation.objects.public().filter(agreements=pk)),
    "public_areas": Compiled(lambda pk: CooperationArea.objects.public().filter(agreements=pk)),
    "public_takes_into_account": Compiled(lambda pk: Agreement.objects.public().filter(taken_into_account_by=pk)),
    "built_on_by": Compiled(lambda pk: Agreement.objects.public().filter(takes_into_account=pk)),
}
_AGREEMENT_LATEST = Compiled(
    lambda pk, current: _latest(facets.public_links(MeetingAgreement, current=current).filter(agreement=pk))
)
_AGREEMENT_OUTCOMES = Compiled(lambda pk: _latest(Outcome.objects.public().filter(agreements=pk)))
# What the page depends on, public or not.
_AGREEMENT_NAMES = [
    _named_by(lambda pk: Agreement.objects.filter(pk=pk), source_id="pressrelease"),
    _named_by(lambda pk: Agreement.parties.through.objects.filter(agreement_id=pk), organisation_id="organisation"),
    _named_by(lambda pk: Agreement.areas.through.objects.filter(agreement_id=pk), cooperationarea_id="cooperationarea"),
    _named_by(lambda pk: _AGREEMENTS_THROUGH.objects.filter(from_agreement_id=pk), to_agreement_id="agreement"),
    _named_by(lambda pk: _AGREEMENTS_THROUGH.objects.filter(to_agreement_id=pk), from_agreement_id="agreement"),
]


def agreement_page(slug: str) -> dict:
    agreement = _the_one(_PAGE_AGREEMENT(slug), "agreement")
    meeting_links, outcomes, *found = read_together(
        _AGREEMENT_LATEST.bind(agreement.pk, key=(facets.flags_current(),)),
        _AGREEMENT_OUTCOMES.bind(agreement.pk),
        *(compiled.bind(agreement.pk) for compiled in _AGREEMENT_LISTS.values()),
        *(named(agreement.pk) for named in _AGREEMENT_NAMES),
    )
    lists = dict(zip(_AGREEMENT_LISTS, found[: len(_AGREEMENT_LISTS)], strict=True))
    for name in ("public_parties", "public_areas", "public_takes_into_account"):
        setattr(agreement, name, lists[name])  # as agreement_links() prefetched them
    depends_on = versions.keys([agreement]) | {versions.meetings_key(agreement)}
    depends_on |= _shown(meeting_links) | _shown(outcomes)
    depends_on |= set().union(*found[len(_AGREEMENT_LISTS) :])
    return {
        "agreement": agreement,
        "parties": lists["public_parties"],
        "areas": lists["public_areas"],
        "meeting_links": meeting_links,
        "outcomes": outcomes,
        "builds_on": lists["public_takes_into_account"],
        "built_on_by": lists["built_on_by"],
        "limit": DETAIL_LIMIT,
        "depends_on": depends_on,
    }


def release_dependencies(release: PressRelease) -> set[str]:
    """The version keys a release's page draws from: the release, its publisher, every fact it
    supports and every record those facts name, public or not."""
    found, meeting_ids = versions.release_records({release.pk})
    own = {versions.key(release), versions.meetings_key(release)}
    return found | own | {versions.key("meeting", pk) for pk in meeting_ids}


# What a release's page lists of the records derived from it: {context name: (model, related records)}.
_DERIVED = {
    "meetings": (Meeting, ()),
    "agreements": (Agreement, ()),
    "posts": (Post, ("official", "organisation")),
    "participations": (Participation, ("official", "meeting")),
    "organisation_links": (MeetingOrganisation, ("organisation", "meeting")),
    "area_links": (MeetingArea, ("area", "meeting")),
    "agreement_links": (MeetingAgreement, ("agreement", "meeting")),
    "outcomes": (Outcome, ("meeting",)),
    "relationships": (Relationship, ("from_organisation", "to_organisation")),
}


def _derived_from(model, related: tuple[str, ...]) -> Compiled:
    return Compiled(lambda release_id: model.objects.public().filter(source_id=release_id).select_related(*related))


# A release's public page reads the same nine queries for every release: compiled once per process,
# as a meeting's are (compiling them took longer than running them).
_PAGE_RELEASE = Compiled(lambda slug: releases().filter(slug=slug))
_RELEASE_DERIVED = {name: _derived_from(model, related) for name, (model, related) in _DERIVED.items()}


def release_page(slug: str) -> PressRelease:
    """A published release by slug, or a 404."""
    return _the_one(_PAGE_RELEASE(slug), "press release")


def release_facts(release: PressRelease, *, public: bool = True) -> dict:
    """The records derived from a release, for its page; with public=False every one (a staff preview)."""
    if public:
        found = read_together(*(compiled.bind(release.pk) for compiled in _RELEASE_DERIVED.values()))
        return dict(zip(_RELEASE_DERIVED, found, strict=True))
    return {
        name: model.objects.filter(source=release).select_related(*related)
        for name, (model, related) in _DERIVED.items()
    }


def public_dataset_json(header: dict) -> Iterator[str]:
    """The public dataset (everything the public may see, nothing else) as JSON text, piece by piece."""
    return dataset_json(header, public=True)


def public_dataset() -> dict:
    """The public dataset as one document (for tests and small sites; the download streams)."""
    return dump_dataset(public=True)
