from django import template

from partnership.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text, mode=""):
    """{{ text|markdown }}: editor Markdown as sanitised HTML; {{ body|markdown:"paragraphs" }} anchors paragraphs."""
    return render_markdown(text, paragraph_anchors=mode == "paragraphs")
