import pytest
from django.template import Context, Template

from partnership.markdown import render_markdown


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "javascript:"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ('<p onclick="steal()">hi</p>', "onclick"),
        ('<iframe src="https://example.org"></iframe>', "<iframe"),
        ("<style>body{display:none}</style>", "<style"),
        ('<span style="position:fixed">x</span>', "style="),
        ('<object data="x"></object>', "<object"),
    ],
)
def test_dangerous_markup_never_reaches_the_page(source, forbidden):
    assert forbidden not in render_markdown(source).lower()
    assert forbidden not in render_markdown(source, paragraph_anchors=True).lower()


def test_markdown_is_rendered():
    html = render_markdown("Some **bold** and a [link](https://example.org).\n\n- one\n- two")
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">link</a>' in html
    assert "<li>one</li>" in html


def test_paragraph_anchors_number_blocks_like_the_model():
    """Blocks separated by blank lines are paragraphs 1, 2, 3 — as PressRelease.paragraphs() counts them."""
    html = render_markdown("First.\r\n\r\nSecond.\n\n\n\nThird.", paragraph_anchors=True)
    assert [f'id="p{n}"' in html for n in (1, 2, 3, 4)] == [True, True, True, False]
    assert html.index("First.") < html.index('id="p2"') < html.index("Second.")


def test_editors_cannot_forge_paragraph_anchors():
    html = render_markdown('<div id="p1">fake</div>\n\nreal', paragraph_anchors=True)
    assert html.count('id="p1"') == 1


def test_template_filter():
    template = Template('{% load partnership_markdown %}{{ text|markdown }}|{{ text|markdown:"paragraphs" }}')
    html = template.render(Context({"text": "*hi* <script>x</script>"}))
    assert "<em>hi</em>" in html
    assert 'id="p1"' in html
    assert "<script>" not in html
