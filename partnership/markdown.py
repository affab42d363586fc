"""Markdown → safe HTML: release bodies and descriptions are written by editors, so
everything rendered is passed through nh3 with a short allow-list.

Releases get one anchor per paragraph (`#p3`), numbered the way PressRelease.paragraphs()
numbers them, so facts can cite a paragraph.
"""

import markdown as markdown_lib
import nh3
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre",
    "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str, *, paragraph_anchors: bool = False) -> SafeString:
    """text as sanitised HTML; with paragraph_anchors, each blank-line block in <div id="pN">."""
    text = (text or "").replace("\r\n", "\n")
    if not paragraph_anchors:
        return mark_safe(_clean(markdown_lib.markdown(text, extensions=["tables"])))
    blocks = [block.strip() for block in text.split("\n\n") if block.strip()]
    return format_html_join(
        "\n",
        '<div class="paragraph" id="p{0}"><a class="paragraph-number" href="#p{0}" '
        'aria-label="Paragraph {0}">¶{0}</a>{1}</div>',
        ((number, mark_safe(_clean(markdown_lib.markdown(block)))) for number, block in enumerate(blocks, 1)),
    )


def _clean(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES)
