"""Editor text that could stall the site: refused at the limits, rendered once on save, never on a public page."""

import importlib
import json

import pytest
from django.apps import apps
from django.urls import reverse

from partnership import markdown, models
from partnership.dataset import DatasetError, load_dataset

from . import factories
from .conftest import fixture_data
from .test_admin import client_for, form_data

pytestmark = pytest.mark.django_db

# Texts that once ran past the worker timeout when previewed or published, and one that
# PostgreSQL's tsvector could not hold.
HOSTILE = {
    "unclosed links": "[a](" * 240_000,
    "empty paragraphs": "x\n\n" * 333_333,
    "nested divs": "<div>" * 100_000,
    "130,000 words": "word " * 130_000,
}


def release_change(client, release, body: str):
    url = reverse("admin:partnership_pressrelease_change", args=[release.pk])
    return client.post(url, form_data(client.get(url), body=body))


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_an_oversized_body_is_a_form_error_and_nothing_is_saved(body):
    release = factories.release()
    response = release_change(client_for("editor"), release, body)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["body"]
    assert errors and "the most allowed is" in errors[0]
    release.refresh_from_db()
    assert release.body == "First paragraph.\n\nSecond paragraph."


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("x" * 4_001, "Paragraph 1 has 4,001 characters"),
        ("ok\n\n" + "line\n" * 101, "Paragraph 2 has 101 lines; the most allowed is 100"),
        ("[" * 1_001, "1,001 square brackets ('['); the most allowed is 1,000"),
        ("p\n\n" * 1_001, "1,001 paragraphs"),
    ],
)
def test_each_limit_names_what_to_change(body, message):
    assert message in markdown.markdown_problem(body)


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_the_preview_says_why_it_does_not_render_hostile_text(body):
    response = client_for("editor").post(reverse("admin:partnership_pressrelease_preview"), {"text": body})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="markdown-refused"' in html and "the most allowed is" in html
    assert len(html) < 1_000


def test_a_link_still_renders_after_many_unclosed_ones():
    """The link patterns stop looking LINK_SCAN_CHARS ahead; a real link after hostile text is still a link."""
    text = "[a](" * 900 + " [the release](https://asean.org/r)"
    assert markdown.markdown_problem(text) is None
    html = markdown.render_markdown(text)
    assert '<a href="https://asean.org/r" rel="noopener noreferrer">the release</a>' in html
    assert html.count("<a ") == 1


def test_a_link_whose_address_is_beyond_reach_stays_text():
    text = "[far](https://example.org/" + "a" * markdown.LINK_SCAN_CHARS + ")"
    html = markdown.render_markdown(text)
    assert "<a " not in html and "[far](https://example.org/" in html


def test_the_public_page_shows_the_body_rendered_on_save(client):
    release = factories.release(body="Some **bold** text.\n\n<script>x</script>Second.")
    assert "<strong>bold</strong>" in release.body_html and "<script" not in release.body_html
    # The page serves what the save stored; it does not run Markdown again.
    marked = release.body_html.replace("<strong>bold</strong>", "<em>stored on save</em>")
    models.PressRelease.objects.filter(pk=release.pk).update(body_html=marked)
    page = client.get(release.get_absolute_url()).content.decode()
    assert "<em>stored on save</em>" in page and "<strong>bold</strong>" not in page


def test_an_editors_save_renders_the_new_body(client):
    release = factories.release()
    release_change(client_for("editor"), release, "Changed *here*.")
    release.refresh_from_db()
    assert 'id="p1"' in release.body_html and "<em>here</em>" in release.body_html
    assert "<em>here</em>" in client.get(release.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "stored",
    ["", "<script>alert(1)</script>", "stale"],
    ids=["never rendered", "written around save", "rendered from an older body"],
)
def test_html_not_made_from_the_current_body_is_never_served(client, stored):
    """COPY (seed_demo) and queryset.update() bypass save(): the page shows the paragraphs escaped, anchored."""
    release = factories.release(body="One <b>x</b>.\n\nTwo.")
    if stored == "stale":
        stored = release.body_html
        models.PressRelease.objects.filter(pk=release.pk).update(body="Now <i>this</i>.\n\nTwo.")
    else:
        models.PressRelease.objects.filter(pk=release.pk).update(body_html=stored)
    page = client.get(release.get_absolute_url()).content.decode()
    assert 'id="p2"' in page and "<script>alert" not in page and "<b>x</b>" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page or "Now &lt;i&gt;this&lt;/i&gt;." in page


def test_the_migration_renders_every_existing_body():
    release = factories.release(body="*Old* release.")
    models.PressRelease.objects.update(body_html="")
    migration = importlib.import_module("partnership.migrations.0009_pressrelease_body_html")
    migration.render_bodies(apps, None)
    release.refresh_from_db()
    assert release.body_html == markdown.html_to_store("*Old* release.")
    assert "<em>Old</em>" in release.body_as_html()


def test_load_dataset_refuses_an_oversized_body_naming_the_record():
    data = fixture_data()
    data["releases"][0]["body"] = HOSTILE["unclosed links"]
    with pytest.raises(DatasetError) as error:
        load_dataset(json.loads(json.dumps(data)))
    assert "releases[0]" in str(error.value) and "body" in str(error.value)
    assert not models.PressRelease.objects.exists()


def test_the_api_schema_documents_every_400_the_api_answers(client):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = [path["get"] for url, path in schema["paths"].items() if url.startswith("/api/") and "get" in path]
    assert operations
    for operation in operations:
        documented = operation["responses"]["400"]
        assert documented["description"]
        assert documented["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/BadParameters"}
    for url in ["/api/meetings/?year=abc", "/api/meetings/?colour=red", "/api/areas/?q=%01", "/api/areas/?page=x"]:
        response = client.get(url)
        assert response.status_code == 400
        body = response.json()
        assert set(body) == {"detail", "errors"} and all(isinstance(v, list) for v in body["errors"].values())


def test_the_largest_body_allowed_is_saved_and_searchable():
    """At the limits, with every word distinct: PostgreSQL's tsvector (1 MB) takes it, with room to spare."""
    words = iter(f"lexeme{n}x" for n in range(100_000))
    paragraph_words = markdown.MAX_PARAGRAPH_CHARS // len("lexeme10000x ")
    body = "\n\n".join(
        " ".join(next(words) for _ in range(paragraph_words))
        for _ in range(markdown.MAX_CHARS // (markdown.MAX_PARAGRAPH_CHARS + 2))
    )
    assert markdown.markdown_problem(body) is None and len(body) > 0.85 * markdown.MAX_CHARS
    release = factories.release(body=body)
    release.full_clean()
    release.refresh_from_db()
    assert release.body == body and 'id="p24"' in release.body_html
