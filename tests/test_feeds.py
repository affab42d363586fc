"""Atom feeds (site-wide and per filter), sitemap.xml and robots.txt: public records only."""

import datetime
from xml.etree import ElementTree

import pytest
from django.template import Context, Template
from django.urls import reverse, set_script_prefix

from partnership.models import ReleaseStatus

from . import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "summary": entry.findtext(f"{ATOM}summary"),
            "categories": [c.get("term") for c in entry.findall(f"{ATOM}category")],
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def test_the_meetings_feed_lists_public_meetings_newest_first(client, seeded):
    factories.meeting(title="Later meeting", date=datetime.date(2020, 1, 1))
    items = entries(client.get(reverse("partnership:feed-meetings")))
    assert [item["title"].split(" (")[0] for item in items][:2] == [
        "Later meeting",
        "UN Assistant Secretary-General Miroslav Jenča meets ASEAN Secretary-General Le Luong Minh",
    ]
    assert items[1]["link"] == "http://testserver/meetings/2015-06-26-jenca-le-luong-minh/"
    assert "26 June 2015" in items[1]["summary"]
    assert items[1]["categories"]


def test_a_feed_follows_a_filter(client, db):
    """/feeds/meetings/?area=... is the feed of that cooperation area (sub-areas included)."""
    health = factories.area(name="Health")
    pandemics = factories.area(name="Pandemic preparedness", parent=health)
    factories.meeting(title="On pandemics", areas=[pandemics])
    factories.meeting(title="On trade", areas=[factories.area(name="Trade")])
    response = client.get(reverse("partnership:feed-meetings") + f"?area={health.slug}")
    assert [item["title"].split(" (")[0] for item in entries(response)] == ["On pandemics"]
    feed = ElementTree.fromstring(response.content)
    self_link = next(link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self")
    assert self_link.get("href").endswith(f"/feeds/meetings/?area={health.slug}")
    assert feed.findtext(f"{ATOM}title") == f"Meetings — ASEAN–UN Partnership (area {health.slug})"
    alternate = next(link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "alternate")
    assert alternate.get("href") == f"http://testserver/meetings/?area={health.slug}"


def test_drafts_never_appear_in_feeds(client, db):
    draft = factories.release(status=ReleaseStatus.DRAFT, title="Embargoed")
    factories.meeting(source=draft, title="Secret meeting")
    factories.release(title="Published release")
    assert entries(client.get(reverse("partnership:feed-meetings"))) == []
    assert [item["title"] for item in entries(client.get(reverse("partnership:feed-releases")))] == [
        "Published release"
    ]


def test_editor_text_is_escaped_in_feeds(client, db):
    factories.meeting(title="Talks", summary='<img src=x onerror="alert(1)"> & more')
    (item,) = entries(client.get(reverse("partnership:feed-meetings")))
    assert "<img" not in item["summary"]
    assert "&lt;img" in item["summary"]


@pytest.mark.parametrize("query, name", [("area=nowhere", "area"), ("bogus=1", "bogus"), ("year=x", "year")])
def test_bad_feed_parameters_get_a_400(client, db, query, name):
    response = client.get(reverse("partnership:feed-meetings") + f"?{query}")
    assert response.status_code == 400
    assert name in response.json()["errors"]


def test_the_feed_url_tag_builds_a_filtered_feed_link(db):
    html = Template('{% load data_out %}{% feed_url "meetings" area="health" %}').render(Context({}))
    assert html == "/feeds/meetings/?area=health"


def test_the_sitemap_lists_public_records_only(client, seeded):
    draft = factories.release(status=ReleaseStatus.DRAFT)
    secret = factories.meeting(source=draft)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    text = response.content.decode()
    assert "http://testserver/meetings/2015-06-26-jenca-le-luong-minh/" in text
    assert "http://testserver/officials/miroslav-jenca/" in text
    assert secret.slug not in text
    assert draft.slug not in text


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_off_bulk_endpoints(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Disallow: /export/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_a_filtered_list_links_to_its_feed_and_downloads(client, seeded):
    """The links carry the page's filters but not its page number."""
    html = client.get("/meetings/?area=maritime-security&page=1").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/feeds/meetings/?area=maritime-security"' in html
    assert 'href="/export/meetings.csv?area=maritime-security"' in html
    assert 'href="/export/meetings.json?area=maritime-security"' in html
    assert 'href="/api/meetings/?area=maritime-security"' in html


def test_the_download_links_follow_the_address_the_site_is_served_under(client, seeded):
    """The links' routes are resolved once per address prefix: a site mounted under /kb/ links under
    /kb/, and the same process serving it at the root links at the root."""
    # What gunicorn's WSGI handler does for a request with SCRIPT_NAME=/kb (the test client does not).
    set_script_prefix("/kb/")
    try:
        mounted = client.get("/meetings/?area=maritime-security").content.decode()
    finally:
        set_script_prefix("/")
    assert 'href="/kb/export/meetings.csv?area=maritime-security"' in mounted
    assert 'href="/kb/api/meetings/?area=maritime-security"' in mounted
    assert 'href="/kb/feeds/meetings/?area=maritime-security"' in mounted
    root = client.get("/meetings/?area=maritime-security&sort=date").content.decode()
    assert 'href="/export/meetings.csv?area=maritime-security&amp;sort=date"' in root
    assert "/kb/" not in root


@pytest.mark.parametrize("kind", ["officials", "organisations", "areas", "agreements", "releases"])
def test_every_list_offers_its_downloads(client, seeded, kind):
    html = client.get(f"/{kind}/").content.decode()
    assert f'href="/export/{kind}.csv"' in html
    assert f'href="/export/{kind}.json"' in html


def test_an_area_page_links_to_the_feed_of_that_area(client, seeded):
    html = client.get("/areas/maritime-security/").content.decode()
    assert 'href="/feeds/meetings/?area=maritime-security"' in html


def test_control_characters_never_break_a_feed(client, db):
    """XML 1.0 cannot carry most control characters: they are dropped from editor text and titles."""
    factories.meeting(title="Talks\x0bon trade", summary="Agreed\x01 to meet")
    response = client.get(reverse("partnership:feed-meetings") + "?q=trade")
    (item,) = entries(response)
    assert item["title"].startswith("Talkson trade")
    assert "\x01" not in item["summary"]
    # In the URL itself, a control character is a bad request before any feed is built (a feed cannot carry it).
    assert client.get(reverse("partnership:feed-meetings") + "?q=trade%0B").status_code == 400
