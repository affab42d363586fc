"""Finding known names in a paragraph: spaCy's PhraseMatcher over the accent- and case-folded text.

Every name of every known record (and of the bodies and areas the engine ships with) is one
phrase; the matcher finds them all in one pass over the tokens, whatever the spelling's accents,
case or hyphens ("Jenca", "JENČA", "counter terrorism"). A name written in capitals (an acronym
such as "WHO" or "UN") only matches where the text writes it in capitals too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from .text import fold, key_words, nlp

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Entry:
    """A name of something: kind ('official', 'organisation', 'area', 'agreement', 'body'), its record, the label."""

    kind: str
    record: object
    label: str

    @property
    def capitals_only(self) -> bool:
        letters = [c for c in self.label if c.isalpha()]
        return len(letters) <= 8 and all(c.isupper() for c in letters) and " " not in self.label.strip()


@dataclass(frozen=True)
class Hit:
    start: int  # character offsets in the paragraph
    end: int
    text: str
    entries: tuple[Entry, ...]

    def of(self, kind: str) -> list[Entry]:
        return [entry for entry in self.entries if entry.kind == kind]


@dataclass
class Gazetteer:
    entries: dict[str, list[Entry]] = field(default_factory=dict)
    _matcher: PhraseMatcher | None = None

    def add(self, kind: str, record: object, labels: Iterable[str]) -> None:
        for label in labels:
            words = key_words(label)
            if words:
                self.entries.setdefault(" ".join(words), []).append(Entry(kind, record, label))
        self._matcher = None

    def matcher(self) -> PhraseMatcher:
        if self._matcher is None:
            matcher = PhraseMatcher(nlp().vocab, attr="ORTH")
            for key in self.entries:
                matcher.add(key, [Doc(nlp().vocab, words=key.split())])
            self._matcher = matcher
        return self._matcher

    def find(self, text: str) -> list[Hit]:
        """Every known name in the text (overlapping hits included; callers keep the longest)."""
        folded = fold(text)
        # Words of the folded text with their offsets: punctuation became spaces, so "Women, Peace" is two words.
        spans = [(m.start(), m.end()) for m in _WORD.finditer(folded)]
        doc = Doc(nlp().vocab, words=[folded[s:e] for s, e in spans])
        hits = []
        strings = nlp().vocab.strings
        for match_id, start, end in self.matcher()(doc):
            first, last = spans[start][0], spans[end - 1][1]
            original = text[first:last]
            entries = tuple(
                entry
                for entry in self.entries[strings[match_id]]
                if not entry.capitals_only or original.replace(".", "").isupper()
            )
            if entries:
                hits.append(Hit(first, last, original, entries))
        return hits


def longest(hits: list[Hit]) -> list[Hit]:
    """The longest hits that do not overlap, in the order of the text."""
    chosen: list[Hit] = []
    taken = bytearray(max((hit.end for hit in hits), default=0))
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if not any(taken[hit.start : hit.end]):
            taken[hit.start : hit.end] = b"\x01" * (hit.end - hit.start)
            chosen.append(hit)
    return sorted(chosen, key=lambda h: h.start)
