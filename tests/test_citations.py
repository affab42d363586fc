"""Citations: plain text, BibTeX and CSL-JSON, with the permanent URL and access date."""

import datetime
import json
import re

import pytest
from django.template import Context, Template
from django.utils import timezone

from partnership import citations
from partnership.citations import Citable, bibtex, citable_for, csl_data, csl_json, plain_text
from partnership.models import Meeting, PressRelease

from . import factories

ACCESSED = datetime.date(2026, 5, 1)
URL = "https://example.org/releases/2015-06-30-un-and-asean/"


def release_citable(**values) -> Citable:
    return Citable(
        **{
            "key": "pressrelease-2015-06-30-un-and-asean",
            "title": "The UN and ASEAN will continue to strengthen cooperation",
            "url": URL,
            "accessed": ACCESSED,
            "kind": "Press release",
            "author": "ASEAN Secretariat",
            "issued": datetime.date(2015, 6, 30),
            "csl_type": "article",
            **values,
        }
    )


def test_plain_text_names_author_title_date_site_url_and_access_date():
    text = plain_text(release_citable())
    assert text == (
        "ASEAN Secretariat. “The UN and ASEAN will continue to strengthen cooperation.” Press release, 30 June 2015. "
        f"ASEAN–UN Partnership. {URL} (accessed 1 May 2026)."
    )


def test_bibtex_is_a_misc_entry_with_url_and_urldate():
    entry = bibtex(release_citable())
    assert entry.startswith("@misc{pressrelease-2015-06-30-un-and-asean,\n")
    assert "  author = {{ASEAN Secretariat}}" in entry
    assert f"  url = {{{URL}}}" in entry
    assert "  urldate = {2026-05-01}" in entry
    assert "  date = {2015-06-30}" in entry
    assert entry.endswith("\n}")


def test_bibtex_escapes_latex_specials_and_keeps_diacritics():
    entry = bibtex(release_citable(title="Jenča & Minh: 50% of {agencies} #1_a"))
    assert r"title = {{Jenča \& Minh: 50\% of \{agencies\} \#1\_a}}" in entry


def test_bibtex_key_is_ascii():
    assert citations.bibtex_key(release_citable(key="official-miroslav-jenča")) == "official-miroslav-jenca"


def test_csl_json_is_one_item_with_issued_and_accessed_date_parts():
    items = json.loads(csl_json(release_citable()))
    assert items == [
        {
            "id": "pressrelease-2015-06-30-un-and-asean",
            "type": "article",
            "title": "The UN and ASEAN will continue to strengthen cooperation",
            "container-title": "ASEAN–UN Partnership",
            "genre": "Press release",
            "URL": URL,
            "accessed": {"date-parts": [[2026, 5, 1]]},
            "author": [{"literal": "ASEAN Secretariat"}],
            "issued": {"date-parts": [[2015, 6, 30]]},
        }
    ]


@pytest.mark.parametrize(
    "precision, parts, shown",
    [
        ("month", [[2015, 5]], "May 2015"),
        ("year", [[2015]], "2015"),
        ("decade", [[2010], [2019]], "the 2010s"),
    ],
)
def test_a_citation_is_never_more_precise_than_the_date(precision, parts, shown):
    """A meeting known to the month is cited as May 2015, not 1 May 2015."""
    day = {"month": datetime.date(2015, 5, 1), "year": datetime.date(2015, 1, 1), "decade": datetime.date(2010, 1, 1)}
    citable = release_citable(issued=day[precision], issued_precision=precision)
    assert csl_data(citable)["issued"]["date-parts"] == parts
    assert f", {shown}." in plain_text(citable)
    assert ("month = " in bibtex(citable)) == (precision == "month")


def test_citable_for_a_release_and_a_meeting(seeded):
    release = PressRelease.objects.get()
    citable = citable_for(release, url=URL, accessed=ACCESSED)
    assert (citable.author, citable.issued, citable.kind) == ("ASEAN Secretariat", release.date, "Press release")
    meeting = Meeting.objects.get()
    citable = citable_for(meeting, url=URL, accessed=ACCESSED)
    assert (citable.issued, citable.issued_precision, citable.csl_type) == (meeting.date, "day", "webpage")
    assert citable.key == f"meeting-{meeting.slug}"


def test_the_cite_block_renders_all_three_with_the_permanent_url(rf, db):
    """The block escapes editor text and gives the absolute page URL and today's date."""
    from django.template import Context, Template
    from django.utils import timezone

    official = factories.official(name='Miroslav Jenča <script>alert("x")</script>')
    request = rf.get("/")
    html = Template("{% load data_out %}{% cite_this official %}").render(
        Context({"request": request, "official": official})
    )
    url = f"http://testserver{official.get_absolute_url()}"
    assert f'<a href="{url}">{url}</a>' in html
    assert "<script>" not in html
    assert "Miroslav Jenča &lt;script&gt;" in html
    assert "@misc{official-" in html
    assert "&quot;URL&quot;: &quot;" + url in html
    assert f"accessed {timezone.localdate().day} " in html


@pytest.mark.parametrize(
    "path",
    [
        "/meetings/2015-06-26-jenca-le-luong-minh/",
        "/officials/miroslav-jenca/",
        "/organisations/asean/",
        "/areas/maritime-security/",
        "/agreements/long-term-plan-for-asean-un-cooperation/",
    ],
)
def test_every_record_page_has_a_cite_block(client, seeded, path):
    html = client.get(path).content.decode()
    assert 'id="cite-heading"' in html
    assert f'<a href="http://testserver{path}">http://testserver{path}</a>' in html
    assert "@misc{" in html and "&quot;accessed&quot;" in html


def test_a_release_page_cites_its_publisher(client, seeded):
    release = PressRelease.objects.get()
    html = client.get(release.get_absolute_url()).content.decode()
    assert "ASEAN Secretariat. “The UN and ASEAN" in html


def test_a_meeting_is_cited_with_the_publisher_of_its_source(client, seeded):
    """BibTeX and CSL-JSON name who published the release the record rests on; the download is the same text."""
    from html import unescape
    from urllib.parse import unquote

    html = client.get("/meetings/2015-06-26-jenca-le-luong-minh/").content.decode()
    bibtex = unescape(re.search(r'<pre class="cite-bibtex" id="cite-bibtex">(.*?)</pre>', html, re.S).group(1))
    assert "  publisher = {ASEAN Secretariat}," in bibtex
    assert "&quot;publisher&quot;: &quot;ASEAN Secretariat&quot;" in html
    download = re.search(r'href="data:application/x-bibtex;charset=utf-8,([^"]*)" download="([^"]*)"', html)
    assert unquote(unescape(download.group(1))) == bibtex
    assert download.group(2) == "meeting-2015-06-26-jenca-le-luong-minh.bib"


def test_record_pages_carry_metadata_for_reference_managers_and_previews(client, seeded):
    html = client.get("/meetings/2015-06-26-jenca-le-luong-minh/?utm_source=x").content.decode()
    url = "http://testserver/meetings/2015-06-26-jenca-le-luong-minh/"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="citation_title" content="UN Assistant Secretary-General Miroslav Jenča meets' in html
    assert '<meta name="citation_publication_date" content="2015/06/26">' in html
    assert '<meta name="citation_publisher" content="ASEAN Secretariat">' in html
    listing = client.get("/meetings/?area=maritime-security&page=1&q=").content.decode()
    assert '<link rel="canonical" href="http://testserver/meetings/?area=maritime-security">' in listing


def test_the_canonical_address_is_escaped_as_it_is_printed(client, seeded):
    """The address is written by a tag, three times a page: markup in the path or the filters is shown, never run."""
    html = client.get('/meetings/?q="><script>alert(1)</script>').content.decode()
    url = "http://testserver/meetings/?q=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert f"Printed from {url} on " in html
    missing = client.get('/meetings/"><b>x</b>/').content.decode()
    assert "<b>x</b>" not in missing
    assert "http://testserver/meetings/&quot;&gt;&lt;b&gt;x&lt;/b&gt;/" in missing


def test_a_page_is_printed_with_todays_date_as_django_writes_it_and_the_next_day_with_that_one(
    client, seeded, monkeypatch
):
    today = Template('{% now "j F Y" %}').render(Context())
    assert f"on {today}.</p>" in client.get("/meetings/").content.decode()
    assert f"(accessed {today})" in client.get("/about/").content.decode()
    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2031, 1, 2))
    assert "on 2 January 2031.</p>" in client.get("/meetings/").content.decode()


def test_a_citation_date_is_never_more_precise_than_the_record():
    def cited(precision):
        issued = datetime.date(2015, 5, 1)
        return citations.highwire_date(Citable("k", "T", URL, ACCESSED, issued=issued, issued_precision=precision))

    assert [cited(p) for p in ("day", "month", "year", "decade")] == ["2015/05/01", "2015/05", "2015", ""]


@pytest.mark.parametrize(
    ("path", "api"),
    [
        ("/meetings/2015-06-26-jenca-le-luong-minh/", "/api/meetings/2015-06-26-jenca-le-luong-minh/"),
        ("/officials/miroslav-jenca/", "/api/officials/miroslav-jenca/"),
        ("/areas/maritime-security/", "/api/areas/maritime-security/"),
    ],
)
def test_record_pages_link_to_their_json_in_the_api(client, seeded, path, api):
    html = client.get(path).content.decode()
    assert f'<a href="http://testserver{api}" type="application/json">JSON in the API</a>' in html
    assert client.get(api).json()["html_url"] == f"http://testserver{path}"
