import pytest
from django.db import connection
from pytest_django.asserts import assertContains

from partnership import search
from partnership.models import Meeting, Official, ReleaseStatus

from . import factories

pytestmark = pytest.mark.django_db


def found(query: str, kind: str | None = None) -> list[tuple[str, str]]:
    return [(hit.kind.key, hit.record.slug) for hit in search.search(query, kinds=[kind] if kind else None)]


@pytest.mark.parametrize("query", ["Jenca", "jenča", "JENCA", "Jenča", "miroslav jenca", "MIROSLAV JENČA"])
def test_jenca_in_any_spelling_finds_him_first(seeded, query):
    """Accents and case never matter: every spelling finds Miroslav Jenča, ranked first."""
    assert found(query)[0] == ("official", "miroslav-jenca")


@pytest.mark.parametrize("query", ["Le Luong Minh", "Lê Lương Minh", "LÊ LƯƠNG MINH", "le luong"])
def test_le_luong_minh_with_or_without_vietnamese_diacritics(seeded, query):
    assert found(query, "official") == [("official", "le-luong-minh")]


def test_alternative_spellings_from_aliases(seeded):
    """A record's aliases are searched too: 'SG Minh' is how the release names Le Luong Minh."""
    assert found("SG Minh", "official") == [("official", "le-luong-minh")]
    assert found("SDGs", "area") == [("area", "sustainable-development")]


def test_every_kind_and_the_release_text_are_searched(seeded):
    assert {kind for kind, _ in found("asean")} >= {"organisation", "agreement", "meeting", "release"}
    assert ("release", "2015-06-30-un-and-asean-to-strengthen-cooperation") in found("people smuggling")
    assert ("area", "people-smuggling") in found("people smuggling")


def test_words_match_as_prefixes_and_all_must_match(seeded):
    assert ("area", "maritime-security") in found("marit")
    assert found("maritime nonsenseword") == []


def test_results_are_the_same_on_both_databases(seeded):
    """The fixture gives the same hits on PostgreSQL and on SQLite (this test runs on both)."""
    assert sorted(found("maritime security")) == [
        ("area", "maritime-security"),
        ("release", "2015-06-30-un-and-asean-to-strengthen-cooperation"),
    ]
    assert sorted(found("jenca")) == [
        ("meeting", "2015-06-26-jenca-le-luong-minh"),
        ("official", "miroslav-jenca"),
        ("release", "2015-06-30-un-and-asean-to-strengthen-cooperation"),
    ]


def test_drafts_are_never_found(seeded):
    draft = factories.release(title="Zanzibar draft", body="Zanzibar secret.", status=ReleaseStatus.DRAFT)
    factories.meeting(title="Zanzibar meeting", source=draft)
    assert found("zanzibar") == []


@pytest.mark.parametrize("query", ["", "   ", "!!!", "a & b | c:* !(", "'); drop table x; --", "\\", "%_%", "東京"])
def test_odd_queries_never_fail(client, seeded, query):
    assert search.search(query) == [] or all(hit.record for hit in search.search(query))
    assert client.get("/search/", {"q": query}).status_code == 200


def test_query_is_limited_in_length_and_words():
    assert len(search.terms("word " * 1000)) == 1
    assert len(search.terms(" ".join(f"w{i}" for i in range(50)))) == search.MAX_TERMS


def test_snippet_highlights_the_match_keeping_accents_and_escaping():
    snippet = search.highlight("Talks with Mr Jenča <b>today</b> in Jakarta", "jenca")
    assert snippet == "Talks with Mr <mark>Jenča</mark> &lt;b&gt;today&lt;/b&gt; in Jakarta"


def test_snippet_is_cut_around_the_first_match():
    text = "lorem " * 200 + "maritime security " + "ipsum " * 200
    snippet = search.highlight(text, "maritime")
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert "<mark>maritime</mark>" in snippet
    assert len(snippet) < 400


def test_search_page_shows_ranked_highlighted_hits(client, seeded):
    response = client.get("/search/", {"q": "JENCA"})
    assertContains(response, 'href="/officials/miroslav-jenca/"')
    assertContains(response, "<mark>Jenča</mark>")
    assert response.text.index("/officials/miroslav-jenca/") < response.text.index("/releases/2015-06-30")


def test_search_page_can_be_limited_to_one_kind(client, seeded):
    response = client.get("/search/", {"q": "jenca", "kind": "meeting"})
    assertContains(response, "1 result for")
    assertContains(response, 'href="/meetings/2015-06-26-jenca-le-luong-minh/"')


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: the GIN indexes")
def test_postgresql_uses_the_gin_index(seeded):
    """The search condition is the very expression the migration indexed, so the planner can use it."""
    queryset = search.matching(Meeting.objects.all(), "jenca")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + str(queryset.query.sql_with_params()[0]), queryset.query.sql_with_params()[1])
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "partnership_meeting_search_idx" in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: trigram similarity")
def test_postgresql_finds_near_spellings_of_names(seeded):
    assert ("official", "miroslav-jenca") in found("Miroslav Jencha")
    assert Official.objects.count() == 2
