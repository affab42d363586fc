"""Worst-case Markdown rendering: the time to render the most hostile text an editor may save.

    .venv/bin/python bench/markdown_worst.py

Each corpus entry repeats one pattern Python-Markdown or nh3 handles slowly until the text
reaches the limits of partnership.markdown (body size, paragraph size and lines, square
brackets): the largest text of that kind the model validator accepts. The three texts that
once stalled the site are timed too; they are over the limits, so they are refused, not
rendered. Prints a table and exits non-zero if any render takes longer than
MARKDOWN_BOUND_SECONDS (default 5; a request may take 30).
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")

import django  # noqa: E402

django.setup()

from partnership import markdown  # noqa: E402

BOUND = float(os.environ.get("MARKDOWN_BOUND_SECONDS", "5"))

# Inputs that stalled the site: each is refused by the limits.
REFUSED = {
    "unclosed links '[a](' x 240,000": "[a](" * 240_000,
    "empty paragraphs 'x\\n\\n' x 333,333": "x\n\n" * 333_333,
    "nested '<div>' x 100,000": "<div>" * 100_000,
}

# One pattern per slow path, repeated up to the limits.
PATTERNS = {
    "unclosed links '[a]('": "[a](",
    "open brackets '['": "[",
    "bracket, then text": "[" + "x" * 99,
    "nested brackets": "[[[[[[[[[[",
    "images '![a]('": "![a](",
    "references '[a]['": "[a][",
    "closed links": "[a](https://example.org/a) ",
    "link with a long title": '[a](b "' + "t" * 90,
    "emphasis '*a* '": "*a* ",
    "nested emphasis '*_'": "*_",
    "unclosed strong '**a '": "**a ",
    "backticks '`a '": "`a ",
    "inline HTML '<b>'": "<b>",
    "nested '<div>'": "<div>",
    "nested '<a>'": "<a>",
    "nested '<table>'": "<table><tr><td>",
    "entities": "&amp;",
    "autolinks": "<https://a.example>",
    "escapes": "\\*",
    "block quotes '>'": ">",
    "quote lines '> a'": "> a\n",
    "rules '---'": "---\n",
    "list items": "- a\n",
    "nested list": "- a\n    - b\n        - c\n",
    "table rows": "|a|b|\n",
    "setext headings": "a\n=\n",
    "empty paragraphs": "x\n\n",
}


def fill(unit: str) -> str:
    """unit repeated into the largest text the limits allow."""
    lines = unit.count("\n")
    per_paragraph = markdown.MAX_PARAGRAPH_CHARS // len(unit)
    if lines:
        per_paragraph = min(per_paragraph, (markdown.MAX_PARAGRAPH_LINES - 1) // lines)
    if "[" in unit:
        per_paragraph = min(per_paragraph, markdown.MAX_LINK_BRACKETS // unit.count("["))
    if "\n\n" in unit:
        per_paragraph = 1
    paragraph = unit * per_paragraph
    count = min(markdown.MAX_CHARS // (len(paragraph) + 2), markdown.MAX_PARAGRAPHS)
    if "[" in paragraph:
        count = min(count, markdown.MAX_LINK_BRACKETS // paragraph.count("["))
    text = "\n\n".join([paragraph] * count)
    problem = markdown.markdown_problem(text)
    assert problem is None, (unit, problem)
    return text


def timed(text: str) -> float:
    start = time.perf_counter()
    markdown.render_markdown(text, paragraph_anchors=True)
    return time.perf_counter() - start


def main() -> int:
    rows = [(name, len(text), timed(text), "refused") for name, text in REFUSED.items()]
    for name, unit in PATTERNS.items():
        text = fill(unit)
        rows.append((name, len(text), timed(text), "rendered"))
    print(f"{'input':42} {'characters':>10} {'seconds':>8}  result")
    for name, size, seconds, result in rows:
        print(f"{name:42} {size:>10,} {seconds:8.3f}  {result}")
    worst = max(rows, key=lambda row: row[2])
    print(f"\nworst: {worst[0]} in {worst[2]:.3f} s (bound {BOUND} s)")
    return 1 if worst[2] > BOUND else 0


if __name__ == "__main__":
    sys.exit(main())
