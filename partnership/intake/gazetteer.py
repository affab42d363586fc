"""Finding known names in a paragraph: spaCy's PhraseMatcher over the accent- and case-folded text.

Every name of every known record (and of the bodies and areas the engine ships with) is one
phrase; the matcher finds them all in one pass over the tokens, whatever the spelling's accents,
case or hyphens ("Jenca", "JENČA", "counter terrorism"). A name written in capitals (an acronym
such as "WHO" or "UN") only matches where the text writes it in capitals too.

Topic labels (areas and vocabulary concepts) are also matched by their word forms (forms.py):
"transnational crimes", "peacebuilders", "trafficking of drugs", "cyber security" for
"cybersecurity". Names of people, bodies and documents only by their spelling.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from .forms import agent, label_forms, plural, stem
from .text import fold, key_words, nlp

_WORD = re.compile(r"\S+")
TOPICS = {"area", "concept"}  # kinds whose labels are matched by word form too
_FORMS = {"plural": plural, "agent": agent, "stem": stem}


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
    # Topic labels by word form: {"plural": {key: entries}, "agent": {...}, "stem": {...}}.
    forms: dict[str, dict[str, list[Entry]]] = field(default_factory=lambda: {s: {} for s in _FORMS})
    _matchers: dict[str, PhraseMatcher] = field(default_factory=dict)

    def add(self, kind: str, record: object, labels: Iterable[str]) -> None:
        for label in labels:
            words = key_words(label)
            if not words:
                continue
            entry = Entry(kind, record, label)
            variants = [words]
            if kind in TOPICS and "-" in label:
                # "peace-building" is also written "peacebuilding", "cyber-security" "cybersecurity".
                variants.append(key_words(label.replace("-", "")))
            if kind in TOPICS and len(words) > 2 and words[0] == "situation" and words[1] in ("in", "on"):
                # A country's situation is as often its crisis or conflict: "the crisis in Myanmar".
                place = words[2:]
                variants += [[noun, "in", *place] for noun in ("crisis", "conflict")] + [[*place, "crisis"]]
            for variant in variants:
                self.entries.setdefault(" ".join(variant), []).append(entry)
                if kind in TOPICS:
                    space, keys = label_forms(variant)
                    for key in keys:
                        self.forms[space].setdefault(key, []).append(entry)
        self._matchers = {}

    def _table(self, space: str) -> dict[str, list[Entry]]:
        return self.entries if space == "exact" else self.forms[space]

    def matcher(self, space: str = "exact") -> PhraseMatcher:
        if space not in self._matchers:
            matcher = PhraseMatcher(nlp().vocab, attr="ORTH")
            for key in self._table(space):
                matcher.add(key, [Doc(nlp().vocab, words=key.split())])
            self._matchers[space] = matcher
        return self._matchers[space]

    def prepare(self) -> Gazetteer:
        """Build every matcher now (they are otherwise built at the first find)."""
        for space in ("exact", *self.forms):
            self.matcher(space)
        return self

    def find(self, text: str) -> list[Hit]:
        """Every known name in the text (overlapping hits included; callers keep the longest)."""
        folded = fold(text)
        # Words of the folded text with their offsets: punctuation became spaces, so "Women, Peace" is two words.
        spans = [(m.start(), m.end()) for m in _WORD.finditer(folded)]
        tokens = [folded[s:e] for s, e in spans]
        hits = []
        strings = nlp().vocab.strings
        for space in ("exact", *self.forms):
            table = self._table(space)
            if not table:
                continue
            words = tokens if space == "exact" else [_FORMS[space](token) for token in tokens]
            doc = Doc(nlp().vocab, words=words)
            for match_id, start, end in self.matcher(space)(doc):
                first, last = spans[start][0], spans[end - 1][1]
                original = text[first:last]
                entries = tuple(
                    entry
                    for entry in table[strings[match_id]]
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
