"""Paragraphs, tokens and sentences: spaCy's blank English pipeline with the region's abbreviations.

The tokenizer and the rule-based sentencizer are linear in the text and need no trained model.
Abbreviations that end in a full stop ("H.E.", "Mr.", "Dr.", "Amb.") are single tokens, so a
sentence never ends inside a name or a title.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import spacy
from spacy.symbols import ORTH
from spacy.tokens import Doc

# Spelled with a full stop in releases of the region; spaCy's English exceptions cover Mr., Dr., Prof. and more.
ABBREVIATIONS = ["H.E.", "Amb.", "Ir.", "Hon.", "Gen.", "Lt.", "Col.", "Capt.", "Sen.", "Rep.", "No.", "Nos.", "Sr."]
# Titles and name abbreviations of the Philippines: "Engr. Maricel Dela Cruz", "Ma. Theresa" (Maria).
ABBREVIATIONS += ["Engr.", "Atty.", "Arch.", "Ma.", "Ma.ª"]


@functools.cache
def nlp() -> spacy.language.Language:
    """One pipeline per process (building it costs about a second)."""
    pipeline = spacy.blank("en")
    for abbreviation in ABBREVIATIONS:
        pipeline.tokenizer.add_special_case(abbreviation, [{ORTH: abbreviation}])
    pipeline.add_pipe("sentencizer")
    return pipeline


def paragraphs(text: str) -> list[str]:
    """Paragraphs as PressRelease.paragraphs() numbers them (blank-line separated)."""
    return [block.strip() for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]


def parse(text: str) -> Doc:
    return nlp()(text)


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """Character spans of the sentences of a parsed paragraph."""
    return [(sentence.start_char, sentence.end_char) for sentence in doc.sents]


_LETTERS = str.maketrans({"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "s", "æ": "a"})


class _FoldTable(dict):
    """str.translate table built as characters are met: each one folds to one character."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char.isalnum():
            base = unicodedata.normalize("NFKD", char.translate(_LETTERS))[:1] or char
            folded = base.lower()[:1] or base
        else:
            folded = " "
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lower-case, accent-free letters and digits, everything else a space: the same length as the text.

    Offsets in the folded text are offsets in the original, so a match found accent- and
    case-insensitively is highlighted where it stands.
    """
    return text.translate(_FOLD)


def key_words(text: str) -> list[str]:
    """A label as the words fold() leaves: 'Counter-Terrorism' → ['counter', 'terrorism']."""
    return fold(text).split()


@dataclass(frozen=True)
class Word:
    """A word of a paragraph with its character offsets; hyphenated and apostrophe'd words stay whole."""

    text: str
    start: int
    end: int

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


_JOINERS = {"-", "‐", "’", "'"}


def words(doc: Doc) -> list[Word]:
    """spaCy's tokens with 'Secretary - General', 'Dato ’' and '2016 - 2020' joined back into words."""
    found: list[Word] = []
    glue = False
    for token in doc:
        if token.is_space:
            glue = False
            continue
        if found and glue and (token.text in _JOINERS or found[-1].text[-1:] in _JOINERS):
            last = found[-1]
            found[-1] = Word(last.text + token.text, last.start, token.idx + len(token.text))
        else:
            found.append(Word(token.text, token.idx, token.idx + len(token.text)))
        glue = not token.whitespace_
    return found
