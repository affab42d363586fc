import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains

from partnership import search
from partnership.models import Meeting, Official, PressRelease, ReleaseStatus

from . import factories

pytestmark = pytest.mark.django_db


def found(query: str, kind: str | None = None) -> list[tuple[str, str]]:
    return [(hit.kind.key, hit.record.slug) for hit in search.search(query, kinds=[kind] if kind else None).hits]


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
    # The area vocabulary has other SDG labels too ("SDG localisation"); the alias finds its area.
    assert ("area", "sustainable-development") in found("SDGs", "area")


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
    assert all(hit.record for hit in search.search(query).hits)
    assert client.get("/search/", {"q": query}).status_code == 200


def test_query_is_limited_in_length_and_words():
    assert len(search.terms("word " * 1000)) == 1
    assert len(search.terms(" ".join(f"w{i}" for i in range(50)))) == search.MAX_TERMS


def test_snippet_highlights_the_match_keeping_accents_and_escaping():
    snippet = search.highlight("Talks with Mr Jenča <b>today</b> in Jakarta", "jenca")
    assert snippet == "Talks with Mr <mark>Jenča</mark> &lt;b&gt;today&lt;/b&gt; in Jakarta"


def test_snippet_marks_the_original_letters_whatever_they_fold_to():
    """Letters that fold to none or several (a combining accent, a ligature, ß) keep the marks in place."""
    snippet = search.highlight("Die Straße in Hà Nội, ﬁnal talks with Jenc\u030ca", "noi strasse final jenca")
    assert snippet == (
        "Die <mark>Straße</mark> in Hà <mark>Nội</mark>, <mark>ﬁnal</mark> talks with <mark>Jenc\u030ca</mark>"
    )


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


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # With a one-row table the planner would rather scan; forbid that to see whether the index applies.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: the GIN indexes")
@pytest.mark.parametrize("model", list(search.DOCUMENTS))
def test_postgresql_matches_on_the_stored_vector_index(seeded, model):
    """Every kind matches on its stored, GIN-indexed search_vector, so the planner uses the index."""
    assert f"{model._meta.db_table}_search_vector_idx" in plan(search.matching(model.objects.order_by(), "jenca"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: the stored vector")
def test_ranking_reads_the_stored_vector_not_the_text(seeded):
    """ts_rank reads the stored vector: the long text (summary, body) is never parsed at query time."""
    sql = str(search.ranked(PressRelease.objects.order_by(), "jenca").query)
    assert 'ts_rank("partnership_pressrelease"."search_vector"' in sql
    assert "to_tsvector" not in sql.replace(
        'to_tsvector(\'partnership_search\'::regconfig, "partnership_pressrelease"."title")', ""
    )
    assert "partnership_pressrelease_search_vector_idx" in plan(search.ranked(PressRelease.objects.order_by(), "jenca"))


def test_an_edited_record_is_found_by_its_new_words_at_once(seeded):
    meeting = Meeting.objects.get(slug="2015-06-26-jenca-le-luong-minh")
    meeting.summary = "They discussed quokka conservation."
    meeting.save()
    assert found("quokka") == [("meeting", meeting.slug)]
    meeting.summary = "They discussed nothing in particular."
    meeting.save()
    assert found("quokka") == []


def test_a_huge_release_is_saved_and_searched_up_to_the_cap(seeded):
    """Only the first DOCUMENT_CHARS characters are searched, on both databases: a body with more
    than 1 MB of distinct words (past PostgreSQL's tsvector limit) saves, and is found by its
    early words but not by words past the cap."""
    words = [f"w{i:07d}" for i in range(160_000)]
    body = "Wombat opening.\n\n" + " ".join(words)
    assert len(body) > 10 * search.DOCUMENT_CHARS
    release = factories.release(title="A very long release", body=body)
    assert ("release", release.slug) in found("wombat")
    assert ("release", release.slug) in found(words[1000])
    assert found(words[-1]) == []


def make_meetings(count: int, word: str) -> None:
    source = factories.release(body="\n\n".join(f"Paragraph {i}." for i in range(1, 4)))
    Meeting.objects.bulk_create(
        Meeting(
            title=f"Meeting on {word} ({i})",
            slug=f"meeting-{word}-{i}",
            date=datetime.date(2016, 1, 1 + i % 28),
            summary=f"About {word}.",
            source=source,
            source_paragraph=1,
        )
        for i in range(count)
    )


def test_totals_count_every_match_not_only_the_hits_shown(client, seeded):
    """A kind's total is every public match, past the hits the page ranks, and links to its list."""
    make_meetings(search_page_limit() + 12, "zanzibar")
    total = search_page_limit() + 12
    results = search.search("zanzibar", per_kind=search_page_limit())
    assert [(t.kind.key, t.count) for t in results.totals if t.count] == [("meeting", total)]
    assert len(results.hits) == search_page_limit()
    response = client.get("/search/", {"q": "zanzibar"})
    assertContains(response, f"{total} results for")
    assertContains(response, f'<a href="/meetings/?q=zanzibar">see all {total} in Meetings</a>', html=True)
    assertContains(client.get("/meetings/", {"q": "zanzibar"}), f"{total} meetings")


def test_totals_past_the_cap_say_more_than(client, seeded, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 5)
    make_meetings(7, "zanzibar")
    results = search.search("zanzibar")
    [meetings] = [t for t in results.totals if t.count]
    assert (meetings.more, meetings.shown) == (True, 5)
    response = client.get("/search/", {"q": "zanzibar"})
    assertContains(response, "More than 5 results for")
    assertContains(response, "Meetings: more than 5")
    assertContains(response, '<a href="/meetings/?q=zanzibar">see all in Meetings</a>', html=True)


def test_a_draft_match_is_not_in_the_totals(seeded):
    draft = factories.release(body="Zanzibar secret.", status=ReleaseStatus.DRAFT)
    factories.meeting(title="Zanzibar meeting", source=draft)
    factories.meeting(title="Zanzibar public meeting")
    totals = {t.kind.key: t.count for t in search.search("zanzibar").totals}
    assert totals["meeting"] == 1
    assert totals["release"] == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: the stored vector")
def test_a_kind_reads_its_matches_once_for_its_total_and_its_ranked_hits(seeded):
    """The index scan was most of a search's time, and each kind's query did it twice (for the
    total, then for the candidates to rank). Read once, the hits, their order and the total are still
    what the rule and ranked() give, a draft's match among them left out of both."""
    draft = factories.release(body="Zanzibar secret.", status=ReleaseStatus.DRAFT)
    factories.meeting(title="Zanzibar draft meeting", summary="Zanzibar.", source=draft)
    make_meetings(30, "zanzibar")
    factories.meeting(title="The talks", summary="Zanzibar was named once.")
    results = search.search("zanzibar", per_kind=10)
    public = Meeting.objects.public()
    expected = list(search.ranked(public, "zanzibar")[:10])
    assert [hit.record.pk for hit in results.hits if hit.kind.key == "meeting"] == [m.pk for m in expected]
    total = {t.kind.key: t.count for t in results.totals}["meeting"]
    assert total == search.matching(public, "zanzibar").count() == 31
    query = search._postgresql_search(Meeting)(*search._postgresql_values(Meeting, ["zanzibar"]), 10)
    sql, _params = query.query.get_compiler(connection=connection).as_sql()
    assert sql.count('"search_vector" @@') == 1  # the stored vector matched once, whatever its alias


def search_queries(client, query: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/search/", {"q": query}).status_code == 200
    return len(captured)


def test_the_search_page_reads_the_same_queries_for_10_and_1200_matches(client, settings, seeded):
    """Totals ride along in each kind's one query: past the cap too, the page's query count stays."""
    settings.PAGE_CACHE = False
    make_meetings(10, "zanzibar")
    make_meetings(search.COUNT_CAP + 200, "quokka")
    assert search_queries(client, "zanzibar") == search_queries(client, "quokka")
    assert "More than" in client.get("/search/", {"q": "quokka"}).text


def search_page_limit() -> int:
    from partnership import views

    return views.SEARCH_PER_KIND


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: trigram similarity")
def test_postgresql_finds_near_spellings_of_names(seeded):
    assert ("official", "miroslav-jenca") in found("Miroslav Jencha")
    assert Official.objects.count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: synchronized scans")
def test_a_word_in_every_meeting_finds_the_same_meetings_every_time(seeded):
    """A word in most meetings is ranked over the first RANK_CANDIDATES matches a scan of the table
    meets. PostgreSQL lets a scan of a table larger than a quarter of its buffers start where the
    last one stopped, so each search ranked a different 200 and showed different meetings: a
    researcher searching twice, or citing a search, must get the same hits for the same data."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'shared_buffers'")
        [[shared_buffers]] = cursor.fetchall()
    # Enough meetings for the table to pass a quarter of shared_buffers, the size from which
    # PostgreSQL synchronizes scans (added in batches: how much a row takes depends on the server).
    # Spread over many releases, as at scale, so that the planner scans the meetings rather than
    # each release's few.
    publisher = factories.organisation()
    size, inserted, batch = 0, 0, 8192
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO partnership_pressrelease (title, slug, dateline_place, date, body, body_html, original_url,
                                                  status, created_at, updated_at, publisher_id)
            SELECT 'Release ' || i, 'quokka-release-' || i, 'Jakarta', DATE '2016-01-01', 'On quokkas.', '', '',
                   'published', now(), now(), %s
            FROM generate_series(1, 2000) AS i
            """,
            [publisher.pk],
        )
        while size <= shared_buffers // 4 and inserted < 50 * batch:
            # The flag the facet triggers add up is left unset (they would count every row one by
            # one): search asks the public rule, not the flag.
            cursor.execute(
                """
                INSERT INTO partnership_meeting (title, slug, date, date_precision, venue, city, kind, summary,
                                                 source_id, source_paragraph, is_public)
                SELECT 'Meeting on quokkas ' || i, 'quokka-' || i, DATE '2016-01-01', 'day', '', '', 'other',
                       repeat('Quokkas are discussed at length. ', 48), release.id, 1, false
                FROM generate_series(%s::integer, %s::integer) AS i
                JOIN partnership_pressrelease release ON release.slug = 'quokka-release-' || (i %% 2000 + 1)
                """,
                [inserted + 1, inserted + batch],
            )
            inserted += batch
            cursor.execute("SELECT pg_relation_size('partnership_meeting')")
            [[size]] = cursor.fetchall()
        cursor.execute("ANALYZE partnership_meeting")
        cursor.execute("ANALYZE partnership_pressrelease")
        # The plan PostgreSQL takes for such a word at 200,000 meetings: scan the table until 200
        # match. Rows inserted in the test's transaction leave the planner guessing a rarer word.
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    assert size > shared_buffers // 4  # the case this test is about
    first = found("quokka", "meeting")
    assert len(first) == search_page_limit()
    assert [found("quokka", "meeting") for _ in range(3)] == [first] * 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: INCLUDE")
@pytest.mark.django_db(transaction=True)  # VACUUM, as autovacuum would have, runs outside a transaction
@pytest.mark.parametrize("model", [Official, Meeting])
def test_a_kinds_search_reads_whether_a_release_is_published_from_an_index_alone(seeded, model):
    """The public rule asks of each match whether its release is published. A release's row carries
    its whole text: on the benchmark's data, searching officials by a name matching a few hundred,
    PostgreSQL hashed every release's row to read their status (58 ms of 63). Read by id from an
    index that carries the status, no release's row is fetched."""
    query = search._postgresql_search(model)(*search._postgresql_values(model, ["jenca"]), 10)
    sql, params = query.query.get_compiler(connection=connection).as_sql()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE partnership_pressrelease")
        # At the tests' scale a scan of the table is cheapest; what is tested is which index is read.
        cursor.execute("SET enable_seqscan = off; SET enable_bitmapscan = off")
        try:
            cursor.execute("EXPLAIN " + sql, params)
            found = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan; RESET enable_bitmapscan")
    assert "Index Only Scan using release_status_idx" in found, found
    assert "Index Scan using partnership_pressrelease_pkey" not in found, found
