"""Name keys: one spelling-insensitive form of a name, for matching and duplicate checks.

"Jenča", "Jenca" and "JENCA" share a key; so do "Lê Lương Minh" and "Le Luong Minh".
"""

import re
import unicodedata

from django.utils.text import slugify

# Letters that do not decompose into a base letter plus a mark.
_FOLD = str.maketrans({"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "æ": "ae"})
_NON_WORD = re.compile(r"[^\w]+")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def name_key(text: str) -> str:
    """Lower-case, accent-free words separated by single spaces."""
    return _NON_WORD.sub(" ", strip_accents(text).casefold()).replace("_", " ").strip()


def slug_for(text: str, max_length: int = 80) -> str:
    """A slug of whole words: a long text is cut at the last hyphen that fits, never inside a word."""
    slug = slugify(strip_accents(text))
    if len(slug) > max_length:
        head = slug[: max_length + 1]
        slug = head[: head.rfind("-")] if "-" in head else slug[:max_length]
    return slug.strip("-") or "record"
