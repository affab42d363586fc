import datetime

import pytest
from django.http import QueryDict

from partnership.filters import AgreementFilter, MeetingFilter, OfficialFilter, OrganisationFilter, PressReleaseFilter
from partnership.models import (
    Agreement,
    Meeting,
    MeetingAgreement,
    Official,
    Organisation,
    Participation,
    PressRelease,
    ReleaseStatus,
)

from . import factories

pytestmark = pytest.mark.django_db

JENCA_MEETING = "2015-06-26-jenca-le-luong-minh"


def meetings(query: str) -> MeetingFilter:
    return MeetingFilter(QueryDict(query), queryset=Meeting.objects.public())


def slugs(filterset) -> list[str]:
    assert filterset.is_valid(), filterset.errors
    return [record.slug for record in filterset.qs]


@pytest.fixture
def more(seeded):
    """Two more meetings beside the fixture's: one on maritime security in 2016, one on nothing in 2017."""
    maritime = Meeting.objects.get(slug=JENCA_MEETING).areas.get(slug="maritime-security")
    jenca = Official.objects.get(slug="miroslav-jenca")
    first = factories.meeting(title="Maritime talks", date=datetime.date(2016, 3, 1), areas=[maritime])
    Participation.objects.create(meeting=first, official=jenca)
    second = factories.meeting(title="Other talks", date=datetime.date(2017, 5, 1))
    MeetingAgreement.objects.create(
        meeting=second, agreement=Agreement.objects.get(slug="joint-declaration-on-comprehensive-partnership")
    )
    return first, second


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("area=maritime-security", [JENCA_MEETING]),
        ("area=political-security", [JENCA_MEETING]),
        ("official=miroslav-jenca", [JENCA_MEETING]),
        ("organisation=united-nations", [JENCA_MEETING]),
        ("agreement=long-term-plan-for-asean-un-cooperation", [JENCA_MEETING]),
        ("date_after=2015-06-26", [JENCA_MEETING]),
        ("date_after=2015-06-27", []),
        ("date_before=2015-06-25", []),
        ("year=2015", [JENCA_MEETING]),
        ("year=2016", []),
        ("kind=bilateral", [JENCA_MEETING]),
        ("q=JENCA", [JENCA_MEETING]),
        ("q=nothing-like-this", []),
    ],
)
def test_each_meeting_filter_alone(seeded, query, expected):
    assert slugs(meetings(query)) == expected


def test_an_area_includes_its_sub_areas(more):
    """Filtering by a pillar finds meetings that discussed only an area below it."""
    first, _ = more
    assert first.slug in slugs(meetings("area=political-security"))
    assert first.slug in slugs(meetings("area=transnational-threats"))


def test_filters_combine(more):
    first, second = more
    assert slugs(meetings("area=maritime-security&year=2016")) == [first.slug]
    assert slugs(meetings("official=miroslav-jenca&date_before=2015-12-31")) == [JENCA_MEETING]
    assert slugs(meetings("agreement=joint-declaration-on-comprehensive-partnership&sort=date")) == [
        JENCA_MEETING,
        second.slug,
    ]
    assert slugs(meetings("area=maritime-security&official=miroslav-jenca&q=maritime")) == [first.slug]


def test_several_areas_at_once_must_all_match(more):
    """Repeated values narrow: area=a&area=b finds meetings that discussed both."""
    first, _ = more
    assert sorted(slugs(meetings("area=maritime-security"))) == sorted([JENCA_MEETING, first.slug])
    assert slugs(meetings("area=maritime-security&area=sustainable-development")) == [JENCA_MEETING]


def test_sort_orders(more):
    first, second = more
    assert slugs(meetings("")) == [second.slug, first.slug, JENCA_MEETING]
    assert slugs(meetings("sort=date")) == [JENCA_MEETING, first.slug, second.slug]
    assert slugs(meetings("sort=title"))[0] == first.slug


def test_drafts_never_count(seeded):
    draft = factories.release(status=ReleaseStatus.DRAFT)
    factories.meeting(title="Secret", source=draft, areas=Meeting.objects.get(slug=JENCA_MEETING).areas.all())
    filterset = meetings("area=maritime-security")
    assert slugs(filterset) == [JENCA_MEETING]
    assert {c.value: c.count for c in filterset.area_facets()}["maritime-security"] == 1


def test_facet_counts_follow_the_current_result(more):
    """Each choice shows how many meetings of the current result it would give."""
    first, second = more
    filterset = meetings("")
    assert filterset.is_valid()
    areas = {c.value: c.count for c in filterset.area_facets()}
    assert areas["maritime-security"] == 2
    assert areas["political-security"] == 2  # the pillar counts its sub-areas, each meeting once
    assert areas["sustainable-development"] == 1
    assert {c.value: c.count for c in filterset.official_facets()} == {"miroslav-jenca": 2, "le-luong-minh": 1}
    assert {c.value: c.count for c in filterset.agreement_facets()}[
        "joint-declaration-on-comprehensive-partnership"
    ] == 2
    assert [(c.value, c.count) for c in filterset.year_histogram()] == [("2015", 1), ("2016", 1), ("2017", 1)]

    narrowed = meetings("official=miroslav-jenca")
    assert narrowed.is_valid()
    assert {c.value: c.count for c in narrowed.area_facets()}["maritime-security"] == 2
    assert {c.value: c.count for c in narrowed.agreement_facets()}[
        "joint-declaration-on-comprehensive-partnership"
    ] == 1
    assert [(c.value, c.count) for c in narrowed.year_histogram()] == [("2015", 1), ("2016", 1)]
    selected = [c for c in narrowed.official_facets() if c.selected]
    assert [c.value for c in selected] == ["miroslav-jenca"]


def test_facet_counts_match_the_result_each_choice_gives(more):
    """Following a facet link gives exactly as many meetings as the facet showed."""
    base = meetings("year=2016")
    assert base.is_valid()
    for name, choices in base.facets().items():
        for choice in choices:
            if not choice.selected:
                assert len(slugs(meetings(base.query_with(name, choice.value)))) == choice.count


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("area=no-such-area", "area"),
        ("official=nobody", "official"),
        ("date_after=yesterday", "date_after"),
        ("date_before=2015-13-40", "date_before"),
        ("year=99999", "year"),
        ("year=abc", "year"),
        ("sort=password", "sort"),
        ("sort=,title", "sort"),
        ("kind=party", "kind"),
        ("q=" + "x" * 10_000, "q"),
    ],
)
def test_bad_parameters_are_form_errors(seeded, query, field):
    filterset = meetings(query)
    assert not filterset.is_valid()
    assert field in filterset.errors


def test_unknown_slug_message_names_it(seeded):
    filterset = meetings("area=atlantis")
    assert not filterset.is_valid()
    assert filterset.errors["area"] == ["There is no cooperation area “atlantis”."]


def test_chips_remove_one_value_each(more):
    filterset = meetings("area=maritime-security&area=sustainable-development&year=2015&page=2")
    assert filterset.is_valid()
    chips = {chip.label: chip.remove_query for chip in filterset.chips()}
    assert chips["Area: Maritime security"] == "area=sustainable-development&year=2015"
    assert chips["Year: 2015"] == "area=maritime-security&area=sustainable-development"


@pytest.mark.parametrize("words", ["sea & sky", "ASEAN–UN partnership " * 6])
def test_a_facet_link_keeps_the_other_filters_as_the_address_bar_had_them(more, words):
    """Short values (kept encoded per worker) and long ones (encoded each time) alike."""
    sent = QueryDict(mutable=True)
    sent.setlist("q", [words])
    sent.setlist("area", ["maritime-security"])
    filterset = meetings(sent.urlencode())
    assert filterset.is_valid(), filterset.errors
    expected = sent.copy()
    expected.setlist("year", ["2015"])
    assert filterset.query_with("year", "2015") == expected.urlencode()
    assert filterset.query_with("year", "2015") == expected.urlencode()  # again, from what was kept


def test_official_filters(seeded):
    def officials(query):
        return slugs(OfficialFilter(QueryDict(query), queryset=Official.objects.all()))

    assert officials("organisation=united-nations") == ["miroslav-jenca"]
    assert officials("post=secretary-general of") == ["le-luong-minh"]
    assert officials("year=2015") == ["le-luong-minh", "miroslav-jenca"]
    assert officials("year=2014") == []
    assert officials("q=jenča") == ["miroslav-jenca"]


def test_organisation_filters(seeded):
    def organisations(query):
        return slugs(OrganisationFilter(QueryDict(query), queryset=Organisation.objects.all()))

    assert organisations("kind=secretariat") == ["asean-secretariat"]
    assert organisations("parent=asean") == ["asean-secretariat"]
    assert organisations("q=UN") == ["united-nations"]


def test_agreement_filters(seeded):
    def agreements(query):
        return slugs(AgreementFilter(QueryDict(query), queryset=Agreement.objects.all()))

    assert agreements("status=proposed") == ["long-term-plan-for-asean-un-cooperation"]
    assert agreements("kind=declaration&year=2011") == ["joint-declaration-on-comprehensive-partnership"]
    assert agreements("area=sustainable-development") == [
        "long-term-plan-for-asean-un-cooperation",
        "post-2015-sustainable-development-goals",
    ]
    assert agreements("party=asean&party=united-nations") == [
        "joint-declaration-on-comprehensive-partnership",
        "long-term-plan-for-asean-un-cooperation",
    ]


def test_release_filters(seeded):
    def releases(query):
        return slugs(PressReleaseFilter(QueryDict(query), queryset=PressRelease.objects.published()))

    slug = "2015-06-30-un-and-asean-to-strengthen-cooperation"
    assert releases("publisher=asean-secretariat&year=2015") == [slug]
    assert releases("date_after=2015-07-01") == []
    assert releases("q=maritime") == [slug]


def test_empty_values_mean_no_filter(seeded):
    """A submitted empty field (`?official=`) is ignored, also beside a chosen value."""
    assert slugs(meetings("official=&area=&q=&year=")) == [JENCA_MEETING]
    assert slugs(meetings("official=miroslav-jenca&official=")) == [JENCA_MEETING]


def test_every_sort_order_ends_with_the_primary_key(seeded):
    """Rows that tie on the sort key keep one order, so pagination neither repeats nor skips them."""
    release = Meeting.objects.get().source
    Meeting.objects.bulk_create(
        Meeting(title="Same", slug=f"same-{i}", date=datetime.date(2016, 1, 1), source=release, source_paragraph=1)
        for i in range(5)
    )
    for sort in ["title", "date", "-date"]:
        filterset = meetings(f"sort={sort}")
        assert filterset.is_valid()
        assert filterset.qs.query.order_by[-1] == "-pk"


def test_a_record_filter_takes_any_name_a_record_is_known_by(client, seeded):
    """The picker's "Jenca" (an alias without its accent) filters by Miroslav Jenča, and the page's own
    links then name him by slug; an unknown name is a 400 that says what may be given."""
    response = client.get("/meetings/?official=Jenca")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Official: Miroslav Jenča" in html
    assert 'aria-label="Remove filter Official: Miroslav Jenča"' in html
    assert '<link rel="canonical" href="http://testserver/meetings/?official=miroslav-jenca">' in html
    assert client.get("/feeds/meetings/?official=Jenca").status_code == 200
    assert client.get("/meetings/?organisation=UN&official=SG+Minh").status_code == 200
    unknown = client.get("/meetings/?official=Nobody+Known")
    assert unknown.status_code == 400
    assert "There is no official “Nobody Known”." in unknown.content.decode()
    assert "any name, other spelling or slug" in html


def test_a_name_shared_by_two_records_asks_for_one(client, seeded):
    factories.official(name="Tran Minh", aliases=["SG Minh"])
    response = client.get("/meetings/?official=SG+Minh")
    assert response.status_code == 400
    text = response.content.decode()
    assert "could be any of several" in text and "le-luong-minh" in text


def test_filtersets_bound_one_after_another_keep_their_own_values_errors_and_results(seeded):
    """Every request binds its own FilterSet from the same declared filters and form. One request's
    name, error or result must never show in another's, in either order, and the declared filters
    are left as declared."""
    by_name = meetings("official=Jenca")
    wrong = meetings("official=nobody-at-all&year=abc")
    by_slug = meetings("official=miroslav-jenca&year=2015")
    assert not wrong.is_valid()
    assert set(wrong.errors) == {"official", "year"}
    assert slugs(by_name) == slugs(by_slug) == [JENCA_MEETING]
    assert by_name.query_string == "official=miroslav-jenca"  # the name, read as the slug it stood for
    assert by_slug.query_string == "official=miroslav-jenca&year=2015"
    assert not meetings("").errors and slugs(meetings("year=2014")) == []
    assert wrong.errors and by_name.form is not by_slug.form
    assert by_name.form.fields["official"] is not by_slug.form.fields["official"]
    assert by_name.filters["official"].parent is by_name and by_slug.filters["official"].parent is by_slug
    assert not hasattr(MeetingFilter.base_filters["official"], "parent")
