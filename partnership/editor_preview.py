"""The editors' preview of a release: Markdown → sanitised HTML, one block per numbered paragraph.

Kept apart from partnership/markdown.py (issue 3's public rendering) until the two are
unified; both use Python-Markdown then nh3 with the same allow-list, so what an editor
previews is what the public page shows.
"""

import markdown
import nh3
from django.utils.html import format_html, mark_safe

from .intake import paragraphs

ALLOWED_TAGS = {
    "p",
    "a",
    "em",
    "strong",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h2",
    "h3",
    "h4",
    "br",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    """Markdown to HTML with only the allowed tags, attributes and link schemes."""
    html = markdown.markdown(text, output_format="html")
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel="noopener noreferrer"
    )


def render_release_preview(text: str) -> str:
    """Each paragraph rendered and anchored as #p1, #p2 … — the numbers provenance cites."""
    blocks = [
        format_html(
            '<div class="release-paragraph" id="p{0}"><a class="paragraph-number" href="#p{0}">¶ {0}</a>{1}</div>',
            number,
            mark_safe(render_markdown(block)),  # noqa: S308 — sanitised by nh3 just above
        )
        for number, block in enumerate(paragraphs(text), start=1)
    ]
    return "\n".join(blocks)
