"""People: honorifics and titles of the region (alone or stacked), names after posts, and appositive titles.

A mention is read word by word from a trigger — an honorific ("H.E.", "Dato’", "Tan Sri", "U")
or a post ("Prime Minister", "UN Assistant Secretary-General for Political and Peacebuilding
Affairs") — to the name that follows. A post's "of/for ..." tail ends at the last word that can
end a post (an organisation, a place, "Affairs", "Development", ...); the capitalised words after
it are the name. Every scan looks at a bounded window of words, so the work is linear.

Matching is strict: a full name matches an existing official only when it is one of that
official's full names or aliases. A surname alone, or a name that shares only some words with a
known one, becomes a *candidate* the editor must choose — never a match.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from ..names import name_key
from .bodies import HONORIFICS, TITLE_TAIL_ENDS, TITLE_WORDS, places
from .proposal import Candidate, Known
from .text import Word
from .when import CALENDAR_WORDS

PARTICLES = {"bin", "binti", "bte", "bt", "van", "de", "del", "dela", "da", "dos", "al", "a/l", "d/o", "s/o", "von"}
SUFFIXES = {"Jr.", "Jr", "Sr.", "II", "III"}
CONNECTORS = {"of", "for", "to", "on", "at", "in", "and", "the"}
TAIL_STARTS = {"of", "for", "to", "on", "at", "in"}
MAX_NAME_WORDS = 6
MAX_TAIL_WORDS = 24


def _phrases(texts) -> dict[str, list[tuple[str, ...]]]:
    """Phrases by their first word, longest first."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for text in sorted(texts, key=lambda t: -len(t.split())):
        key = tuple(text.split())
        by_first.setdefault(key[0], []).append(key)
    return by_first


_HONORIFICS = _phrases(HONORIFICS)
_TITLES = _phrases(TITLE_WORDS)
_PLACES = {name_key(place) for place in places()}


def _phrase_at(words: list[Word], index: int, phrases: dict[str, list[tuple[str, ...]]]) -> int:
    """How many words from index form one of the phrases (longest), or 0."""
    if index >= len(words):
        return 0
    for phrase in phrases.get(words[index].text, ()):
        if len(phrase) == 1 or tuple(w.text for w in words[index : index + len(phrase)]) == phrase:
            return len(phrase)
    return 0


@dataclass
class PersonMention:
    name_words: list[Word]
    honorifics: list[str] = field(default_factory=list)
    title: str = ""
    organisation: str = ""
    paragraph: int = 0

    @property
    def name(self) -> str:
        return " ".join(w.text for w in self.name_words)

    @property
    def start(self) -> int:
        return self.name_words[0].start

    @property
    def end(self) -> int:
        return self.name_words[-1].end


# Words of institutions and events: "the ASEAN Education Ministers Meeting", "the UN General Assembly".
NOT_NAMES = {"meeting", "ministers", "summit", "conference", "assembly", "forum", "workshop", "session", "leaders"}


def _is_name_word(word: Word) -> bool:
    text = word.text
    if text in SUFFIXES:
        return True
    if name_key(text) in NOT_NAMES or name_key(text) in TITLE_TAIL_ENDS:
        return False
    if not text[:1].isupper() or text in CALENDAR_WORDS or not any(c.isalpha() for c in text):
        return False
    # An acronym is an organisation, not a name.
    return not (len(text) > 1 and text.isupper() and len(text) <= 6)


def _name_at(words: list[Word], index: int) -> list[Word]:
    name: list[Word] = []
    for position in range(index, min(len(words), index + MAX_NAME_WORDS + 2)):
        word = words[position]
        # An initialism can open a name when a name follows it: "H.E. AKP Mochtan".
        opens = not name and word.text.isalpha() and word.text.isupper() and position + 1 < len(words)
        if opens and _is_name_word(words[position + 1]) and not _phrase_at(words, position + 1, _TITLES):
            name.append(word)
            continue
        if (_is_name_word(word) and not _phrase_at(words, position, _TITLES)) or (word.text in PARTICLES and name):
            name.append(word)
        else:
            if name and _phrase_at(words, position, _TITLES):
                return []  # "Deputy Emergency Relief Coordinator": the words qualify a post, they name no one
            break
        if len(name) >= MAX_NAME_WORDS:
            break
    while name and name[-1].text in PARTICLES:
        name.pop()
    if name and name_key(name[0].text) in _PLACES:
        return []  # "Mr. Jakarta" is not a name; a place can stand inside one ("Nguyen Thai Son")
    return name


class PeopleReader:
    """Reads the people of one paragraph; organisations are (first word, word after the last, name) triples."""

    def __init__(self, words: list[Word], organisations: list[tuple[int, int, str]], paragraph: int):
        self.words = words
        self.organisation_ends = {end - 1: name for _, end, name in organisations}
        self.organisation_starts = {start: end - start for start, end, _ in organisations}
        self.paragraph = paragraph
        self.title_spans: list[tuple[int, int]] = []

    def read(self) -> list[PersonMention]:
        found: list[PersonMention] = []
        index = 0
        words = self.words
        while index < len(words):
            mention, next_index = self.person_at(index)
            if mention is None:
                index += 1
                continue
            found.append(mention)
            index = next_index
        return found

    def person_at(self, index: int) -> tuple[PersonMention | None, int]:
        words = self.words
        honorifics: list[str] = []
        title_start = title_end = None
        position = index
        for _ in range(6):  # stacked honorifics and posts
            honorific = _phrase_at(words, position, _HONORIFICS)
            title = _phrase_at(words, position, _TITLES)
            if title >= honorific and title:
                title_start = position if title_start is None else title_start
                position += title
                position = self.tail(position)
                title_end = position
            elif honorific:
                honorifics.append(" ".join(w.text for w in words[position : position + honorific]))
                position += honorific
            elif (
                title_start is not None
                and position + 1 < len(words)
                and words[position].text == ","
                and _phrase_at(words, position + 1, _HONORIFICS)
            ):
                position += 1  # "UN Assistant Secretary-General for Political Affairs, H.E. Miroslav Jenča"
            else:
                break
        if position == index:
            return None, index + 1
        name = _name_at(words, position)
        if not name:
            return None, position
        mention = PersonMention(name, honorifics, paragraph=self.paragraph)
        if title_start is not None:
            mention.title = self.text(title_start, title_end)
            mention.organisation = self.organisation_of(title_start, title_end)
            self.title_spans.append((words[title_start].start, words[title_end - 1].end))
        end = position + len(name)
        if not mention.title:
            end = self.appositive(mention, end)
        # Honorific-only words ("Mr", "Ms") are not kept; stacked regional titles are.
        return mention, end

    def tail(self, position: int) -> int:
        """The end of a post's 'of/for ...' tail: just after its last word that can end a post.

        Once the tail has ended somewhere, the first capitalised word that cannot continue it
        ("of", "to", a place, a body) starts the holder's name.
        """
        words = self.words
        if position < len(words) and words[position].text == "and" and _phrase_at(words, position + 1, _TITLES):
            return self.tail(position + 1 + _phrase_at(words, position + 1, _TITLES))
        # "Deputy Secretary-General (DSG) for ...": the post's own acronym in brackets.
        if (
            position + 2 < len(words)
            and words[position].text == "("
            and words[position + 2].text == ")"
            and words[position + 1].text.isupper()
        ):
            position += 3
        if position >= len(words) or words[position].text not in TAIL_STARTS:
            return position
        end = None
        offset = position
        while offset < min(len(words), position + MAX_TAIL_WORDS):
            word = words[offset]
            if word.text == "and" and _phrase_at(words, offset + 1, _TITLES):
                return self.tail(offset + 1 + _phrase_at(words, offset + 1, _TITLES))
            if word.text == ",":
                # "for Middle East, Asia and the Pacific": a list inside the post goes on.
                following = offset + 1 < len(words) and words[offset + 1]
                if following and following.capitalised and not self.opens_person(offset + 1):
                    offset += 1
                    continue
                break
            if not (word.capitalised or word.text in CONNECTORS) or word.text in CALENDAR_WORDS:
                break
            if offset > position and self.opens_person(offset):
                break
            ending = self.ending_at(offset)
            if ending:
                end = offset = offset + ending
                continue
            if end is not None and words[offset - 1].text == "and" and word.capitalised:
                end = offset = offset + 1  # "Minister of Education and Sports": coordination inside the post
                continue
            if end is not None and word.text not in CONNECTORS:
                # "of ASEAN for ASEAN Socio-Cultural Community": words that lead to another ending belong to the post.
                ahead = self.ending_ahead(offset)
                if not ahead:
                    break
                offset = ahead
                continue
            offset += 1
        return end if end is not None else position

    def opens_person(self, offset: int) -> bool:
        word = self.words[offset]
        return bool(_phrase_at(self.words, offset, _HONORIFICS)) and word.text != "General"

    def ending_ahead(self, offset: int) -> int:
        """The index of a post-ending word (not a place) within two capitalised words and 'and', or 0."""
        words = self.words
        capitalised = 0
        for ahead in range(offset, min(len(words), offset + 4)):
            word = words[ahead]
            if ahead > offset and (name_key(word.text) in TITLE_TAIL_ENDS or ahead in self.organisation_starts):
                return ahead
            if word.capitalised and not self.opens_person(ahead):
                capitalised += 1
            elif word.text != "and":
                return 0
            if capitalised > 2:
                return 0
        return 0

    def ending_at(self, offset: int) -> int:
        """How many words from offset form something a post can end with (a body, a place, 'Affairs'), or 0."""
        words = self.words
        for length in (4, 3, 2, 1):
            key = name_key(" ".join(w.text for w in words[offset : offset + length]))
            if length <= len(words) - offset and key in _PLACES:
                return length
        if offset in self.organisation_starts:
            return self.organisation_starts[offset]
        return 1 if name_key(words[offset].text) in TITLE_TAIL_ENDS else 0

    def appositive(self, mention: PersonMention, end: int) -> int:
        """', Secretary-General of ASEAN,' after a name: the post it names."""
        words = self.words
        position = end
        if position < len(words) and words[position].text == ",":
            position += 1
            if position < len(words) and words[position].text.lower() == "the":
                position += 1
            # Posts can open with a body or a country: "UN Resident Coordinator", "ASEAN Secretary-General".
            lead = position
            while position < len(words) and position - lead < 2 and not _phrase_at(words, position, _TITLES):
                if not words[position].capitalised:
                    break
                position += 1
            title = _phrase_at(words, position, _TITLES)
            if title:
                stop = self.tail(position + title)
                mention.title = self.text(position, stop)
                mention.organisation = self.organisation_of(lead, stop)
                self.title_spans.append((words[lead].start, words[stop - 1].end))
                return stop
        return end

    def text(self, start: int, end: int) -> str:
        source = self.words
        return " ".join(w.text for w in source[start:end]).replace(" ,", ",")

    def organisation_of(self, start: int, end: int) -> str:
        """The body a post belongs to: the last organisation named in it, or the one just before it."""
        inside = [self.organisation_ends[i] for i in range(start, end) if i in self.organisation_ends]
        if inside:
            return inside[-1]
        return self.organisation_ends.get(start - 1, "")


# -- matching against the officials already known ----------------------------------------


@functools.lru_cache(maxsize=65536)
def _name_words(label: str) -> tuple[str, ...]:
    return tuple(name_words_of_uncached(label))


def name_words_of(label: str) -> list[str]:
    """name_words_of_uncached(), remembered: the gazetteer asks for every official's labels twice."""
    return list(_name_words(label))


def name_words_of_uncached(label: str) -> list[str]:
    """The name in a label without honorifics or titles: 'Mr Jenča' → ['jenca'], 'SG Minh' → ['minh']."""
    words = label.split()
    while words:
        one = _phrase_at([Word(w, 0, 0) for w in words], 0, _HONORIFICS) or _phrase_at(
            [Word(w, 0, 0) for w in words], 0, _TITLES
        )
        if not one:
            break
        words = words[one:]
    return name_key(" ".join(words)).split()


@dataclass
class OfficialIndex:
    """Known officials by full name (two words or more) and by each single name word."""

    full: dict[str, list[Known]] = field(default_factory=dict)
    by_word: dict[str, list[Known]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    records: dict[int, Known] = field(default_factory=dict)

    @classmethod
    def build(cls, officials: list[Known], labels: dict[int, list[str]]) -> OfficialIndex:
        index = cls()
        seen: set[tuple[str, int]] = set()
        for record in officials:
            index.names[record.pk] = name_key(record.name)
            index.records[record.pk] = record
            for label in [record.name, *labels.get(record.pk, [])]:
                words = name_words_of(label)
                if len(words) >= 2:
                    index.full.setdefault(" ".join(words), []).append(record)
                for word in words:
                    # By id: a list test compared whole records, quadratic in a common name ("Nguyen").
                    if (word, record.pk) not in seen:
                        seen.add((word, record.pk))
                        index.by_word.setdefault(word, []).append(record)
        return index

    def match(self, name: str) -> tuple[Known | None, list[Candidate]]:
        """The official this full name is for certain, or the ones it might be."""
        words = name_key(name).split()
        key = " ".join(words)
        exact = self.full.get(key, []) if len(words) >= 2 else []
        unique = list({record.pk: record for record in exact}.values())
        if len(unique) == 1:
            return unique[0], []
        candidates: dict[int, Candidate] = {}
        for record in unique:
            candidates[record.pk] = Candidate(record.pk, record.name, 1.0, "the same name belongs to several records")
        for word in words:
            for record in self.by_word.get(word, []):
                if record.pk in candidates:
                    continue
                known_words = self.names[record.pk].split()
                score = fuzz.token_sort_ratio(key, self.names[record.pk]) / 100
                if len(words) == 1:
                    reason = f"only the name ‘{word}’ is given: no other name to confirm"
                    score = min(score, 0.6)
                elif set(words) <= set(known_words):
                    reason = "part of this official's name"
                else:
                    reason = f"shares the name ‘{word}’; the other names differ"
                candidates[record.pk] = Candidate(record.pk, record.name, score, reason)
        if len(words) >= 2:
            spelled = process.extract(key, self.names, scorer=fuzz.token_sort_ratio, score_cutoff=85, limit=5)
            for _, score, pk in spelled:
                if pk not in candidates:
                    candidates[pk] = Candidate(pk, self.records[pk].name, score / 100, "a similar spelling")
        return None, sorted(candidates.values(), key=lambda c: -c.score)[:5]
