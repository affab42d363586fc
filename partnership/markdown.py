"""Markdown → safe HTML: release bodies and descriptions are written by editors, so
everything rendered is passed through nh3 with a short allow-list.

Releases get one anchor per paragraph (`#p3`), numbered the way PressRelease.paragraphs()
numbers them, so facts can cite a paragraph.

The work is bounded (docs/decisions/0012-bounded-editor-text.md). Python-Markdown is
quadratic in three places an editor can reach: every ``[`` makes each link pattern scan
to the end of the paragraph for its ``]`` and ``(…)``; a block's lines are split and
re-joined once per line (rules, quotes); and html5ever, under nh3, walks the stack of open
elements for every tag. So text is rendered one blank-line block at a time, within
MARKDOWN_LIMITS (the same limits the model validator enforces, so an editor meets them as
a form error), and a link's text and address are searched for only LINK_SCAN_CHARS ahead.
"""

import hashlib
import threading

import markdown as markdown_lib
import nh3
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from markdown.inlinepatterns import LinkInlineProcessor

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre",
    "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}

# Several times a long release (a summit's chairman's statement), and far below what the
# search document and PostgreSQL's tsvector (1 MB) take. Rendering costs at most about (total size × paragraph size).
MAX_CHARS = 100_000
MAX_PARAGRAPHS = 1_000
MAX_PARAGRAPH_CHARS = 4_000
MAX_PARAGRAPH_LINES = 100
MAX_LINK_BRACKETS = 1_000
# Longer than any real link text or address; bounds each failed search for one.
LINK_SCAN_CHARS = 1_000


def paragraphs(text: str) -> list[str]:
    """text's blank-line blocks, numbered from 1 in citations (PressRelease.paragraphs)."""
    return [block.strip() for block in (text or "").replace("\r\n", "\n").split("\n\n") if block.strip()]


def markdown_problem(text: str) -> str | None:
    """Why text is too big to render, or None: the one statement of the limits."""
    text = text or ""
    if len(text) > MAX_CHARS:
        return f"This text has {len(text):,} characters; the most allowed is {MAX_CHARS:,}."
    if text.count("[") > MAX_LINK_BRACKETS:
        return f"This text has {text.count('['):,} square brackets ('['); the most allowed is {MAX_LINK_BRACKETS:,}."
    blocks = paragraphs(text)
    if len(blocks) > MAX_PARAGRAPHS:
        return f"This text has {len(blocks):,} paragraphs; the most allowed is {MAX_PARAGRAPHS:,}."
    for number, block in enumerate(blocks, 1):
        if len(block) > MAX_PARAGRAPH_CHARS:
            return (
                f"Paragraph {number} has {len(block):,} characters; the most allowed is {MAX_PARAGRAPH_CHARS:,}. "
                "Split it with a blank line."
            )
        if block.count("\n") >= MAX_PARAGRAPH_LINES:
            return (
                f"Paragraph {number} has {block.count(chr(10)) + 1} lines; the most allowed is {MAX_PARAGRAPH_LINES}. "
                "Split it with a blank line."
            )
    return None


def validate_markdown(text: str) -> None:
    """Model-field validator: every form and import path refuses text render_markdown would not render."""
    problem = markdown_problem(text)
    if problem:
        raise ValidationError(problem, code="markdown_too_large")


def render_markdown(text: str, *, paragraph_anchors: bool = False) -> SafeString:
    """text as sanitised HTML; with paragraph_anchors, each blank-line block in <div id="pN">.

    Text beyond the limits is not rendered: the result says why (the preview shows it).
    """
    problem = markdown_problem(text)
    if problem:
        return format_html('<p class="markdown-refused">{}</p>', problem)
    blocks = [mark_safe(_clean(_convert(block))) for block in paragraphs(text)]
    return _anchored(blocks) if paragraph_anchors else mark_safe("\n".join(blocks))


def html_to_store(text: str) -> str:
    """render_markdown(text) with anchors, marked with a digest of text, for a model to store on save."""
    return f"<!-- {_digest(text)} -->{render_markdown(text, paragraph_anchors=True)}"


def stored_html(text: str, stored: str) -> SafeString:
    """The stored HTML if it was made from text as it is now; else text's paragraphs as plain text.

    A row written around save() (COPY, queryset.update) has HTML that is missing or stale, or
    was never sanitised: it is never served.
    """
    if stored.startswith(f"<!-- {_digest(text)} -->"):
        return mark_safe(stored)
    return render_plain(text)


def _digest(text: str) -> str:
    return hashlib.sha256((text or "").encode("utf-8", errors="surrogatepass")).hexdigest()


def render_plain(text: str) -> SafeString:
    """text's paragraphs, anchored, as escaped text: linear in any text, for rows never rendered."""
    return _anchored([format_html("<p>{}</p>", block) for block in paragraphs(text)])


def _anchored(blocks: list[SafeString]) -> SafeString:
    return format_html_join(
        "\n",
        '<div class="paragraph" id="p{0}"><a class="paragraph-number" href="#p{0}" '
        'aria-label="Paragraph {0}">¶{0}</a>{1}</div>',
        enumerate(blocks, 1),
    )


class _BoundedLinks(markdown_lib.Extension):
    """Every link pattern looks for a link's ``]`` and ``)`` at most LINK_SCAN_CHARS ahead."""

    def extendMarkdown(self, md):
        for processor in md.inlinePatterns:
            if isinstance(processor, LinkInlineProcessor):
                processor.getText = _within_reach(processor.getText)
                processor.getLink = _within_reach(processor.getLink)


def _within_reach(scan):
    def bounded(data: str, index: int):
        return scan(data[: index + LINK_SCAN_CHARS], index)

    return bounded


_converters = threading.local()


def _convert(block: str) -> str:
    # One converter per thread, reset per block: building Python-Markdown's processors costs
    # more than converting a short paragraph, and a converter holds state while it works.
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown_lib.Markdown(extensions=["tables", _BoundedLinks()])
    return converter.reset().convert(block)


def _clean(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES)
