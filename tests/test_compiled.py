"""Queries compiled once per process (partnership/compiled.py), and the meeting page that reads them.

A compiled query must answer, for every value it is called with, what the QuerySet built from
that value answers: the second call's value must reach the SQL, not the first's. The meeting page
reads its links this way, so the test of the page compares it with the public rule's own prefetch
on the data that used to leak: draft facts on a published meeting.
"""

import datetime

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from partnership import facets, selectors
from partnership.compiled import Call, Compiled, RawRead, read_together
from partnership.models import (
    Agreement,
    CooperationArea,
    Meeting,
    MeetingAgreement,
    MeetingArea,
    Official,
    Outcome,
    Participation,
    PressRelease,
    ReleaseStatus,
)

from . import factories
from .test_public_rule import MEETING, PLAN, draft  # noqa: F401  (a fixture)

LISTS = ["public_participations", "public_organisation_links", "public_area_links", "public_agreement_links"]


def test_a_compiled_query_answers_as_its_queryset_for_each_value(seeded):
    people = list(Official.objects.public().order_by("pk")[:3])
    by_slug = Compiled(lambda slug: Official.objects.public().filter(slug=slug))
    for person in people:
        assert by_slug(person.slug) == [person]
    assert by_slug("nobody-has-this-slug") == []


def _participations_of(meeting_id):
    return (
        Participation.objects.public()
        .with_public_post()
        .select_related("official")
        .filter(meeting_id=meeting_id)
        .annotate(official_name=F("official__name"))
        .order_by("pk")
    )


def test_related_records_and_annotations_come_back_on_each_object(seeded):
    participations = Compiled(_participations_of)
    meetings = list(Meeting.objects.public())
    assert len(meetings) >= 1 and any(_participations_of(meeting.pk) for meeting in meetings)
    for meeting in meetings:
        expected = list(_participations_of(meeting.pk))
        found = participations(meeting.pk)
        assert found == expected
        assert [(p.official.name, p.official_name, p.post_is_public, p.public_post) for p in found] == [
            (p.official.name, p.official_name, p.post_is_public, p.public_post) for p in expected
        ]


def test_rows_as_tuples_and_a_key_for_each_shape(seeded):
    names = Compiled(
        lambda slug, public: (
            (Official.objects.public() if public else Official.objects.all())
            .filter(slug=slug)
            .values_list("name", flat=True)
        )
    )
    draft_only = Official.objects.create(
        name="Drafted Person", first_seen=factories.release(status=ReleaseStatus.DRAFT)
    )
    assert names(draft_only.slug, key=(True,)) == []
    assert names(draft_only.slug, key=(False,)) == ["Drafted Person"]
    assert names("miroslav-jenca", key=(True,)) == ["Miroslav Jenča"]


def test_lists_of_ids_of_each_length(seeded):
    people = [factories.official(name=f"Person {n}").pk for n in range(4)]
    by_ids = Compiled(lambda ids, slug: Official.objects.filter(pk__in=ids).exclude(slug=slug).order_by("pk"))
    for ids in ([people[0], people[1]], [people[2], people[3]], [people[3]], []):
        found = [person.pk for person in by_ids(ids, "miroslav-jenca")]
        assert found == list(
            Official.objects.filter(pk__in=ids)
            .exclude(slug="miroslav-jenca")
            .values_list("pk", flat=True)
            .order_by("pk")
        )


def test_a_list_of_any_length_as_one_array_is_compiled_once(seeded):
    """A record's meetings, one array parameter (facets.among): each list answers as its QuerySet
    does, the second's ids reaching the SQL, and on PostgreSQL every length shares one query."""
    people = [factories.official(name=f"Person {n}").pk for n in range(4)]

    def build(ids, slug):
        return Official.objects.filter(pk__in=facets.among(ids)).exclude(slug=slug).order_by("pk")

    by_ids = Compiled(build, arrays=(0,))
    left_out = Official.objects.get(pk=people[1]).slug
    for ids in ([people[0], people[1]], [people[2], people[3], people[1]], [people[3]], []):
        found = [person.pk for person in by_ids(ids, left_out)]
        assert found == [person.pk for person in build(ids, left_out)]
        assert found == sorted(pk for pk in ids if pk != people[1])
    assert len(by_ids._shapes) == (1 if connection.vendor == "postgresql" else 0)


def _reads(people):
    """Reads of every kind read_together() takes, with what each gives alone."""
    with_posts = Compiled(_participations_of)
    names = Compiled(lambda ids: Official.objects.filter(pk__in=ids).order_by("name").values_list("name", flat=True))
    planned = Compiled(lambda slug: Official.objects.public().filter(slug=slug), planned_each_call=True)
    meeting = Meeting.objects.public().order_by("pk").first()
    return [
        (with_posts.bind(meeting.pk), list(_participations_of(meeting.pk))),
        (names.bind([person.pk for person in people]), sorted(person.name for person in people)),
        (names.bind([]), []),  # Django knows it gives no rows: never sent
        (planned.bind(people[0].slug), [people[0]]),
        (RawRead("SELECT %s + 1", [41], map_rows=lambda rows: rows[0][0]), 42),
        (Call(lambda: "run in its place"), "run in its place"),
        (with_posts.bind(-1), []),
    ]


def test_reads_sent_together_each_answer_as_alone_in_order(seeded):
    """read_together(): model rows with their related records and annotations, tuples, an empty
    list, a query planned for each call, SQL and a call each give what they give alone, in order.
    Every query sent is still logged, so the pages' query counts still count them."""
    people = list(Official.objects.public().order_by("pk")[:3])
    reads, expected = zip(*_reads(people), strict=True)
    with CaptureQueriesContext(connection) as queries:
        found = read_together(*reads)
    assert found == list(expected)
    assert [(p.official.name, p.official_name, p.post_is_public) for p in found[0]] == [
        (p.official.name, p.official_name, p.post_is_public) for p in expected[0]
    ]
    assert len(queries) == 5  # all but the empty list and the call


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's pipeline mode is PostgreSQL's")
def test_reads_sent_together_go_in_one_round_trip_and_are_prepared_as_alone(seeded):
    """On PostgreSQL the reads that can go together are sent in pipeline mode (one round trip), the
    query planned for each call alone, unprepared; after a few pages each read is a prepared statement."""
    people = list(Official.objects.public().order_by("pk")[:3])
    in_pipeline = []

    def note(execute, sql, params, many, context):
        status = connection.connection.pgconn.pipeline_status
        in_pipeline.append((sql, status != psycopg.pq.PipelineStatus.OFF))
        return execute(sql, params, many, context)

    for _ in range(8):
        in_pipeline.clear()
        reads, _expected = zip(*_reads(people), strict=True)
        with connection.execute_wrapper(note):
            read_together(*reads)
    assert [together for _sql, together in in_pipeline] == [True, True, True, True, False]
    assert '"partnership_official"."slug" = ' in in_pipeline[-1][0]  # the query planned for each call
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert "SELECT $1 + 1" in prepared
    names = 'SELECT "partnership_official"."name" AS "name" FROM "partnership_official" WHERE '
    assert any(statement.startswith(names) for statement in prepared)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's pipeline mode is PostgreSQL's")
def test_a_read_that_fails_among_others_is_a_database_error_and_the_connection_answers_after(seeded):
    by_slug = Compiled(lambda slug: Official.objects.public().filter(slug=slug))
    with pytest.raises(DatabaseError, match="division by zero"), transaction.atomic():
        read_together(by_slug.bind("miroslav-jenca"), RawRead("SELECT 1 / %s::int", [0]))
    assert [person.slug for person in by_slug("miroslav-jenca")] == ["miroslav-jenca"]


@pytest.mark.parametrize(
    "build, values, error, message",
    [
        (lambda name: Official.objects.filter(name__icontains=name), ("jen",), ValueError, "transformed"),
        (lambda slug: Official.objects.all(), ("miroslav-jenca",), ValueError, "do not reach its SQL"),
        (lambda when: Official.objects.filter(pk=when), (1.5,), TypeError, "takes ints, strs"),
    ],
    ids=["a transformed value", "an unused value", "a float"],
)
def test_a_value_that_cannot_be_swapped_is_refused_when_first_compiled(seeded, build, values, error, message):
    with pytest.raises(error, match=message):
        Compiled(build)(*values)


def _ids(rows) -> list[int]:
    return [row.pk for row in rows]


@pytest.fixture
def outcome_naming_a_draft_area(draft):  # noqa: F811
    """A published outcome of the published meeting naming a public area and a draft one."""
    meeting = Meeting.objects.get(slug="2015-06-26-jenca-le-luong-minh")
    outcome = Outcome.objects.create(meeting=meeting, kind="agreed", text="Joint patrols", position=9)
    outcome.areas.add(
        CooperationArea.objects.get(slug="maritime-security"), CooperationArea.objects.get(name="Secret Area")
    )
    outcome.agreements.add(Agreement.objects.get(title="Secret Accord"))
    # A second public meeting with links of its own: its page must not read the first one's.
    other = factories.meeting(title="Second meeting", areas=[CooperationArea.objects.get(slug="maritime-security")])
    Participation.objects.create(meeting=other, official=Official.objects.get(slug="miroslav-jenca"))
    return meeting


@pytest.mark.parametrize("flags", ["current", "stale"])
def test_a_meeting_page_shows_what_the_public_rule_prefetches(outcome_naming_a_draft_area, flags):
    if flags == "stale":
        facets.mark_stale("a bulk load")  # the links are then read by the rule's joins
    assert facets.flags_current() is (flags == "current")
    expected = {meeting.slug: meeting for meeting in selectors.meetings_with_links()}
    assert len(expected) >= 2
    for slug, reference in expected.items():
        meeting = selectors.meeting_page(slug)["meeting"]
        assert meeting == reference
        for attribute in LISTS:
            assert _ids(getattr(meeting, attribute)) == _ids(getattr(reference, attribute)), attribute
        assert _ids(meeting.public_outcomes) == _ids(reference.public_outcomes)
        for outcome, reference_outcome in zip(meeting.public_outcomes, reference.public_outcomes, strict=True):
            assert _ids(outcome.public_areas) == _ids(reference_outcome.public_areas)
            assert _ids(outcome.public_agreements) == _ids(reference_outcome.public_agreements)
    shown = selectors.meeting_page("2015-06-26-jenca-le-luong-minh")["meeting"]
    joint = next(outcome for outcome in shown.public_outcomes if outcome.text == "Joint patrols")
    assert [area.slug for area in joint.public_areas] == ["maritime-security"]
    assert joint.public_agreements == []


def test_a_release_page_lists_what_the_public_rule_gives_for_each_release(draft):  # noqa: F811
    """The published release supports a fact at a meeting only the draft reports: the rule hides
    it, and so must the compiled reads, for every release, not only the first one read."""
    published = Meeting.objects.get(slug=MEETING).source
    embargoed = Meeting.objects.get(title="Embargoed release meeting")
    jenca = Official.objects.get(slug="miroslav-jenca")
    hidden = Participation.objects.create(meeting=embargoed, official=jenca, source=published, source_paragraph=2)
    second = factories.release(title="A second published release")
    factories.meeting(title="Its meeting", source=second)
    releases = list(PressRelease.objects.published())
    assert len(releases) >= 2
    for release in releases:
        facts = selectors.release_facts(release)
        for name, (model, _related) in selectors._DERIVED.items():
            expected = list(getattr(release, f"derived_{model._meta.model_name}s").public())
            assert _ids(facts[name]) == _ids(expected), (release.title, name)
    shown = selectors.release_facts(published)["participations"]
    assert hidden.pk not in _ids(shown) and shown
    # Staff preview every derived record, drafts' included.
    assert hidden.pk in _ids(selectors.release_facts(published, public=False)["participations"])


@pytest.mark.parametrize("flags", ["current", "stale"])
def test_agreement_and_area_pages_show_what_the_public_rule_gives(draft, flags):  # noqa: F811
    """Every agreement's and area's page, on the scene where a published plan takes a draft accord
    into account and sits beside a draft party, and a draft area hangs on a published meeting."""
    if flags == "stale":
        facets.mark_stale("a bulk load")
    for reference in selectors.agreements():
        page = selectors.agreement_page(reference.slug)
        assert _ids(page["parties"]) == _ids(reference.public_parties)
        assert _ids(page["areas"]) == _ids(reference.public_areas)
        assert _ids(page["builds_on"]) == _ids(reference.public_takes_into_account)
        assert _ids(page["built_on_by"]) == _ids(reference.taken_into_account_by.public())
        links = MeetingAgreement.objects.public().filter(agreement=reference).order_by("-meeting__date", "-meeting__pk")
        assert _ids(page["meeting_links"]) == _ids(links)
    plan = selectors.agreement_page(PLAN)
    assert "Secret Accord" not in [agreement.title for agreement in plan["builds_on"]]
    assert "Secret Org" not in [party.name for party in plan["parties"]]
    for reference in selectors.areas():
        page = selectors.area_page(reference.slug)
        assert page["parent"] == reference.parent
        assert _ids(page["children"]) == _ids(reference.children.public())
        assert _ids(page["agreements"]) == _ids(reference.agreements.public())
        links = MeetingArea.objects.public().filter(area=reference).order_by("-meeting__date", "-meeting__pk")
        assert _ids(page["meeting_links"]) == _ids(links)
        outcomes = Outcome.objects.public().filter(areas=reference).order_by("-meeting__date", "-meeting__pk")
        assert _ids(page["outcomes"]) == _ids(outcomes)
    with pytest.raises(Http404):
        selectors.area_page("secret-area")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_a_query_planned_for_each_call_is_never_prepared(seeded):
    planned = Compiled(
        lambda slug: Official.objects.public().filter(slug=slug).order_by("-slug"), planned_each_call=True
    )
    prepared = Compiled(lambda slug: Official.objects.public().filter(slug=slug).order_by("-name"))
    for _ in range(12):
        assert [person.slug for person in planned("miroslav-jenca")] == ["miroslav-jenca"]
        assert [person.slug for person in prepared("miroslav-jenca")] == ["miroslav-jenca"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any('ORDER BY "partnership_official"."name" DESC' in statement for statement in statements)
    assert not any('ORDER BY "partnership_official"."slug" DESC' in statement for statement in statements)
    assert connection.connection.prepare_threshold == 5  # the connection's own setting is back


@pytest.mark.parametrize("flags", ["current", "stale"])
def test_an_officials_page_shows_a_post_held_where_the_public_rule_does(draft, flags):  # noqa: F811
    """Jenča's page, where published meetings name a post of his that only the draft reports, a
    published one, and two of someone else's, one published and one draft (the admin refuses those,
    a bulk load could write them): each post shows exactly when the rule's own read shows it."""
    jenca = Official.objects.get(slug="miroslav-jenca")
    embargoed = PressRelease.objects.get(title="Embargoed release")
    published = factories.release(title="Later release")
    cite = {"source": published, "source_paragraph": 1}
    posts = {
        "draft post": factories.post(official=jenca, title="Draft post", source=embargoed, source_paragraph=1),
        "public post": factories.post(official=jenca, title="Special Adviser", **cite),
        "someone else's": factories.post(title="Someone else's post", **cite),
        "someone else's draft": factories.post(title="Someone else's draft", source=embargoed, source_paragraph=1),
    }
    for day, post in enumerate(posts.values(), start=2):
        meeting = factories.meeting(source=published, date=datetime.date(2016, 1, day))
        Participation.objects.create(meeting=meeting, official=jenca, post=post, **cite)
    if flags == "stale":
        facets.mark_stale("a bulk load")
    for official in Official.objects.public():
        page = selectors.official_page(official.slug)
        expected = (
            Participation.objects.public()
            .with_public_post()
            .filter(official=official)
            .order_by("-meeting__date", "-meeting__pk")[: selectors.DETAIL_LIMIT]
        )
        assert [(p.pk, p.public_post) for p in page["participations"]] == [(p.pk, p.public_post) for p in expected]
    shown = {p.post.title: p.public_post for p in selectors.official_page("miroslav-jenca")["participations"] if p.post}
    assert shown["Draft post"] is None and shown["Someone else's draft"] is None
    assert shown["Special Adviser"] == posts["public post"]
    assert shown["Someone else's post"] == posts["someone else's"]
